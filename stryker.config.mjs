// @ts-check
/**
 * Mutation testing (`npm run mutate`) of the modules whose correctness everything else rests on.
 * Reports go to reports/mutation/ (git-ignored); `node bin/run-ts.js bench/mutation-summary.ts`
 * prints the score per module from the JSON report.
 */
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(fileURLToPath(import.meta.url));

// Tests find ../shared through src/core/shared-data.ts: $JOBDISTILL_SHARED, else ../shared beside
// the project root. Stryker runs the tests in a sandbox under .stryker-tmp/, where "beside the
// project root" is somewhere else, and a relative $JOBDISTILL_SHARED would resolve against the
// sandbox: so pin it to an absolute path here, before Stryker starts its workers (they inherit it).
process.env.JOBDISTILL_SHARED = resolve(process.env.JOBDISTILL_SHARED ?? resolve(root, "..", "shared"));
// A missing ../shared fails the run rather than skipping tests (test/shared.ts), which would
// otherwise show up only as mutants with no coverage.
process.env.JOBDISTILL_REQUIRE_SHARED ??= "1";

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
const config = {
  $schema: "./node_modules/@stryker-mutator/core/schema/stryker-schema.json",
  mutate: [
    "src/teacher/run-teacher.ts",
    "src/teacher/rate-limiter.ts",
    "src/teacher/retry-policy.ts",
    "src/align/align-quotes.ts",
    "src/evaluate/span-scorer.ts",
    "src/evaluate/agreement.ts",
    "src/store/leases-store.ts",
  ],
  testRunner: "vitest",
  vitest: {
    configFile: "vitest.stryker.config.ts",
    // Only the tests that import a mutated module, directly or through others.
    related: true,
  },
  checkers: ["typescript"],
  tsconfigFile: "tsconfig.json",
  coverageAnalysis: "perTest",
  // Static mutants (module-level code: constant tables, regexes, default options) each need the whole
  // related suite in a fresh environment. Stryker's estimate with them: over 4 hours on this machine.
  // Ignoring them leaves out 18 (purely static) of 1,014, reported as Ignored; the hybrid ones it
  // warned about (240 in all) still run. `npx stryker run --ignoreStatic false` runs them all.
  ignoreStatic: true,
  // One TypeScript checker and two test runners: with 2 (the core count) Stryker starts one runner
  // beside the checker, and the runner is the bottleneck while the checker idles.
  concurrency: 3,
  incremental: true,
  incrementalFile: "reports/mutation/stryker-incremental.json",
  reporters: ["clear-text", "json", "html", "progress-append-only"],
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  htmlReporter: { fileName: "reports/mutation/mutation.html" },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  tempDirName: ".stryker-tmp",
  cleanTempDir: true,
  thresholds: { high: 80, low: 60, break: null },
};

export default config;
