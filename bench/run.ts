/**
 * `npm run bench`: every benchmark, each in its own process (so memory figures are its own), one
 * after the other (so they do not compete for the two cores). Each prints its figures and ratios
 * against a baseline measured in the same run, and writes JSON under bench/out. The stored figures in
 * bench/results change only when a bench is run by hand with --write-results.
 *
 *   npm run bench                       # everything, full size (SkillSpan benches need ../shared)
 *   npm run bench -- --quick            # smaller grids and shorter timings
 *   npm run bench -- --only teacher,server
 */
import { spawnSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const benches = [
  { name: "cold-start", what: "jobdistill --help wall time against node -e 0 (needs npm run build)" },
  { name: "align", what: "quote alignment, tokenising, segmenting, HTML to text" },
  { name: "dataset", what: "streaming import of a large CSV, dataset build" },
  {
    name: "import",
    what: "jobdistill import of a 100k-row postings CSV against Python's csv + sqlite3.executemany",
  },
  {
    name: "skill-span-tagger",
    what: "span tagger on SkillSpan (strict/loose F1 beside published figures), tokens/s",
  },
  {
    name: "tagger-speed",
    what: "tagger prediction speed on the model the bench above trained, beside the first version; predictions checked against the committed hash",
  },
  {
    name: "crfsuite",
    what: "tagger training CPU time and test F1 against CRFsuite on one SkillSpan layer",
  },
  {
    name: "segment-classifier",
    what: "segment classifier vs fastText and over use-lite (embedding, combined): accuracy, training time, predictions/s, memory",
  },
  { name: "skill-type", what: "hard/soft typing of ESCO-typed SkillSpan spans, phrases/s" },
  {
    name: "heads",
    what: "heads over embeddings: training speed per kind (ratio to logistic), standardising or not on val",
  },
  { name: "requirements-students", what: "requirement students on the demo corpus (cross-validated)" },
  {
    name: "requirements-corpus",
    what: "requirement students on the real-advert corpus vs demo-trained students and a keyword baseline",
  },
  {
    name: "generate",
    what: "synthetic path end to end: gates against planted near-duplicates and seed copies, balance, items/s",
  },
  {
    name: "active-learning",
    what: "active learning by simulation (gold replayed as the teacher): uncertain vs random curves, 5 seeds, share of labels to 90/95% of the full-pool F1",
  },
  {
    name: "active-learning-dev",
    what: "the requirements simulation's settings on dev: segment aggregation, diversity, passes, hold-out (3 seeds each)",
  },
  { name: "teacher", what: "teacher pacing against a rate-limited server, engine overhead per call" },
  {
    name: "label-workers",
    what: "label with 1 and 2 processes on one workspace: items/s, billed requests vs items",
  },
  {
    name: "label-queue",
    what: "label --queue with 1 and 2 jobdistill workers on a throwaway redis-server: items/s, requests vs items",
  },
  { name: "server", what: "HTTP highlight throughput and latency, memory after 10,000 requests" },
  {
    name: "predict-batch",
    what: "predict --task requirements over 10,000 and 100,000 adverts: adverts per CPU second, peak RSS, --threads 2",
  },
  {
    name: "server-threads",
    what: "highlight with the demo's students: prediction worker threads vs the server's own thread",
  },
  {
    name: "serve-encoder",
    what: "serve latency (p50/p99, concurrency 1 and 8) with the lexical and the combined use-lite requirement students",
  },
  {
    name: "roles-advisor",
    what: "the career advisor end to end against the local test server: schema-valid answers, flags, cost per question",
  },
  {
    name: "screen",
    what: "screen students on O*NET work-history documents (group 15 vs others, 22-way), split by occupation",
  },
  {
    name: "roles",
    what: "role prediction over 923 O*NET occupations from held-out skills (lexical, USE-lite centroids, fused) and title normalisation",
  },
] as const;

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const quick = args.includes("--quick");
const onlyIndex = args.indexOf("--only");
const only = onlyIndex >= 0 ? new Set((args[onlyIndex + 1] ?? "").split(",")) : undefined;
const unknown = only ? [...only].filter((name) => !benches.some((bench) => bench.name === name)) : [];
if (unknown.length > 0) {
  console.error(
    `unknown bench: ${unknown.join(", ")} (known: ${benches.map((bench) => bench.name).join(", ")})`,
  );
  process.exit(2);
}

const outcomes: { name: string; seconds: number; status: number | null }[] = [];
for (const bench of benches) {
  if (only && !only.has(bench.name)) continue;
  console.log(`\n=== bench ${bench.name}: ${bench.what}`);
  const started = performance.now();
  const result = spawnSync(
    process.execPath,
    [join(root, "bin", "run-ts.js"), join(root, "bench", `${bench.name}.ts`), ...(quick ? ["--quick"] : [])],
    { cwd: root, stdio: "inherit" },
  );
  outcomes.push({ name: bench.name, seconds: (performance.now() - started) / 1000, status: result.status });
}

console.log("\n=== summary");
for (const outcome of outcomes) {
  console.log(
    `${outcome.status === 0 ? "ok  " : "FAIL"} ${outcome.name.padEnd(22)} ${outcome.seconds.toFixed(1).padStart(7)} s`,
  );
}
process.exitCode = outcomes.every((outcome) => outcome.status === 0) ? 0 : 1;
