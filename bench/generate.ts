/**
 * The synthetic path end to end (issue 15): `generateDocuments` against the local OpenAI-protocol
 * server, where a scripted generator writes each document from the grid cell in its prompt and
 * plants near-duplicates and seed copies at known rates. Measures what the gates catch against what
 * was planted (recall, precision, normal items lost), whether balance over labels and cells is
 * reached and in how many top-up rounds, and items/s — beside two baselines from the same run:
 * the teacher engine alone over the same number of calls (what generation adds to it), and an
 * exhaustive pairwise Jaccard search for near-duplicates (what MinHash LSH saves, and whether it
 * misses any pair the exhaustive search finds).
 * Run: `node bin/run-ts.js bench/generate.ts [--per-label 1000] [--quick] [--write-results]`;
 * writes bench/out/generate.json, and with --write-results bench/results/generate.json.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRandom } from "../src/core/random.ts";
import {
  comparableWords,
  jaccard,
  NearDuplicateIndex,
  QualityGates,
  wordShingleHashes,
} from "../src/dataset/dedupe/index.ts";
import { openWorkspace } from "../src/store/index.ts";
import {
  createGenerateTask,
  type GenerationItem,
  gridCells,
  parseGenerationSpec,
  planLabelItems,
} from "../src/tasks/generate/index.ts";
import { OpenAiLanguageModel, runTeacher } from "../src/teacher/index.ts";
import { generateDocuments } from "../src/workflows/index.ts";
import { startOpenAiTestServer } from "../test/openai-test-server.ts";
import { createScriptedGenerator } from "../test/scripted-generator.ts";
import { invokedDirectly } from "./invoked-directly.ts";
import { recordBench } from "./results-file.ts";

export interface GenerateBenchOptions {
  perLabel?: number;
  nearDuplicateRate?: number;
  seedCopyRate?: number;
  concurrency?: number;
  quick?: boolean;
  writeResults?: boolean;
  log?: (line: string) => void;
}

const seeds: Record<string, string> = {
  "devops-1.txt":
    "Senior DevOps engineer with nine years of experience. Built and ran Kubernetes clusters on AWS for a " +
    "payments company, moved two hundred services to Terraform and GitOps, cut deployment time from hours to " +
    "minutes and led an on-call rotation of eight engineers. Earlier a Linux administrator at a hosting firm.",
  "devops-2.txt":
    "Platform engineer. Designed the CI/CD pipelines of a retail group in GitLab and Jenkins, wrote Ansible " +
    "roles for four hundred servers, introduced Prometheus and Grafana monitoring with paging through " +
    "PagerDuty, and mentored three junior site reliability engineers through their first incidents.",
};

const cpuMs = (usage: NodeJS.CpuUsage): number => (usage.user + usage.system) / 1000;
const ratio = (value: number, baseline: number): number => Math.round((value / baseline) * 100) / 100;
const share = (part: number, whole: number): number =>
  whole === 0 ? 1 : Math.round((part / whole) * 10_000) / 10_000;

/**
 * How light an edit must be for the gate to see a near-duplicate: pairs of made-up 150-word texts
 * where the copy has a share of its words replaced, the share of copies caught, and their mean
 * shingle Jaccard. A paraphrasing model changes far more than a few words; this is where the gate stops.
 */
function editSweep(threshold: number, shingleWords: number, pairs: number) {
  const random = createRandom(11);
  const word = () => `w${random.int(50_000)}`;
  return [0.01, 0.02, 0.05, 0.1, 0.2].map((editShare) => {
    const index = new NearDuplicateIndex({ threshold, shingleWords });
    let caught = 0;
    let above = 0;
    let caughtAbove = 0;
    let similarity = 0;
    for (let pair = 0; pair < pairs; pair++) {
      const original = Array.from({ length: 150 }, word);
      const copy = original.map((w) => (random.next() < editShare ? word() : w));
      index.add(`o${pair}`, original.join(" "));
      const found = index.add(`c${pair}`, copy.join(" ")) !== undefined;
      const exact = jaccard(
        wordShingleHashes(comparableWords(original.join(" ")), shingleWords),
        wordShingleHashes(comparableWords(copy.join(" ")), shingleWords),
      );
      similarity += exact;
      if (found) caught++;
      if (exact >= threshold) {
        above++;
        if (found) caughtAbove++;
      }
    }
    return {
      editShare,
      meanJaccard: Math.round((similarity / pairs) * 1000) / 1000,
      caught: share(caught, pairs),
      /** Copies at or above the threshold by exact Jaccard, and the share of those LSH found. */
      aboveThreshold: share(above, pairs),
      lshRecallAboveThreshold: share(caughtAbove, above),
    };
  });
}

