import { Help } from "commander";
import { describe, expect, it } from "vitest";
import { createProgram } from "../program.ts";
import { commandManifest } from "./index.ts";

const quiet = { out: () => undefined, err: () => undefined, interactive: false };

describe("the command manifest", () => {
  it.each(commandManifest.map((entry) => [entry.name, entry] as const))(
    "lists %s as its modules register it",
    async (_, entry) => {
      const program = await createProgram(quiet, (candidate) => candidate === entry);
      const command = program.commands.find((candidate) => candidate.name() === entry.name);
      expect(command, `${entry.name} is registered by its modules`).toBeDefined();
      expect(command?.summary()).toBe(entry.summary);
      expect(command && new Help().subcommandTerm(command)).toBe(entry.term);
      // Registered in full, not a listing: it has an action or subcommands of its own.
      const action = (command as unknown as { _actionHandler: unknown } | undefined)?._actionHandler;
      expect((command?.commands.length ?? 0) > 0 || typeof action === "function").toBe(true);
    },
  );

  it("lists every command, in order, without loading any of them", async () => {
    const program = await createProgram(quiet, () => false);
    expect(program.commands.map((command) => command.name())).toEqual(
      commandManifest.map((entry) => entry.name),
    );
    for (const command of program.commands) {
      expect(command.commands).toEqual([]);
      expect((command as unknown as { _actionHandler: unknown })._actionHandler).toBeNull();
    }
  });

  it("keeps the manifest's order when a module registers another command first", async () => {
    const program = await createProgram(quiet, (entry) => entry.name === "export");
    expect(program.commands.map((command) => command.name())).toEqual(
      commandManifest.map((entry) => entry.name),
    );
  });
});
