/**
 * Chooses the requirements simulation's settings on dev (bench/active-learning.ts --dev, two
 * seeds, the curve to the whole pool in rounds of a fifth): the settings as they were (the demo's
 * three passes, mean threshold margin over a posting's segments, diversity threshold 0.5, 15% of
 * the labels held out to stop training on), then one change at a time — the three least sure
 * segments instead of the mean, no diversity step, no hold-out (all three passes run on every
 * label). The random control runs beside the first. Each variant runs in its own process, two at
 * a time. (Two seeds and rounds of a fifth, not more: what fitted the session's compute.)
 *
 *   node bin/run-ts.js bench/active-learning-dev.ts [--quick] [--write-results]
 *
 * Writes bench/out/active-learning-dev.json, and with --write-results bench/results/active-learning-dev.json.
 * The chosen settings (CHOSEN_VARIANT) are REQUIREMENTS_CHOSEN in bench/active-learning.ts; the
 * criterion is the dev F1 at each budget (the mean over the rounds), not the share to 95% alone,
 * since a setting that lifts the ceiling too moves that share's yardstick.
 */
import type { SelectionStrategy } from "../src/workflows/active-learning.ts";
import {
  REQUIREMENTS_CHOSEN,
  type RequirementsVariant,
  type SimulationFigures,
  simulateInChild,
} from "./active-learning.ts";
import { invokedDirectly } from "./invoked-directly.ts";
import { recordBench } from "./results-file.ts";

const SEEDS = 2;
/** The variant chosen (REQUIREMENTS_CHOSEN in bench/active-learning.ts must be its settings). */
export const CHOSEN_VARIANT = "noHoldOut";
const PARALLEL = 2;

const start: RequirementsVariant = { passes: 3, aggregation: "mean", maxSimilarity: 0.5, holdOut: 0.15 };

export const devVariants: readonly {
  id: string;
  describe: string;
  variant: RequirementsVariant;
  strategies: readonly SelectionStrategy[];
}[] = [
  { id: "start", describe: "the settings as they were", variant: start, strategies: ["uncertain", "random"] },
  {
    id: "leastSure",
    describe: "the three least sure segments instead of the mean",
    variant: { ...start, aggregation: "least-sure" },
    strategies: ["uncertain"],
  },
  {
    id: "noDiversity",
    describe: "no diversity step",
    variant: { ...start, maxSimilarity: 1 },
    strategies: ["uncertain"],
  },
  { id: "noHoldOut", describe: "no hold-out", variant: { ...start, holdOut: 0 }, strategies: ["uncertain"] },
];

export async function runActiveLearningDevBench(
  options: { write?: "out" | "results"; quick?: boolean } = {},
) {
  const quick = Boolean(options.quick);
  const chosen = devVariants.find((entry) => entry.id === CHOSEN_VARIANT);
  if (JSON.stringify(chosen?.variant) !== JSON.stringify(REQUIREMENTS_CHOSEN))
    throw new Error(`REQUIREMENTS_CHOSEN is not the settings of the chosen variant ${CHOSEN_VARIANT}`);
  const record = recordBench("active-learning-dev", {
    measure: "highlight loose micro F1 on the requirements corpus's dev postings; no speeds",
    quick,
    writeResults: options.write === "results",
  });
  type VariantFigures = { change: string; variant: RequirementsVariant } & SimulationFigures;
  const variants = new Map<string, VariantFigures>();
  const queue = [...devVariants];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const figures = await simulateInChild(
        "requirements",
        {
          dev: true,
          quick,
          variant: next.variant,
          strategies: next.strategies,
          seeds: quick ? 1 : SEEDS,
        },
        next.id,
      );
      if (!figures.requirements) throw new Error(`variant ${next.id} returned no figures`);
      variants.set(next.id, { change: next.describe, variant: next.variant, ...figures.requirements });
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  const ordered: Record<string, VariantFigures> = {};
  for (const { id } of devVariants) {
    const figures = variants.get(id);
    if (figures) ordered[id] = figures;
  }
  for (const [id, figures] of Object.entries(ordered))
    console.log(
      `${id}: ceiling ${(100 * figures.ceiling.mean).toFixed(1)}; ` +
        Object.entries(figures.strategies)
          .map(
            ([strategy, curve]) =>
              `${strategy} mean F1 over the rounds ${(100 * curve.meanF1OverRounds).toFixed(1)}, ` +
              `95% at ${curve.shareTo95 === null ? "not reached" : `${(100 * curve.shareTo95).toFixed(1)}%`}`,
          )
          .join("; "),
    );
  const paths = record.write({
    seeds: quick ? 1 : SEEDS,
    chosen: { variant: CHOSEN_VARIANT, settings: REQUIREMENTS_CHOSEN },
    variants: ordered,
  });
  for (const path of paths) console.log(`wrote ${path}`);
  return ordered;
}

if (invokedDirectly(import.meta.url)) {
  await runActiveLearningDevBench({
    write: process.argv.includes("--write-results") ? "results" : "out",
    quick: process.argv.includes("--quick"),
  });
}
