import type { Command } from "commander";
import type { CliIo } from "../context.ts";
import { registerServeCommand } from "./serve.ts";

/** Every CLI command, in the order `--help` lists them. */
export function registerCommands(program: Command, io: CliIo): void {
  registerServeCommand(program, io);
}
