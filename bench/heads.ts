/**
 * Heads over embeddings: how fast each kind trains, and whether to standardise the embeddings.
 *
 * - speed: 3,000 synthetic 512-d examples in 4 classes, 10 epochs without dev, per kind; printed in
 *   seconds and as a ratio to the logistic head measured in the same run.
 * - standardise: USE-lite vectors of ESCO lexicon labels (soft vs hard, from
 *   `coarse_label`) to train on, the `val` split of the ESCO-typed SkillSpan spans to score (never
 *   `test`): each kind with and without per-dimension standardisation, accuracy and macro-F1 on val.
 *
 * Run: `node bin/run-ts.js bench/heads.ts [--speed] [--standardise]` (both without flags). Prints only;
 * stores no results.
 */
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { parse } from "csv-parse/sync";
import { z } from "zod";
import { createRandom, shuffled } from "../src/core/random.ts";
import { sharedPath } from "../src/core/shared-data.ts";
import { readEscoSkillsCsv } from "../src/dataset/lexicon/index.ts";
import { createEncoder } from "../src/encoders/index.ts";
import { type HeadExample, type HeadOptions, trainHead } from "../src/student/heads/index.ts";
import { invokedDirectly } from "./invoked-directly.ts";

const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(" ");

function syntheticExamples(count: number, dims: number, classes: number) {
  const random = createRandom(1);
  const examples: HeadExample[] = [];
  const targets: number[][] = [];
  for (let e = 0; e < count; e++) {
    const c = e % classes;
    const embedding = new Float32Array(dims);
    for (let i = 0; i < dims; i++)
      embedding[i] = (random.next() - 0.5) * 0.1 + (i % classes === c ? 0.01 : 0);
    examples.push({ embedding });
    targets.push([c]);
  }
  return { examples, targets };
}

const speedKinds: HeadOptions[] = [
  { kind: "logistic" },
  { kind: "ovr-logistic" },
  { kind: "linear-svm" },
  { kind: "mlp", hiddenSize: 64 },
  { kind: "mlp", hiddenSize: 128 },
];

export function benchHeadSpeed(log: (line: string) => void = console.log): void {
  const { examples, targets } = syntheticExamples(3000, 512, 4);
  const labels = ["a", "b", "c", "d"];
  log(
    `speed: 3000 × 512, 4 classes, 10 epochs, batch 32, CPU seconds of this process (load average ${load()})`,
  );
  let baseline = 0;
  for (const options of speedKinds) {
    const started = performance.now();
    const cpu = process.cpuUsage();
    trainHead(examples, targets, labels, { ...options, epochs: 10 });
    const used = process.cpuUsage(cpu);
    const seconds = (used.user + used.system) / 1e6;
    if (baseline === 0) baseline = seconds;
    log(
      `  ${JSON.stringify(options).padEnd(36)} ${seconds.toFixed(2)} CPU s (${((performance.now() - started) / 1000).toFixed(2)} wall s)  ` +
        `×${(seconds / baseline).toFixed(2)} logistic`,
    );
  }
  log(`  (load average at end ${load()})`);
}

const spanRow = z.object({ split: z.string(), span: z.string(), coarse_label: z.string() });

function macroF1(predicted: readonly number[], gold: readonly number[], classes: number): number {
  let total = 0;
  for (let c = 0; c < classes; c++) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    predicted.forEach((p, i) => {
      if (p === c && gold[i] === c) tp++;
      else if (p === c) fp++;
      else if (gold[i] === c) fn++;
    });
    total += tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  }
  return total / classes;
}

