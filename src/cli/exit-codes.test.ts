import { describe, expect, it } from "vitest";
import { type ErrorCode, errorCodes } from "../core/errors.ts";
import type { CliIo } from "./context.ts";
import { exitCodeOf } from "./exit-codes.ts";
import { runCli } from "./program.ts";

/** The documented exit codes (program.ts): 2 for a usage error, 130 when interrupted, else 1. */
const documented: Record<ErrorCode, number> = Object.fromEntries(
  errorCodes.map((code) => [code, code === "usage" ? 2 : code === "interrupted" ? 130 : 1]),
) as Record<ErrorCode, number>;

describe("exitCodeOf", () => {
  it.each(errorCodes)("maps %s to its documented exit code", (code) => {
    expect(exitCodeOf(code)).toBe(documented[code]);
  });

  it("is what runCli exits with when a command fails", async () => {
    const silent: CliIo = { out: () => {}, err: () => {}, interactive: false };
    // `runs show` with an id that is not a number fails with a usage error before opening anything.
    expect(await runCli(["runs", "show", "x"], silent)).toBe(2);
  });
});
