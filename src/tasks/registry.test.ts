import { describe, expect, it } from "vitest";
import type { SourceDocument } from "../core/types.ts";
import { defineTask, TaskRegistry, taskRegistry } from "./registry.ts";

const documents = (items: SourceDocument[]) => ({
  iterate: (query: { source?: string } = {}) =>
    items.filter((item) => query.source === undefined || item.source === query.source),
});

describe("taskRegistry", () => {
  it("lists every labelling task by its stable name", () => {
    expect(taskRegistry.names()).toEqual([
      "requirements",
      "skill-type",
      "skills",
      "classify",
      "roles-advice",
      "generate",
    ]);
    expect(taskRegistry.get("skill-type")).toMatchObject({
      defaultBatchSize: 25,
      labels: ["Hard", "Soft", "Unknown"],
    });
    expect(taskRegistry.get("classify").labels).toBeUndefined();
  });

  it("refuses an unknown name with the list of known ones", () => {
    expect(() => taskRegistry.get("nope")).toThrow(
      "unknown --task nope: use one of requirements, skill-type, skills, classify, roles-advice, generate",
    );
  });

  it("each task picks its own items: skill-type batches the skill list, the others leave it out", () => {
    const phrases = Array.from({ length: 30 }, (_, index) => ({
      id: `s${index}`,
      text: `skill ${index}`,
      source: "skill-list",
    }));
    const source = documents([...phrases, { id: "ad", text: "We need Python." }]);
    const skillType = taskRegistry.get("skill-type").prepare({ batchSize: 10 }, source);
    expect(skillType.items).toHaveLength(3);
    expect(skillType.runParams).toMatchObject({ batchSize: 10, phrases: 30 });
    expect(taskRegistry.get("skill-type").prepare({}, source).items).toHaveLength(2);
    expect(taskRegistry.get("skills").prepare({}, source).items).toEqual([
      { id: "ad", text: "We need Python." },
    ]);
    expect(taskRegistry.get("classify").prepare({ labels: ["a", "b"] }, source).items).toHaveLength(31);
    expect(() => taskRegistry.get("classify").prepare({}, source)).toThrow(/--labels/);
  });

  it("takes new tasks, once per name", () => {
    const registry = new TaskRegistry();
    const task = taskRegistry.get("skills");
    registry.register(defineTask({ ...task, name: "mine" }));
    expect(registry.names()).toEqual(["mine"]);
    expect(() => registry.register(defineTask({ ...task, name: "mine" }))).toThrow(/already registered/);
  });
});