export async function benchStandardise(log: (line: string) => void = console.log): Promise<void> {
  const lexiconPath = sharedPath("data", "esco", "esco_skills_lexicon.csv");
  const spansPath = sharedPath("data", "esco-typed-spans", "house_tech_spans.csv");
  if (!lexiconPath || !spansPath) {
    log("standardise skipped: needs ../shared/data/esco and ../shared/data/esco-typed-spans");
    return;
  }
  const entries = readEscoSkillsCsv(lexiconPath);
  const soft = entries.filter((entry) => entry.kind === "soft");
  const hard = shuffled(
    entries.filter((entry) => entry.kind === "hard"),
    createRandom(1),
  ).slice(0, 1500);
  // Every fifth lexicon label is held out for early stopping and calibration.
  const labelled = shuffled(
    [
      ...soft.map((entry) => ({ text: entry.label, target: 1 })),
      ...hard.map((entry) => ({ text: entry.label, target: 0 })),
    ],
    createRandom(2),
  );
  const trainItems = labelled.filter((_, i) => i % 5 !== 0);
  const devItems = labelled.filter((_, i) => i % 5 === 0);
  const rows = z
    .array(spanRow)
    .parse(
      parse(readFileSync(spansPath, "utf8"), {
        columns: true,
        skip_empty_lines: true,
        bom: true,
      }),
    )
    .filter(
      (row) =>
        row.split === "val" && ["soft", "hard_knowledge", "skill_competence"].includes(row.coarse_label),
    );
  const valTexts = rows.map((row) => row.span);
  const valGold = rows.map((row) => (row.coarse_label === "soft" ? 1 : 0));

  const encoder = await createEncoder("use-lite");
  const started = performance.now();
  const embed = async (texts: readonly string[]) => {
    const out: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += 64)
      out.push(...(await encoder.embed(texts.slice(start, start + 64))));
    return out;
  };
  const train = (await embed(trainItems.map((item) => item.text))).map(
    (embedding): HeadExample => ({ embedding }),
  );
  const trainTargets = trainItems.map((item) => [item.target]);
  const dev = {
    examples: (await embed(devItems.map((item) => item.text))).map(
      (embedding): HeadExample => ({ embedding }),
    ),
    targets: devItems.map((item) => [item.target]),
  };
  const val = (await embed(valTexts)).map((embedding): HeadExample => ({ embedding }));
  await encoder.close();
  log(
    `standardise: train ${train.length} + dev ${dev.examples.length} ESCO labels (${soft.length} soft), val ${val.length} spans ` +
      `(${valGold.filter((g) => g === 1).length} soft); embedded in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  // The figures are on all of val (a look at val, never test).
  const settings: HeadOptions[] = [
    ...[1e-4, 1e-3, 1e-2].map((l2): HeadOptions => ({ kind: "logistic", l2 })),
    ...[1e-4, 1e-3].map((l2): HeadOptions => ({ kind: "linear-svm", l2 })),
    ...[1e-4, 1e-3].map((l2): HeadOptions => ({ kind: "mlp", hiddenSize: 64, l2 })),
  ];
  for (const options of settings) {
    const figures: string[] = [];
    for (const standardise of [false, true]) {
      const head = trainHead(train, trainTargets, ["Hard", "Soft"], { ...options, standardise }, dev);
      const predicted = val.map((example) => {
        const p = head.probabilities(example);
        return (p[1] as number) > (p[0] as number) ? 1 : 0;
      });
      const accuracy = predicted.filter((p, i) => p === valGold[i]).length / val.length;
      const { epochsRun, bestEpoch, devLoss } = head.config.training;
      figures.push(
        `${standardise ? "standardised" : "raw"} acc ${(100 * accuracy).toFixed(1)} macro-F1 ` +
          `${(100 * macroF1(predicted, valGold, 2)).toFixed(1)} dev loss ${Number(devLoss).toFixed(3)} ` +
          `epoch ${bestEpoch}/${epochsRun}`,
      );
    }
    log(`  ${JSON.stringify(options).padEnd(40)} ${figures.join("  |  ")}`);
  }
  log(`  (load average at end ${load()})`);
}

if (invokedDirectly(import.meta.url)) {
  // `npm run bench` passes --quick, which chooses no part: both run.
  const only = process.argv.slice(2).filter((arg) => arg === "--speed" || arg === "--standardise");
  if (only.length === 0 || only.includes("--speed")) benchHeadSpeed();
  if (only.length === 0 || only.includes("--standardise")) await benchStandardise();
}
