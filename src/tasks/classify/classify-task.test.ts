import { describe, expect, it } from "vitest";
import { z } from "zod";
import { UsageError } from "../../core/errors.ts";
import { createClassifyTask } from "./classify-task.ts";

const document = { id: "d1", text: "We need a nurse for night shifts." };

describe("classify task", () => {
  it("asks for exactly one label from the set and stores it as the annotation's label", () => {
    const task = createClassifyTask({ labels: ["health", "tech"] });
    expect(task.name).toBe("classify");
    expect(task.outputSchema.safeParse({ label: "health" }).success).toBe(true);
    expect(task.outputSchema.safeParse({ label: "sales" }).success).toBe(false);
    const [system, user] = task.buildMessages(document);
    expect(system?.content).toContain('"health", "tech"');
    expect(user?.content).toContain(document.text);
    expect(task.toAnnotations(document, { label: "health" })).toEqual([
      { documentId: "d1", payload: { labels: ["health"] } },
    ]);
  });

  it("with --multi takes any number of labels; reasoning is asked first and never becomes a label", () => {
    const task = createClassifyTask({ labels: ["health", "tech", "night"], multi: true, reasoning: true });
    const schema = z.toJSONSchema(task.outputSchema) as {
      properties: Record<string, unknown>;
      required: string[];
    };
    expect(Object.keys(schema.properties)).toEqual(["reasoning", "labels"]);
    expect(schema.required).toEqual(["reasoning", "labels"]);
    const output = { reasoning: "It is about nursing at night.", labels: ["health", "night"] };
    expect(task.outputSchema.parse(output)).toEqual(output);
    expect(task.toAnnotations(document, output)).toEqual([
      { documentId: "d1", payload: { labels: ["health", "night"] } },
    ]);
  });

  it("changes its version when the prompt or label set changes, and only then", () => {
    const base = createClassifyTask({ labels: ["a", "b"] }).version;
    expect(createClassifyTask({ labels: ["a", "b"] }).version).toBe(base);
    expect(createClassifyTask({ labels: ["a", "c"] }).version).not.toBe(base);
    expect(createClassifyTask({ labels: ["a", "b"], instructions: "be strict" }).version).not.toBe(base);
    expect(createClassifyTask({ labels: ["a", "b"], multi: true }).version).not.toBe(base);
  });

  it("fingerprints the document's text, so an edited document is asked again", () => {
    const task = createClassifyTask({ labels: ["a", "b"] });
    expect(task.itemFingerprint(document)).toBe(task.itemFingerprint({ ...document }));
    expect(task.itemFingerprint(document)).not.toBe(task.itemFingerprint({ ...document, text: "changed" }));
  });

  it("rejects label sets that cannot work", () => {
    expect(() => createClassifyTask({ labels: ["only"] })).toThrow(UsageError);
    expect(() => createClassifyTask({ labels: ["a", "a"] })).toThrow(/distinct/);
    expect(() => createClassifyTask({ labels: [" ", ""], multi: true })).toThrow(/at least one label/);
  });
});