export async function runGenerateBench(options: GenerateBenchOptions = {}) {
  const log = options.log ?? console.log;
  const perLabel = options.perLabel ?? (options.quick ? 200 : 1000);
  const nearDuplicateRate = options.nearDuplicateRate ?? 0.1;
  const seedCopyRate = options.seedCopyRate ?? 0.05;
  const concurrency = options.concurrency ?? 8;
  const record = recordBench("generate", {
    measure:
      "wall clock in one process (the test server, the teacher engine, the gates and SQLite share it); the " +
      "server answers at once, so items/s is what generation costs beyond the model's own latency. The machine " +
      "was shared: see the load average",
    quick: options.quick,
    writeResults: options.writeResults,
  });
  const spec = parseGenerationSpec(
    {
      document: "resume",
      count: perLabel,
      labels: {
        devops: { description: "resumes of senior DevOps engineers", seeds: Object.keys(seeds) },
        other: { description: "resumes for other roles, including near-misses such as software developers" },
      },
      grid: {
        seniority: ["junior", "mid", "senior"],
        format: ["sectioned", "prose"],
        country: ["UK", "India", "Germany", "US"],
      },
      words: { min: 20, max: 1000 },
      topUp: { maxRounds: 5 },
    },
    { where: "bench", readSeed: (path) => seeds[path] ?? "" },
  );
  const generator = createScriptedGenerator({ nearDuplicateRate, seedCopyRate, words: 150 });
  // Every text the generator writes during the generation run, in arrival order.
  const written: string[] = [];
  let capture = false;
  const server = await startOpenAiTestServer({
    defaultBehaviour: (request) => {
      const behaviour = generator.answer(request);
      if (capture && behaviour.kind === "json") written.push((behaviour.value as { text: string }).text);
      return behaviour;
    },
  });
  const dir = mkdtempSync(join(tmpdir(), "jobdistill-bench-generate-"));
  const workspace = openWorkspace(dir);
  const model = new OpenAiLanguageModel({
    model: "bench-generator",
    apiKey: "sk-bench",
    baseUrl: server.url,
  });
  const limits = { concurrency, timeoutMs: 30_000, maxRetries: 2, maxRepairs: 1 };
  try {
    log(
      `  ${spec.labels.length} labels × ${perLabel}, ${gridCells(spec.grid).length} grid cells; planted: ` +
        `${nearDuplicateRate * 100}% near-duplicates, ${seedCopyRate * 100}% seed copies (devops only)`,
    );

    // Baseline: the teacher engine alone over as many first-pass calls under another spec hash,
    // after a warm-up under a third one (so neither side pays for the first calls' JIT and cache).
    const firstPassOf = (specHash: string): GenerationItem[] => {
      const other = { ...spec, specHash };
      return other.labels.flatMap((label) =>
        planLabelItems(other, label, gridCells(spec.grid), 0, label.count),
      );
    };
    const engineRun = (items: GenerationItem[]) =>
      runTeacher({
        cache: workspace.calls,
        recorder: workspace.runs,
        task: createGenerateTask(),
        items,
        model,
        limits,
      });
    await engineRun(firstPassOf(`warm-up-${spec.specHash}`).slice(0, 100));
    const baselineItems = firstPassOf(`baseline-${spec.specHash}`);
    let cpu = process.cpuUsage();
    let started = performance.now();
    await engineRun(baselineItems);
    const engineSeconds = (performance.now() - started) / 1000;
    const engineCpuMsPerItem = cpuMs(process.cpuUsage(cpu)) / baselineItems.length;
    const engineItemsPerSecond = baselineItems.length / engineSeconds;
    generator.planted.clear();

    capture = true;
    cpu = process.cpuUsage();
    started = performance.now();
    const result = await generateDocuments(workspace, { spec, model, limits });
    const generateSeconds = (performance.now() - started) / 1000;
    const generateCpuMs = cpuMs(process.cpuUsage(cpu));
    capture = false;
    const report = result.report;
    if (report === undefined) throw new Error("no report");
    const calls = report.gates.checked + report.gates.failed;

    // What was caught, against what was planted.
    const planted = generator.planted;
    const caught = new Map(report.rejected.map((item) => [item.itemId, item.reason]));
    const score = (kind: "near-duplicate" | "seed-copy") => {
      const truth = [...planted].filter(([, plantedKind]) => plantedKind === kind).map(([id]) => id);
      const found = [...caught].filter(([, reason]) => reason === kind).map(([id]) => id);
      const hits = found.filter((id) => planted.get(id) === kind).length;
      return {
        planted: truth.length,
        caught: found.length,
        recall: share(hits, truth.length),
        precision: share(hits, found.length),
      };
    };
    const nearDuplicates = score("near-duplicate");
    const seedCopies = score("seed-copy");
    const normals = [...planted].filter(([, kind]) => kind === "normal");
    const normalsRejected = normals.filter(([id]) => caught.has(id)).length;
    const cellSpread = Math.max(
      ...report.labels.map((label) => {
        const counts = Object.values(label.cells.accepted);
        return Math.max(...counts) - Math.min(...counts);
      }),
    );

    // A rerun: every call cached.
    const requestsBefore = server.requests.length;
    started = performance.now();
    const rerun = await generateDocuments(workspace, { spec, model, limits });
    const rerunSeconds = (performance.now() - started) / 1000;
    const rerunCalls = server.requests.length - requestsBefore;

    // The near-duplicate gate alone on the generated texts: MinHash LSH against exhaustive pairs.
    const allTexts = written;
    started = performance.now();
    const lshGates = new QualityGates({
      seeds: [],
      seedCopyWords: spec.gates.seedCopyWords,
      nearDuplicate: { threshold: spec.gates.nearDuplicateThreshold, shingleWords: spec.gates.shingleWords },
    });
    const lshVerdicts = allTexts.map(
      (text, at) => lshGates.check(`t${at}`, text)?.reason === "near-duplicate",
    );
    const lshSeconds = (performance.now() - started) / 1000;
    started = performance.now();
    const kept: Set<number>[] = [];
    let pairs = 0;
    const exactVerdicts = allTexts.map((text) => {
      const shingles = wordShingleHashes(comparableWords(text), spec.gates.shingleWords);
      for (const other of kept) {
        pairs++;
        if (jaccard(shingles, other) >= spec.gates.nearDuplicateThreshold) return true;
      }
      kept.push(shingles);
      return false;
    });
    const exactSeconds = (performance.now() - started) / 1000;
    const missedByLsh = exactVerdicts.filter((verdict, at) => verdict && !lshVerdicts[at]).length;
    const extraByLsh = exactVerdicts.filter((verdict, at) => !verdict && lshVerdicts[at]).length;

    const sweep = editSweep(
      spec.gates.nearDuplicateThreshold,
      spec.gates.shingleWords,
      options.quick ? 100 : 300,
    );
    const figures = {
      settings: {
        perLabel,
        labels: spec.labels.length,
        cells: gridCells(spec.grid).length,
        nearDuplicateRate,
        seedCopyRate,
        concurrency,
        gates: spec.gates,
        topUp: spec.topUp,
        lsh: report.gates.lsh,
      },
      gates: {
        calls,
        nearDuplicates,
        seedCopies,
        normalsRejected,
        normals: normals.length,
        invalid: report.gates.invalid,
        failed: report.gates.failed,
      },
      balance: {
        balanced: report.balanced,
        stoppedBy: report.stoppedBy,
        rounds: report.rounds.length,
        topUpCalls: report.topUpCalls,
        acceptedPerLabel: Object.fromEntries(report.labels.map((label) => [label.label, label.accepted])),
        largestCellSpread: cellSpread,
        documentsStored: report.stored.inserted,
      },
      speed: {
        generateSeconds: Math.round(generateSeconds * 100) / 100,
        itemsPerSecond: Math.round(calls / generateSeconds),
        engineAloneItemsPerSecond: Math.round(engineItemsPerSecond),
        generateVsEngine: ratio(calls / generateSeconds, engineItemsPerSecond),
        /** CPU of this process (server, engine, gates, store) per item: less sensitive to a shared machine. */
        cpuMsPerItem: Math.round((generateCpuMs / calls) * 100) / 100,
        engineAloneCpuMsPerItem: Math.round(engineCpuMsPerItem * 100) / 100,
        rerunSeconds: Math.round(rerunSeconds * 100) / 100,
        rerunCalls,
        rerunSameVerdicts: JSON.stringify(rerun.report?.gates) === JSON.stringify(report.gates),
      },
      nearDuplicateSearch: {
        texts: allTexts.length,
        lshSeconds: Math.round(lshSeconds * 1000) / 1000,
        lshComparisons: lshGates.nearDuplicateIndex.comparisons,
        exhaustiveSeconds: Math.round(exactSeconds * 1000) / 1000,
        exhaustiveComparisons: pairs,
        speedupOverExhaustive: ratio(exactSeconds, lshSeconds),
        missedByLsh,
        extraByLsh,
      },
      editSweep: sweep,
    };
    log(
      `  near-duplicates: ${nearDuplicates.caught} caught of ${nearDuplicates.planted} planted ` +
        `(recall ${nearDuplicates.recall}, precision ${nearDuplicates.precision}); seed copies: ${seedCopies.caught} of ` +
        `${seedCopies.planted} (recall ${seedCopies.recall}, precision ${seedCopies.precision}); ` +
        `${normalsRejected} of ${normals.length} normal items rejected`,
    );
    log(
      `  balance: ${report.balanced ? "reached" : "NOT reached"} (${report.stoppedBy}) in ${report.rounds.length} rounds, ` +
        `${report.topUpCalls} top-up calls; accepted ${report.labels.map((label) => `${label.label} ${label.accepted}/${label.target}`).join(", ")}; ` +
        `largest spread over cells ${cellSpread}`,
    );
    log(
      `  speed: ${figures.speed.itemsPerSecond} items/s end to end vs ${figures.speed.engineAloneItemsPerSecond} items/s ` +
        `for the teacher engine alone (×${figures.speed.generateVsEngine}); CPU ${figures.speed.cpuMsPerItem} vs ` +
        `${figures.speed.engineAloneCpuMsPerItem} ms per item; rerun ${figures.speed.rerunSeconds} s with ${rerunCalls} calls`,
    );
    log(
      `  near-duplicate search over ${allTexts.length} texts: LSH ${figures.nearDuplicateSearch.lshSeconds} s ` +
        `(${figures.nearDuplicateSearch.lshComparisons} exact comparisons) vs exhaustive ${figures.nearDuplicateSearch.exhaustiveSeconds} s ` +
        `(${pairs} comparisons), ×${figures.nearDuplicateSearch.speedupOverExhaustive}; LSH missed ${missedByLsh}, added ${extraByLsh}`,
    );
    log(
      `  edits the gate sees (share of words replaced → mean Jaccard, share caught): ${sweep
        .map(
          (row) =>
            `${row.editShare * 100}% → J ${row.meanJaccard}, ${row.caught} caught (${row.aboveThreshold} at or above the threshold; LSH recall there ${row.lshRecallAboveThreshold})`,
        )
        .join("; ")}`,
    );
    log(`  written to ${record.write(figures).join(", ")}`);
    return figures;
  } finally {
    workspace.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}

if (invokedDirectly(import.meta.url)) {
  const perLabel = argument("--per-label");
  await runGenerateBench({
    ...(perLabel === undefined ? {} : { perLabel: Number(perLabel) }),
    quick: process.argv.includes("--quick"),
    writeResults: process.argv.includes("--write-results"),
  });
}
