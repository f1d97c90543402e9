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
  ["store"],
  ["align"],
  ["teacher"],
  ["encoders"],
  ["tasks"],
  ["dataset"],
  ["student"],
  ["evaluate"],
  ["export"],
  ["workflows"],
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
/** `src/index.ts`, what `import "jobdistill"` gives. */
const packageEntry = "index.ts";

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
  it("places every folder of src in a layer", () => {
    // A folder missing from layerOrder would be skipped by the check below, not checked.
    const folders = readdirSync(srcRoot, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    expect(folders.filter((folder) => layerOf(join(srcRoot, folder, "x.ts")) < 0)).toEqual([]);
    expect(folders.sort()).toEqual(layerOrder.flat().sort());
  });

  it("no folder imports a higher layer", () => {
    const violations: string[] = [];
    const layersSeen = new Set<number>();
    let imports = 0;
    for (const file of sourceFiles(srcRoot)) {
      // The package entry is the public surface above every layer: it may re-export any of them.
      if (relative(srcRoot, file) === packageEntry) continue;
      const from = layerOf(file);
      layersSeen.add(from);
      const text = readFileSync(file, "utf8");
      for (const match of text.matchAll(/(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)) {
        imports++;
        const target = resolve(file, "..", match[1] as string);
        const targetRelative = relative(srcRoot, target).split(sep).join("/");
        if (targetRelative === packageEntry)
          violations.push(`${relative(srcRoot, file)} → the package entry`);
        if (leafModules.has(targetRelative)) continue;
        const to = layerOf(target);
        if (from >= 0 && to > from) violations.push(`${relative(srcRoot, file)} → ${targetRelative}`);
      }
    }
    // The scan saw files of every layer and read their imports: an empty scan proves nothing.
    expect([...layersSeen].sort((a, b) => a - b)).toEqual(layerOrder.map((_, index) => index));
    expect(imports).toBeGreaterThan(100);
    expect(violations).toEqual([]);
  });

  it("the leaf metric modules import nothing of ours", () => {
    for (const leaf of leafModules) {
      // A leaf that was moved or renamed must fail here, not be skipped.
      const text = readFileSync(join(srcRoot, leaf), "utf8");
      expect(text, leaf).not.toMatch(/from\s+["']\.\.?\//);
    }
  });
});
