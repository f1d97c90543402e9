import { describe, expect, it } from "vitest";
import type { CliIo } from "./context.ts";
import { runCli } from "./program.ts";

function capture(): { io: CliIo; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t) => out.push(t), err: (t) => err.push(t), interactive: false }, out, err };
}

describe("runCli", () => {
  it("answers --help with exit 0 and lists the commands", async () => {
    const { io, out } = capture();
    expect(await runCli(["--help"], io)).toBe(0);
    const text = out.join("");
    for (const command of ["demo", "import", "label", "dataset", "train", "eval", "predict", "serve"]) {
      expect(text).toContain(command);
    }
  });

  it("turns a usage mistake in a nested subcommand into exit 2, not a process exit", async () => {
    const { io, err } = capture();
    expect(await runCli(["dataset", "build"], io)).toBe(2);
    expect(err.join("")).toMatch(/--task/);
  });

  it("rejects an unknown command with exit 2", async () => {
    const { io } = capture();
    expect(await runCli(["frobnicate"], io)).toBe(2);
  });

  it("names an unknown command and suggests the nearest one", async () => {
    const { io, err } = capture();
    expect(await runCli(["prdict"], io)).toBe(2);
    expect(err.join("")).toMatch(/unknown command 'prdict'\s*\(Did you mean predict\?\)/);
  });

  it("treats an unknown command as an error even with --help, at the top and in a group", async () => {
    for (const argv of [
      ["careers", "--help"],
      ["-w", "somewhere", "prdict", "-h"],
      ["gold", "exprt", "--help"],
    ]) {
      const { io, out, err } = capture();
      expect(await runCli(argv, io), argv.join(" ")).toBe(2);
      expect(out.join(""), argv.join(" ")).toBe("");
      expect(err.join("")).toMatch(/unknown command '(careers|prdict|exprt)'/);
    }
    const { io, err } = capture();
    await runCli(["gold", "exprt", "--help"], io);
    expect(err.join("")).toMatch(/Did you mean export\?/);
  });

  it("still answers help for known commands and groups", async () => {
    for (const argv of [
      ["predict", "--help"],
      ["gold", "--help"],
      ["help", "gold"],
      ["gold", "export", "--help"],
    ]) {
      const { io, out } = capture();
      expect(await runCli(argv, io), argv.join(" ")).toBe(0);
      expect(out.join("")).toContain("Usage: jobdistill");
    }
  });
});
