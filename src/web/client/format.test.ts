import { describe, expect, it } from "vitest";
import { formatCost, formatDuration, formatScore } from "./format.ts";

describe("formats", () => {
  it("prints durations at a readable scale", () => {
    expect(formatDuration(undefined)).toBe("—");
    expect(formatDuration(420)).toBe("420 ms");
    expect(formatDuration(12_340)).toBe("12.3 s");
    expect(formatDuration(125_000)).toBe("2 min 5 s");
    expect(formatDuration(3_900_000)).toBe("1 h 5 min");
  });

  it("prints costs and scores", () => {
    expect(formatCost(0)).toBe("$0");
    expect(formatCost(0.0044)).toBe("$0.0044");
    expect(formatCost(1.5)).toBe("$1.50");
    expect(formatScore(0.926)).toBe("0.93");
  });
});
