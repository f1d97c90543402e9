import { describe, expect, it } from "vitest";
import { JobdistillError } from "../core/errors.ts";
import { throwIfRunUnfinished } from "./unfinished-run.ts";

const thrown = (
  run: Parameters<typeof throwIfRunUnfinished>[0],
  wording?: Parameters<typeof throwIfRunUnfinished>[1],
) => {
  try {
    throwIfRunUnfinished(run, wording);
  } catch (error) {
    if (error instanceof JobdistillError) return { message: error.message, code: error.code };
    throw error;
  }
  return undefined;
};

describe("throwIfRunUnfinished", () => {
  it("lets a finished run through", () => {
    expect(thrown({ interrupted: false, failed: 0, total: 3, runId: 1 })).toBeUndefined();
  });

  it("says an interruption first, with where it stopped", () => {
    expect(thrown({ interrupted: true, failed: 2 })).toEqual({
      message: "interrupted: rerun the same command to continue",
      code: "interrupted",
    });
    expect(thrown({ interrupted: true, failed: 0 }, { where: "in round 2 of 5" })?.message).toBe(
      "interrupted in round 2 of 5: rerun the same command to continue",
    );
  });

  it("counts what failed, of how many, and names the run to look at", () => {
    expect(thrown({ interrupted: false, failed: 2, total: 9, runId: 4 })).toEqual({
      message:
        "2 of 9 items failed (see: jobdistill failures --run 4); rerun the same command to try them again",
      code: "label-failed",
    });
    expect(thrown({ interrupted: false, failed: 3 })?.message).toBe(
      "3 items failed (see: jobdistill failures); rerun the same command to try them again",
    );
    expect(
      thrown({ interrupted: false, failed: 1, total: 6, runId: 2 }, { unit: "items of round 3" })?.message,
    ).toBe(
      "1 of 6 items of round 3 failed (see: jobdistill failures --run 2); rerun the same command to try them again",
    );
    expect(
      thrown({ interrupted: false, failed: 5, runId: 7 }, { unit: "calls", failedCode: "generate-failed" }),
    ).toEqual({
      message: "5 calls failed (see: jobdistill failures --run 7); rerun the same command to try them again",
      code: "generate-failed",
    });
  });
});
