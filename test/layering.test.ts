import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The data flows one way (STYLE.md): a folder may import only from its own layer or lower ones.
 * Pure metric modules of `evaluate` are leaves (they import nothing of ours), so students may use
 * them for early stopping on dev.
 */
const layerOrder = [
  ["core"],
  ["align"],
  ["teacher"],
  ["tasks"],
  ["dataset"],
  ["student"],
  ["evaluate"],
  ["pipeline"],
  ["server", "web"],
  ["cli"],
] as const;
const leafModules = new Set([
  "evaluate/span-scorer.ts",
  "evaluate/classification-metrics.ts",
  "evaluate/agreement.ts",
]);

const srcRoot = resolve(import.meta.dirname, "..", "src");

function layerOf(path: string): number {
  const top = relative(srcRoot, path).split(sep)[0] ?? "";
  return layerOrder.findIndex((names) => (names as readonly string[]).includes(top));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

describe("layering", () => {
  it("no folder imports a higher layer", () => {
    const violations: string[] = [];
    for (const file of sourceFiles(srcRoot)) {
      const from = layerOf(file);
      const text = readFileSync(file, "utf8");
      for (const match of text.matchAll(/(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)) {
        const target = resolve(file, "..", match[1] as string);
        const targetRelative = relative(srcRoot, target).split(sep).join("/");
        if (leafModules.has(targetRelative)) continue;
        const to = layerOf(target);
        if (from >= 0 && to > from) violations.push(`${relative(srcRoot, file)} → ${targetRelative}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it("the leaf metric modules import nothing of ours", () => {
    for (const leaf of leafModules) {
      let text: string;
      try {
        text = readFileSync(join(srcRoot, leaf), "utf8");
      } catch {
        continue;
      }
      expect(text, leaf).not.toMatch(/from\s+["']\.\.?\//);
    }
  });
});
