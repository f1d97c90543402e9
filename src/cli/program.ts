import { Command, CommanderError, type HelpContext } from "commander";
import { errorMessage, JobdistillError } from "../core/errors.ts";
import { registerCommands } from "./commands/index.ts";
import { type CliIo, processIo } from "./context.ts";
import { exitCodeOf, exitCodes } from "./exit-codes.ts";

function firstSentence(text: string): string {
  const line = text.split("\n")[0] ?? "";
  const end = line.search(/[.:](\s|$)/);
  return end >= 0 ? line.slice(0, end) : line;
}

/**
 * Commander honours `--help` before it notices an unknown command, so `jobdistill roles --help`
 * printed the top-level help and exited 0. Here a command group asked for help with an unknown
 * first word fails as an unknown command instead, with commander's own message and suggestion.
 */
class StrictCommand extends Command {
  override createCommand(name?: string): Command {
    return new StrictCommand(name);
  }

  override outputHelp(context?: HelpContext | ((text: string) => string)): void {
    const first = this.args[0];
    if (
      this.commands.length > 0 &&
      first !== undefined &&
      !first.startsWith("-") &&
      !this.hasCommand(first)
    ) {
      const internals = this as unknown as { unknownCommand?: () => never };
      if (typeof internals.unknownCommand === "function") internals.unknownCommand();
      this.error(`error: unknown command '${first}'`, { code: "commander.unknownCommand" });
    }
    if (typeof context === "function") super.outputHelp(context);
    else super.outputHelp(context);
  }

  private hasCommand(name: string): boolean {
    return (
      name === "help" ||
      this.commands.some((command) => command.name() === name || command.aliases().includes(name))
    );
  }
}

export function createProgram(io: CliIo = processIo): Command {
  const program = new StrictCommand("jobdistill")
    .description(
      [
        "Turn an LLM's judgement about job adverts, resumes and skills into small, fast,",
        "auditable models.",
        "",
        "The flow: import → label (teacher) → dataset build → train → eval → predict or serve.",
        "Everything lives in one workspace folder (default ./.jobdistill).",
        "Start with `jobdistill demo`.",
      ].join("\n"),
    )
    .option("-w, --workspace <dir>", "workspace folder (env JOBDISTILL_WORKSPACE)", undefined)
    .showHelpAfterError("(run with --help for usage)")
    .showSuggestionAfterError(true)
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  registerCommands(program, io);
  // The command list shows one short line each; the full description stays in `<command> --help`.
  for (const command of program.commands) {
    if (!command.summary()) command.summary(firstSentence(command.description()));
  }
  return program;
}

/** Exit codes: 0 ok, 1 failure, 2 usage error, 130 interrupted (src/cli/exit-codes.ts maps each error code). */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const program = createProgram(io);
  // Commander errors anywhere in the tree come back here as exceptions instead of process.exit.
  const overrideExit = (command: Command): void => {
    command.exitOverride();
    command.configureOutput({ writeOut: io.out, writeErr: io.err });
    command.commands.forEach(overrideExit);
  };
  overrideExit(program);
  try {
    await program.parseAsync(argv as string[], { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
    }
    if (error instanceof JobdistillError) {
      io.err(`jobdistill: ${error.message}`);
      return exitCodeOf(error.code);
    }
    io.err(`jobdistill: unexpected error: ${errorMessage(error)}`);
    if (process.env.JOBDISTILL_DEBUG && error instanceof Error && error.stack) io.err(error.stack);
    return exitCodes.failure;
  }
}
