import type { Command } from "commander";
import type { CliIo } from "../io.ts";

/** Registers a command (or part of a group) on the program. */
type Registrar = (program: Command, io: CliIo) => void;

/**
 * A top-level command as `jobdistill --help` lists it, and the modules that register it. Only the
 * command a run asks for is loaded (`import` of its module and everything it uses); the others are
 * listed from here, so `jobdistill --help` starts without loading the application.
 * src/cli/commands/manifest.test.ts checks each entry against what its modules register.
 */
export interface CommandEntry {
  name: string;
  /** The help's command column: the name and its usage (`import [options] <files...>`). */
  term: string;
  /** The first sentence of the command's description. */
  summary: string;
  load: () => Promise<Registrar[]>;
}

const one = <M>(module: Promise<M>, pick: (loaded: M) => Registrar): Promise<Registrar[]> =>
  module.then((loaded) => [pick(loaded)]);

/** Every CLI command, in the order `--help` lists them. */
export const commandManifest: readonly CommandEntry[] = [
  {
    name: "demo",
    term: "demo [options]",
    summary:
      "Run the whole loop on the built-in requirements corpus (263 real SkillSpan adverts, hand-annotated)",
    load: () => one(import("./demo.ts"), (m) => m.registerDemoCommand),
  },
  {
    name: "import",
    term: "import [options] <files...>",
    summary: "Import documents (job adverts, …)",
    load: () => one(import("./import.ts"), (m) => m.registerImportCommand),
  },
  {
    name: "gold",
    term: "gold",
    summary: "Human annotations in and out",
    load: () => one(import("./gold.ts"), (m) => m.registerGoldCommand),
  },
  {
    // `export label-studio` comes with the gold commands; `export onnx` and `export sft` with export.ts.
    name: "export",
    term: "export",
    summary: "Export stored data and trained students for other tools",
    load: async () => {
      const [gold, exports] = await Promise.all([import("./gold.ts"), import("./export.ts")]);
      return [gold.registerGoldCommand, exports.registerExportCommand];
    },
  },
  {
    name: "lexicon",
    term: "lexicon",
    summary: "Skill lexicons (ESCO)",
    load: () => one(import("./lexicon.ts"), (m) => m.registerLexiconCommand),
  },
  {
    name: "skill-type",
    term: "skill-type",
    summary: "Hard/Soft skill typing",
    load: () => one(import("./skill-type.ts"), (m) => m.registerSkillTypeCommand),
  },
  {
    name: "generate",
    term: "generate [options]",
    summary: "Generate synthetic labelled documents with a teacher LLM",
    load: () => one(import("./generate.ts"), (m) => m.registerGenerateCommand),
  },
  {
    name: "label",
    term: "label [options]",
    summary: "Label the workspace's documents with a teacher LLM",
    load: () => one(import("./label.ts"), (m) => m.registerLabelCommand),
  },
  {
    name: "batches",
    term: "batches [options]",
    summary: "List the provider batches of label --batch with their status and counts",
    load: () => one(import("./batches.ts"), (m) => m.registerBatchesCommand),
  },
  {
    name: "judge",
    term: "judge [options]",
    summary: "Audit stored labels with a second LLM (LLM-as-judge)",
    load: () => one(import("./judge.ts"), (m) => m.registerJudgeCommand),
  },
  {
    name: "dataset",
    term: "dataset",
    summary: "Build training datasets from the stored annotations",
    load: () => one(import("./dataset.ts"), (m) => m.registerDatasetCommand),
  },
  {
    name: "train",
    term: "train [options]",
    summary: "Train a task's students on CPU, save them under the workspace's models/",
    load: () => one(import("./train.ts"), (m) => m.registerTrainCommand),
  },
  {
    name: "eval",
    term: "eval [options]",
    summary: "Score a task's trained students on documents they did not train on",
    load: () => one(import("./eval.ts"), (m) => m.registerEvalCommand),
  },
  {
    name: "predict",
    term: "predict [options] [text...]",
    summary: "Run a trained student over one advert or a whole batch, on CPU, without any LLM",
    load: () => one(import("./predict.ts"), (m) => m.registerPredictCommand),
  },
  {
    name: "roles",
    term: "roles",
    summary:
      "Roles that fit a person's skills (O*NET occupations), from a roles model, and optionally an LLM career advisor's analysis",
    load: async () => {
      const [roles, train] = await Promise.all([import("./roles.ts"), import("./roles-train.ts")]);
      return [
        roles.registerRolesCommand,
        (program, io) => train.registerRolesTrain(train.rolesCommandGroup(program), io),
      ];
    },
  },
  {
    name: "screen",
    term: "screen [options] <paths...>",
    summary: "Screen documents (resumes) with a screen model from `train --task screen`",
    load: () => one(import("./screen.ts"), (m) => m.registerScreenCommand),
  },
  {
    name: "worker",
    term: "worker [options]",
    summary: "Answer the label and predict jobs of a Redis queue, on any machine",
    load: () => one(import("./worker.ts"), (m) => m.registerWorkerCommand),
  },
  {
    name: "runs",
    term: "runs [options]",
    summary: "List runs (labelling, judging, training…) with their items, tokens, cost and duration",
    load: () => one(import("./runs.ts"), (m) => m.registerRunsCommand),
  },
  {
    name: "failures",
    term: "failures [options]",
    summary: "Failed teacher calls with their evidence",
    load: () => one(import("./failures.ts"), (m) => m.registerFailuresCommand),
  },
  {
    name: "serve",
    term: "serve [options]",
    summary: "Serve the trained students over HTTP",
    load: () => one(import("./serve.ts"), (m) => m.registerServeCommand),
  },
];
