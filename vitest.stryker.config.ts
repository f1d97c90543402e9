/**
 * The vitest config Stryker runs (`npm run mutate`, stryker.config.mjs): the project's own, less the
 * end-to-end tests that take 5 s or more a file on this 2-core machine. Stryker reruns every test
 * covering a mutant for each mutant, so one 25 s test that covers a few hundred mutants would add
 * hours; these tests mostly train students, run the whole demo, or drive the CLI or llama.cpp.
 * Three of them could not kill a mutant anyway: label.test.ts runs the CLI in child processes and
 * predictor-pool.test.ts predicts in worker threads, where Stryker's active mutant is not set.
 * The modules under mutation keep their own unit tests, which all stay in.
 */
import { configDefaults, defineConfig, mergeConfig } from "vitest/config";
import base from "./vitest.config.ts";

export const slowTests = [
  "src/pipeline/run-demo.test.ts", // the whole demo over the OpenAI wire protocol, ~40 s
  "src/server/predictor-pool.test.ts", // trains, then predicts in worker threads, ~35 s
  "src/cli/commands/label.test.ts", // CLI in child processes (kill -9, Ctrl-C), ~25 s
  "src/cli/commands/train.test.ts", // trains every student, ~25 s
  "src/cli/commands/demo.test.ts", // `jobdistill demo` end to end, ~20 s
  "src/student/load-predictors.test.ts", // trains, ~15 s
  "src/evaluate/judge/llama-path.test.ts", // a GGUF model through llama.cpp, ~15 s
  "src/student/requirements/requirements.test.ts", // trains requirement students, ~10 s
  "src/dataset/build/build-dataset.test.ts", // ~10 s
  "src/dataset/gold/skill-span-gold.test.ts", // reads all of SkillSpan dev, ~7 s
  "src/dataset/build/build-sources.test.ts", // SkillSpan dev as a dataset, ~5 s
  "src/cli/commands/dataset.test.ts", // ~5 s
];

export default mergeConfig(
  base,
  defineConfig({
    test: {
      exclude: [...configDefaults.exclude, ".stryker-tmp/**", ...slowTests],
    },
  }),
);
