import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { captureIo } from "../../../test/capture-io.ts";
import { adviceQuestion, FakeRolesPredictor, scriptedAdvice } from "../../../test/fake-roles-predictor.ts";
import { type OpenAiTestServer, startOpenAiTestServer } from "../../../test/openai-test-server.ts";
import { openWorkspace } from "../../store/index.ts";
import { runCli } from "../program.ts";

// The roles model file is the roles student's; here it opens as a fake over six occupations.
vi.mock("../../workflows/roles-model.ts", () => ({
  openRolesModel: async (path: string) => {
    if (path !== "roles.model") throw new Error(`unexpected model path ${path}`);
    return new FakeRolesPredictor();
  },
}));

let server: OpenAiTestServer;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "jobdistill-roles-"));
  server = await startOpenAiTestServer({
    defaultBehaviour: (request) => ({
      kind: "json",
      value: scriptedAdvice(adviceQuestion(request), { replacement: "Chief Vibes Officer" }),
    }),
  });
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const skills = "Python, SQL; Tableau";

describe("jobdistill roles suggest", () => {
  it("prints the student's top roles and the normalised current role, as text and JSON", async () => {
    const io = captureIo();
    expect(
      await runCli(
        [
          "roles",
          "suggest",
          "--model",
          "roles.model",
          "--skills",
          skills,
          "--role",
          "Data analyst",
          "--top",
          "3",
        ],
        io,
      ),
    ).toBe(0);
    const text = io.stdout.join("\n");
    expect(text).toContain("Skills: Python, SQL, Tableau");
    expect(text).toContain("Current role: Data analyst → 15-1211.00 Computer Systems Analysts");
    expect(text).toMatch(/ 1\. Data Scientists \(15-2051\.00\)\s+score 68%/);
    expect(text.match(/^\s+\d\. /gm)).toHaveLength(3);

    const json = captureIo();
    expect(
      await runCli(["roles", "suggest", "--model", "roles.model", "--skills", "sql", "--json"], json),
    ).toBe(0);
    const parsed = JSON.parse(json.stdout.join("\n")) as {
      suggestions: { roles: unknown[] };
      skills: string[];
    };
    expect(parsed.skills).toEqual(["sql"]);
    expect(parsed.suggestions.roles).toHaveLength(5);
  });

  it("with --advisor-model prints the cards, flags the unmapped role, writes --out, and records the run", async () => {
    const out = join(dir, "advice.txt");
    const args = [
      "-w",
      join(dir, "ws"),
      "roles",
      "suggest",
      "--model",
      "roles.model",
      "--skills",
      skills,
      "--top",
      "2",
      "--advisor-model",
      "gpt-4o-mini",
      "--base-url",
      server.url,
      "--api-key",
      "sk-test",
      "--out",
      out,
    ];
    const io = captureIo();
    expect(await runCli(args, io)).toBe(0);
    const text = io.stdout.join("\n");
    expect(text).toContain("Advisor (openai/gpt-4o-mini) on the candidates:");
    expect(text).toMatch(/1\. Data Scientists\s+\[kept, score \d+%\]/);
    expect(text).toMatch(/2\. Chief Vibes Officer\s+\[replacement\]/);
    expect(text).toMatch(/Python\s+Strong\s+Python is used by/);
    expect(text).toContain("! unmapped-role:");
    expect(text).toMatch(/Spent \d+ input \+ \d+ output tokens, \$0\.\d{4} \(run 1\)/);
    expect(readFileSync(out, "utf8")).toBe(`${text}\n`);
    expect(io.stderr.join("\n")).toMatch(/1 flag\(s\)/);

    const again = captureIo();
    expect(await runCli([...args.slice(0, -2), "--json"], again)).toBe(0);
    const advice = JSON.parse(again.stdout.join("\n")) as {
      spend: { cached: boolean };
      flags: { kind: string }[];
    };
    expect(advice.spend.cached).toBe(true);
    expect(advice.flags.map((flag) => flag.kind)).toEqual(["unmapped-role"]);
    expect(server.requests).toHaveLength(1);

    const workspace = openWorkspace(join(dir, "ws"));
    try {
      const runs = workspace.runs.list();
      expect(runs.map((run) => run.kind)).toEqual(["roles-advice", "roles-advice"]);
      expect(workspace.calls.spend(1)[0]?.costUsd).toBeGreaterThan(0);
    } finally {
      workspace.close();
    }
  });

  it("refuses bad options with a usage error, and teaches with examples", async () => {
    const io = captureIo();
    expect(
      await runCli(["roles", "suggest", "--model", "roles.model", "--skills", "sql", "--top", "0"], io),
    ).toBe(2);
    expect(io.stderr.join("\n")).toMatch(/--top must be positive/);
    const empty = captureIo();
    expect(await runCli(["roles", "suggest", "--model", "roles.model", "--skills", " , "], empty)).toBe(2);
    expect(empty.stderr.join("\n")).toMatch(/at least one skill/);
    const help = captureIo();
    await runCli(["roles", "suggest", "--help"], help);
    expect(help.stdout.join("\n")).toMatch(/Examples:[\s\S]*--advisor-model gpt-4o-mini --out advice.txt/);
  });
});
