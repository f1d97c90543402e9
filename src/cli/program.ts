import { Command, CommanderError, Help, type HelpContext } from "commander";
import { errorMessage, JobdistillError } from "../core/errors.ts";
import { type CommandEntry, commandManifest } from "./commands/index.ts";
import { exitCodeOf, exitCodes } from "./exit-codes.ts";
import { type CliIo, processIo } from "./io.ts";

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

/**
 * The top-level command an argument list asks for (`help <command>` asks for that command), past the
 * global `-w/--workspace <dir>`; undefined for `--help` alone or no command.
 */
export function commandNameIn(argv: readonly string[]): string | undefined {
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index] ?? "";
    if (argument === "-w" || argument === "--workspace") {
      index++;
      continue;
    }
    if (argument.startsWith("-")) continue;
    return argument === "help" ? argv[index + 1] : argument;
  }
  return undefined;
}

/**
 * The program with every command of the manifest: `load` names the ones registered in full (their
 * modules imported); the others are listed by name and summary only, enough for the help and for
 * commander's "did you mean" on a mistyped one. @default load: every command
 */
export async function createProgram(
  io: CliIo = processIo,
  load: (entry: CommandEntry) => boolean = () => true,
): Promise<Command> {
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
  const loaded = commandManifest.filter(load);
  for (const registrars of await Promise.all(loaded.map((entry) => entry.load()))) {
    for (const register of registrars) register(program, io);
  }
  const terms = new Map<Command, string>();
  for (const entry of commandManifest) {
    if (program.commands.some((command) => command.name() === entry.name)) continue;
    terms.set(program.command(entry.name).summary(entry.summary).description(entry.summary), entry.term);
  }
  // In the manifest's order, whichever modules registered them.
  const order = (command: Command): number =>
    commandManifest.findIndex((entry) => entry.name === command.name());
  (program.commands as Command[]).sort((a, b) => order(a) - order(b));
  // The command list shows one short line each; the full description stays in `<command> --help`.
  for (const command of program.commands) {
    if (!command.summary()) command.summary(firstSentence(command.description()));
  }
  program.configureHelp({
    subcommandTerm: (command) => terms.get(command) ?? new Help().subcommandTerm(command),
  });
  return program;
}

/** Exit codes: 0 ok, 1 failure, 2 usage error, 130 interrupted (src/cli/exit-codes.ts maps each error code). */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  // Only the command asked for is loaded: `jobdistill --help` imports none of the application.
  const wanted = commandNameIn(argv);
  const program = await createProgram(io, (entry) => entry.name === wanted);
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
