import type { Command } from "commander";
import type { CliIo } from "../context.ts";
import { registerDatasetCommand } from "./dataset.ts";
import { registerDemoCommand } from "./demo.ts";
import { registerEvalCommand } from "./eval.ts";
import { registerExportCommand } from "./export.ts";
import { registerFailuresCommand } from "./failures.ts";
import { registerGenerateCommand } from "./generate.ts";
import { registerGoldCommand } from "./gold.ts";
import { registerImportCommand } from "./import.ts";
import { registerJudgeCommand } from "./judge.ts";
import { registerLabelCommand } from "./label.ts";
import { registerLexiconCommand } from "./lexicon.ts";
import { registerPredictCommand } from "./predict.ts";
import { registerRolesCommand } from "./roles.ts";
import { registerRolesTrain, rolesCommandGroup } from "./roles-train.ts";
import { registerRunsCommand } from "./runs.ts";
import { registerScreenCommand } from "./screen.ts";
import { registerServeCommand } from "./serve.ts";
import { registerSkillTypeCommand } from "./skill-type.ts";
import { registerTrainCommand } from "./train.ts";

/** Every CLI command, in the order `--help` lists them. */
export function registerCommands(program: Command, io: CliIo): void {
  registerDemoCommand(program, io);
  registerImportCommand(program, io);
  registerGoldCommand(program, io);
  registerLexiconCommand(program, io);
  registerSkillTypeCommand(program, io);
  registerGenerateCommand(program, io);
  registerLabelCommand(program, io);
  registerJudgeCommand(program, io);
  registerDatasetCommand(program, io);
  registerTrainCommand(program, io);
  registerEvalCommand(program, io);
  registerPredictCommand(program, io);
  registerRolesCommand(program, io);
  registerRolesTrain(rolesCommandGroup(program), io);
  registerScreenCommand(program, io);
  registerExportCommand(program, io);
  registerRunsCommand(program, io);
  registerFailuresCommand(program, io);
  registerServeCommand(program, io);
}
