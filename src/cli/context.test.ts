import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCaptured } from "../../test/capture-io.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "jobdistill-cli-context-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("a mistyped --workspace", () => {
  it("is an error for commands that only read, and creates nothing", async () => {
    const typo = join(dir, "typo");
    const phrases = join(dir, "skills.txt");
    writeFileSync(phrases, "Python\n");
    const readOnly = [
      ["runs"],
      ["runs", "show", "1"],
      ["failures"],
      ["eval", "--task", "requirements"],
      ["serve", "--port", "0"],
      ["skill-type", "predict", "--input", phrases],
      ["gold", "export", join(dir, "out.json"), "--task", "requirements"],
      ["lexicon", "list"],
      ["lexicon", "phrases"],
    ];
    for (const args of readOnly) {
      const result = await runCaptured(["-w", typo, ...args]);
      expect(result.code, args.join(" ")).toBe(1);
      expect(result.err, args.join(" ")).toContain(
        `no workspace at ${typo} — create one with \`jobdistill import\` or \`jobdistill demo\`, or pass -w`,
      );
      expect(existsSync(typo), args.join(" ")).toBe(false);
    }
  });

  it("is still created by a command that writes", async () => {
    const fresh = join(dir, "fresh");
    const adverts = join(dir, "adverts.jsonl");
    writeFileSync(adverts, `${JSON.stringify({ id: "a", text: "Nurse wanted." })}\n`);
    const imported = await runCaptured(["-w", fresh, "import", adverts]);
    expect(imported.code, imported.err).toBe(0);
    expect(existsSync(join(fresh, "jobdistill.db"))).toBe(true);
    const listed = await runCaptured(["-w", fresh, "runs"]);
    expect(listed.code, listed.err).toBe(0);
  });
});
