import { describe, expect, it } from "vitest";
import { createGenerateTask } from "./generate-task.ts";
import {
  cellName,
  cellOrder,
  countByCell,
  generationItemKey,
  gridCells,
  planLabelItems,
  shortCells,
} from "./plan.ts";
import { type GenerationSpecInput, parseGenerationSpec } from "./spec.ts";

const seeds: Record<string, string> = { "devops-1.txt": "Senior SRE. Kubernetes, Terraform and on-call." };
const parse = (raw: unknown) =>
  parseGenerationSpec(raw, {
    where: "spec.yaml",
    readSeed: (path) => {
      const text = seeds[path];
      if (text === undefined) throw new Error(`no seed ${path}`);
      return text;
    },
  });

const base: GenerationSpecInput = {
  document: "resume",
  count: 10,
  labels: {
    devops: { description: "resumes of senior DevOps engineers", seeds: ["devops-1.txt"] },
    other: { description: "resumes for other roles", count: 4 },
  },
  grid: { seniority: ["junior", "mid", "senior"], format: ["sectioned", "prose"] },
};

describe("generation spec", () => {
  it("reads labels, counts, seeds and grid, with defaults for the rest", () => {
    const spec = parse(base);
    expect(spec.labels.map((label) => [label.name, label.count, label.seeds.length])).toEqual([
      ["devops", 10, 1],
      ["other", 4, 0],
    ]);
    expect(spec.grid).toEqual([
      { name: "seniority", values: ["junior", "mid", "senior"] },
      { name: "format", values: ["sectioned", "prose"] },
    ]);
    expect(spec.gates).toEqual({
      nearDuplicateThreshold: 0.8,
      shingleWords: 5,
      minhashPermutations: 128,
      seedCopyWords: 12,
    });
    expect(spec.topUp).toEqual({ maxRounds: 3, maxCalls: 14 });
  });

  it("names the path of a bad field, and refuses unknown ones", () => {
    expect(() => parse({ ...base, labels: { devops: { description: "x", count: -1 } } })).toThrow(
      "invalid generation spec (spec.yaml): labels.devops.count: count must be positive",
    );
    expect(() => parse({ ...base, grid: { seniority: [] } })).toThrow(
      /grid\.seniority: a grid dimension needs/,
    );
    expect(() => parse({ ...base, colour: "red" })).toThrow(/unknown field colour/);
    expect(() => parse({ ...base, labels: { devops: { description: "x", cuont: 3 } } })).toThrow(
      /labels\.devops: unknown field cuont/,
    );
    expect(() => parse({ labels: { devops: { description: "x" } } })).toThrow(
      /labels\.devops\.count: needs a count/,
    );
    expect(() => parse({ ...base, words: { min: 500, max: 100 } })).toThrow(
      /words\.min: words\.min must be ≤/,
    );
    expect(() => parse({ ...base, labels: {} })).toThrow(/labels must name at least one label/);
  });

  it("hashes what changes a text, not counts, caps or the order the grid is written in", () => {
    const hash = parse(base).specHash;
    expect(
      parse({ ...base, count: 500, topUp: { maxRounds: 1 }, gates: { seedCopyWords: 8 } }).specHash,
    ).toBe(hash);
    expect(
      parse({ ...base, grid: { format: ["prose", "sectioned"], seniority: ["senior", "mid", "junior"] } })
        .specHash,
    ).toBe(hash);
    expect(parse({ ...base, document: "cover letter" }).specHash).not.toBe(hash);
    expect(
      parse({ ...base, labels: { ...base.labels, other: { description: "resumes of nurses", count: 4 } } })
        .specHash,
    ).not.toBe(hash);
    seeds["devops-1.txt"] = "A different seed text.";
    expect(parse(base).specHash).not.toBe(hash);
    seeds["devops-1.txt"] = "Senior SRE. Kubernetes, Terraform and on-call.";
  });
});

describe("planning", () => {
  const spec = parse(base);
  const cells = gridCells(spec.grid);

  it("makes every combination of the grid, and one empty cell without a grid", () => {
    expect(cells).toHaveLength(6);
    expect(cells.map(cellName)).toContain("seniority=mid, format=prose");
    expect(gridCells([])).toEqual([{}]);
  });

  it("spreads a label's items evenly over the cells, the same way every time", () => {
    const [devops] = spec.labels;
    if (!devops) throw new Error("no label");
    const order = cellOrder(cells, "devops", spec.seed);
    const items = planLabelItems(spec, devops, order, 0, 10);
    const counts = Object.values(countByCell(items));
    expect(counts).toHaveLength(6);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    expect(items.map((item) => item.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(planLabelItems(spec, devops, cellOrder(cells, "devops", spec.seed), 0, 10)).toEqual(items);
    expect(items.every((item) => item.seed?.name === "devops-1.txt")).toBe(true);
    // Top-ups continue the same sequence: items 0..11 fill every cell exactly twice.
    const topUps = planLabelItems(spec, devops, order, 10, 12);
    expect(Object.values(countByCell([...items, ...topUps]))).toEqual([2, 2, 2, 2, 2, 2]);
  });

  it("with fewer items than cells, uses no cell twice, and each label gets its own seeded sample", () => {
    const other = spec.labels[1];
    if (!other) throw new Error("no label");
    const sampled = planLabelItems(spec, other, cellOrder(cells, "other", spec.seed), 0, 4);
    expect(new Set(sampled.map((item) => cellName(item.cell))).size).toBe(4);
    const orders = ["devops", "other", "a", "b"].map((label) =>
      cellOrder(cells, label, 1).map(cellName).join("|"),
    );
    expect(new Set(orders).size).toBeGreaterThan(1);
    expect(cellOrder(cells, "other", 2).map(cellName)).not.toEqual(
      cellOrder(cells, "other", 1).map(cellName),
    );
  });

  it("sends top-ups to the cells with fewer accepted items than planned", () => {
    const order = cellOrder(cells, "devops", spec.seed);
    const planned = countByCell(planLabelItems(spec, spec.labels[0]!, order, 0, 12));
    const accepted = { ...planned, [cellName(order[3]!)]: 0, [cellName(order[1]!)]: 1 };
    expect(shortCells(order, planned, accepted).map(cellName)).toEqual([
      cellName(order[1]!),
      cellName(order[3]!),
      cellName(order[3]!),
    ]);
    expect(shortCells(order, planned, planned)).toEqual([]);
  });

  it("keys each item by spec hash, label, cell and index; the prompt version is the task's", () => {
    const [devops] = spec.labels;
    if (!devops) throw new Error("no label");
    const items = planLabelItems(spec, devops, cellOrder(cells, "devops", spec.seed), 0, 3);
    const task = createGenerateTask();
    expect(new Set(items.map((item) => task.itemFingerprint(item))).size).toBe(3);
    expect(generationItemKey(items[0] ?? items[1]!)).toContain(spec.specHash);
    const messages = task.buildMessages(items[0]!);
    expect(messages[1]?.content).toContain("Class label: devops");
    expect(messages[1]?.content).toContain("Item 0:");
    expect(messages[1]?.content).toContain("Senior SRE. Kubernetes");
    expect(task.check?.(items[0]!, { text: "too short" })).toEqual(["text has 2 words: write at least 50"]);
  });
});
