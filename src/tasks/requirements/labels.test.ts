import { describe, expect, it } from "vitest";
import {
  REQUIREMENT_LABELS_VERSION,
  requirementCategories,
  requirementCategory,
  requirementCategoryIds,
} from "./labels.ts";

/** WCAG relative luminance of a #rrggbb colour. */
function relativeLuminance(hex: string): number {
  const channels = [1, 3, 5].map((offset) => Number.parseInt(hex.slice(offset, offset + 2), 16) / 255);
  const [red, green, blue] = channels.map((value) =>
    value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4,
  ) as [number, number, number];
  return 0.2126 * red + 0.7152 * green + 0.0722 * blue;
}

describe("requirement labels", () => {
  it("has one category per id, in the id order", () => {
    expect(requirementCategories.map((category) => category.id)).toEqual([...requirementCategoryIds]);
  });

  it("looks categories up by id", () => {
    expect(requirementCategory("work_experience")?.name).toBe("Work experience");
    expect(requirementCategory("nope")).toBeUndefined();
  });

  it("gives every category a definition, 2 or more examples and a distinct light colour", () => {
    const colors = new Set<string>();
    for (const category of requirementCategories) {
      expect(category.definition.length).toBeGreaterThan(20);
      expect(category.guide.yes.length).toBeGreaterThanOrEqual(2);
      expect(category.color).toMatch(/^#[0-9a-f]{6}$/);
      // Black text on the highlight needs a contrast of at least 7:1 (WCAG AAA).
      expect((relativeLuminance(category.color) + 0.05) / 0.05).toBeGreaterThanOrEqual(7);
      colors.add(category.color);
    }
    expect(colors.size).toBe(requirementCategories.length);
  });

  it("has a version", () => {
    expect(REQUIREMENT_LABELS_VERSION).toMatch(/^req-labels-v\d+$/);
  });
});
