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
});
