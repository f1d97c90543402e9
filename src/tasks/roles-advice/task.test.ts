import { describe, expect, it } from "vitest";
import { taskRegistry } from "../registry.ts";
import {
  adviceIssues,
  createRolesAdviceTask,
  type RolesAdviceInput,
  type RolesAdviceOutput,
  rolesAdviceOutputSchema,
} from "./task.ts";

const input: RolesAdviceInput = {
  skills: ["Python", "A/B testing"],
  currentRole: "Data analyst",
  candidates: [
    { code: "15-2051.00", title: "Data Scientists", score: 0.8, description: "Extract knowledge from data." },
    { code: "11-2021.00", title: "Marketing Managers", score: 0.4, description: "Plan marketing." },
  ],
};

const role = (title: string, skills: string[]) => ({
  title,
  origin: "kept" as const,
  description: "Two sentences. Here.",
  skillMatch: "Good.",
  skills: skills.map((skill) => ({ skill, level: "Strong" as const, justification: "Used daily." })),
  advice: "Learn more.",
});

const good: RolesAdviceOutput = {
  candidates: [
    { code: "15-2051.00", decision: "keep", reason: "Fits." },
    { code: "11-2021.00", decision: "discard", reason: "No marketing.", replacement: "Statisticians" },
  ],
  roles: [
    { ...role("Data Scientists", ["python", "A/B  Testing"]), code: "15-2051.00" },
    { ...role("Statisticians", ["Python", "A/B testing"]), origin: "replacement" },
  ],
};

describe("the roles-advice task", () => {
  it("accepts a complete answer whatever the case and spacing of the skills", () => {
    expect(rolesAdviceOutputSchema.parse(good)).toEqual(good);
    expect(adviceIssues(input, good)).toEqual([]);
  });

  it("refuses match levels outside Weak, Medium, Strong at the schema", () => {
    const bad = {
      ...good,
      roles: [{ ...good.roles[0], skills: [{ skill: "Python", level: "High", justification: "x" }] }],
    };
    expect(rolesAdviceOutputSchema.safeParse(bad).success).toBe(false);
  });

  it("says what to fix: undecided, unknown and unreplaced candidates, extra and missing skills", () => {
    const bad: RolesAdviceOutput = {
      candidates: [
        { code: "11-2021.00", decision: "discard", reason: "No." },
        { code: "99-9999.00", decision: "keep", reason: "Made up." },
      ],
      roles: [role("Data Scientists", ["Python", "Kubernetes"])],
    };
    expect(adviceIssues(input, bad)).toEqual([
      "decide keep or discard for every candidate code: missing 15-2051.00",
      "these codes were not candidates (leave them out): 99-9999.00",
      "give a replacement title for each discarded candidate: 11-2021.00",
      'role "Data Scientists" analyses skills the person did not list (analyse only theirs): Kubernetes',
      'role "Data Scientists" leaves out the person\'s skills: A/B testing',
    ]);
  });

  it("re-asks at most checkRepairs times for the same question, then lets the workflow flag", () => {
    const task = createRolesAdviceTask({ checkRepairs: 1 });
    const bad = { ...good, roles: [role("Data Scientists", ["Python"])] };
    expect(task.check?.(input, bad)).toHaveLength(1);
    expect(task.check?.(input, bad)).toEqual([]);
  });

  it("keys the cache by everything the answer depends on, and versions the prompt", () => {
    const task = createRolesAdviceTask();
    expect(task.version).toMatch(/^v1-[0-9a-f]{12}$/);
    expect(task.itemFingerprint(input)).toBe(
      task.itemFingerprint({ ...input, currentRole: " Data analyst " }),
    );
    expect(task.itemFingerprint(input)).not.toBe(task.itemFingerprint({ ...input, skills: ["Python"] }));
    expect(task.itemFingerprint(input)).not.toBe(task.itemFingerprint({ ...input, currentRole: undefined }));
    const [system, user] = task.buildMessages(input);
    expect(system?.content).toMatch(/Weak.*Medium.*Strong/);
    expect(user?.content).toContain('The person\'s skills: ["Python","A/B testing"]');
    expect(user?.content).toContain("15-2051.00");
    expect(task.toAnnotations(input, good)).toEqual([]);
  });

  it("is registered, and label refuses it with the command to use instead", () => {
    const definition = taskRegistry.get("roles-advice");
    expect(definition.labels).toEqual(["Weak", "Medium", "Strong"]);
    expect(() => definition.prepare({}, { iterate: () => [] })).toThrow(/jobdistill roles suggest/);
  });
});
