/**
 * The career advisor end to end against the local OpenAI-protocol test server: `adviseRoles` (roles
 * student → teacher engine → checks) over many people's questions, with the server's answers
 * scripted per question: clean; an analysed skill the person did not give, every time (re-asked,
 * then dropped and flagged); a hallucinated replacement role (must be flagged unmapped); malformed
 * JSON (repaired, no re-ask); an answer that breaks the schema once (re-asked); one that never
 * parses (the question fails). Counts schema-valid answers, flags, calls per question, and the
 * cost per question from the run ledger at gpt-4o-mini's price (the server's token counts are its
 * own approximation, characters / 4). A second pass asks every question again: the call cache must
 * answer all of them for nothing. The roles student here is a fake over six occupations (the real
 * one is benchmarked by its own bench): what is measured is the advisor's plumbing and checks.
 * Run: `node bin/run-ts.js bench/roles-advisor.ts [--questions 60] [--quick]`; writes bench/out/roles-advisor.json.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRandom, sample } from "../src/core/random.ts";
import { openWorkspace } from "../src/store/index.ts";
import { createLanguageModel } from "../src/teacher/index.ts";
import { adviseRoles, type RolesAdvice } from "../src/workflows/roles-advice.ts";
import {
  adviceQuestion,
  FakeRolesPredictor,
  fakeOccupations,
  parseAdviceRequest,
  scriptedAdvice,
} from "../test/fake-roles-predictor.ts";
import { type Behaviour, type RecordedRequest, startOpenAiTestServer } from "../test/openai-test-server.ts";
import { invokedDirectly } from "./invoked-directly.ts";
import { recordBench } from "./results-file.ts";

const scenarios = [
  "clean",
  "extra-skill",
  "hallucinated-role",
  "malformed-json",
  "schema-once",
  "never-parses",
] as const;
type Scenario = (typeof scenarios)[number];
/** How often each scenario comes up, out of 20 questions. */
const mix: Record<Scenario, number> = {
  clean: 8,
  "extra-skill": 3,
  "hallucinated-role": 4,
  "malformed-json": 2,
  "schema-once": 2,
  "never-parses": 1,
};

export interface RolesAdvisorBenchResult {
  questions: number;
  byScenario: Record<Scenario, number>;
  schemaValidAnswers: number;
  failedQuestions: number;
  llmRequests: number;
  requestsPerQuestion: number;
  flags: Record<string, number>;
  hallucinatedRolesFlagged: { scripted: number; flaggedUnmapped: number };
  extraSkillsDropped: { scriptedQuestions: number; questionsWithExtraSkillLeft: number };
  costUsd: { total: number; perAnsweredQuestion: number; perQuestionFromLedger: number };
  secondPass: { answeredFromCache: number; llmRequests: number; costUsd: number };
}

function scenarioOf(index: number): Scenario {
  const slot = index % 20;
  let upTo = 0;
  for (const scenario of scenarios) {
    upTo += mix[scenario];
    if (slot < upTo) return scenario;
  }
  return "clean";
}

export async function rolesAdvisorBench(
  options: { questions?: number; log?: (line: string) => void; quick?: boolean } = {},
): Promise<RolesAdvisorBenchResult> {
  const log = options.log ?? console.log;
  const questions = options.questions ?? (options.quick ? 20 : 60);
  const record = recordBench("roles-advisor", {
    measure: "counts and the run ledger's cost; no speeds",
    quick: questions !== 60,
  });
  const random = createRandom(14);
  const skillPool = [...new Set(fakeOccupations.flatMap((occupation) => occupation.keywords))];
  const people = Array.from({ length: questions }, (_, index) => ({
    index,
    scenario: scenarioOf(index),
    skills: [...sample(skillPool, 3, random), `bench skill ${index}`],
  }));
  const byMarker = new Map(people.map((person) => [`bench skill ${person.index}`, person]));
  const attempts = new Map<number, number>();

  const behaviour = (request: RecordedRequest): Behaviour => {
    const question = adviceQuestion(request);
    const { skills } = parseAdviceRequest(question);
    const person = byMarker.get(skills.at(-1) ?? "");
    if (person === undefined) return { kind: "error", status: 400, message: "unknown question" };
    const attempt = (attempts.get(person.index) ?? 0) + 1;
    attempts.set(person.index, attempt);
    switch (person.scenario) {
      case "clean":
        return { kind: "json", value: scriptedAdvice(question) };
      case "extra-skill":
        return { kind: "json", value: scriptedAdvice(question, { extraSkill: "Kubernetes" }) };
      case "hallucinated-role":
        return {
          kind: "json",
          value: scriptedAdvice(question, { replacement: `Chief Synergy Wizard ${person.index}` }),
        };
      case "malformed-json": {
        const text = JSON.stringify(scriptedAdvice(question), null, 1);
        return { kind: "text", content: `Sure!\n\`\`\`json\n${text.slice(0, -3)},\n\`\`\`` };
      }
      case "schema-once":
        return attempt === 1
          ? { kind: "json", value: { roles: "all of them" } }
          : { kind: "json", value: scriptedAdvice(question) };
      case "never-parses":
        return { kind: "text", content: "I am sorry, I cannot produce JSON today." };
    }
  };

  const server = await startOpenAiTestServer({ defaultBehaviour: behaviour });
  const dir = mkdtempSync(join(tmpdir(), "jobdistill-bench-roles-"));
  const workspace = openWorkspace(dir);
  const model = await createLanguageModel({
    provider: "openai",
    model: "gpt-4o-mini",
    baseUrl: server.url,
    apiKey: "sk-bench",
  });
  const predictor = new FakeRolesPredictor();
  try {
    const ask = (person: (typeof people)[number]) =>
      adviseRoles({
        predictor,
        model,
        cache: workspace.calls,
        recorder: workspace.runs,
        query: { skills: person.skills, top: 5 },
        limits: { maxRetries: 0 },
      });
    const answers: (RolesAdvice | undefined)[] = [];
    for (const person of people) answers.push(await ask(person).catch(() => undefined));
    const firstPassRequests = server.requests.length;
    const answered = answers.filter((answer): answer is RolesAdvice => answer !== undefined);

    const flags: Record<string, number> = {};
    for (const answer of answered)
      for (const flag of answer.flags) flags[flag.kind] = (flags[flag.kind] ?? 0) + 1;
    const hallucinated = people.filter((person) => person.scenario === "hallucinated-role");
    const flaggedUnmapped = hallucinated.filter((person) =>
      answers[person.index]?.flags.some(
        (flag) => flag.kind === "unmapped-role" && flag.role === `Chief Synergy Wizard ${person.index}`,
      ),
    ).length;
    const extra = people.filter((person) => person.scenario === "extra-skill");
    const extraLeft = extra.filter((person) =>
      answers[person.index]?.roles.some((role) => role.skills.some((entry) => entry.skill === "Kubernetes")),
    ).length;
    const ledgerRuns = workspace.runs.list().filter((run) => run.kind === "roles-advice");
    const ledgerCost = ledgerRuns.reduce(
      (sum, run) => sum + workspace.calls.spend(run.id).reduce((total, row) => total + row.costUsd, 0),
      0,
    );
    const spent = answered.reduce((sum, answer) => sum + answer.spend.costUsd, 0);

    const again: (RolesAdvice | undefined)[] = [];
    for (const person of people) again.push(await ask(person).catch(() => undefined));
    const secondPass = {
      answeredFromCache: again.filter((answer) => answer?.spend.cached === true).length,
      llmRequests: server.requests.length - firstPassRequests,
      costUsd: again.reduce((sum, answer) => sum + (answer?.spend.costUsd ?? 0), 0),
    };

    const byScenario = Object.fromEntries(
      scenarios.map((scenario) => [scenario, people.filter((person) => person.scenario === scenario).length]),
    ) as Record<Scenario, number>;
    const result: RolesAdvisorBenchResult = {
      questions,
      byScenario,
      schemaValidAnswers: answered.length,
      failedQuestions: questions - answered.length,
      llmRequests: firstPassRequests,
      requestsPerQuestion: firstPassRequests / questions,
      flags,
      hallucinatedRolesFlagged: { scripted: hallucinated.length, flaggedUnmapped },
      extraSkillsDropped: { scriptedQuestions: extra.length, questionsWithExtraSkillLeft: extraLeft },
      costUsd: {
        total: ledgerCost,
        perAnsweredQuestion: spent / Math.max(1, answered.length),
        perQuestionFromLedger: ledgerCost / questions,
      },
      secondPass,
    };
    log(
      `roles advisor: ${questions} questions (${scenarios.map((s) => `${s} ${byScenario[s]}`).join(", ")})`,
    );
    log(
      `  schema-valid answers ${answered.length}/${questions}, failed ${result.failedQuestions}; ` +
        `${firstPassRequests} LLM requests (${result.requestsPerQuestion.toFixed(2)} per question)`,
    );
    log(
      `  flags: ${
        Object.entries(flags)
          .map(([kind, count]) => `${kind} ${count}`)
          .join(", ") || "none"
      }`,
    );
    log(`  hallucinated roles flagged unmapped: ${flaggedUnmapped}/${hallucinated.length}`);
    log(`  questions with a skill the person did not give left in the answer: ${extraLeft}/${extra.length}`);
    log(
      `  cost (ledger, gpt-4o-mini prices): $${ledgerCost.toFixed(4)} in all, ` +
        `$${result.costUsd.perQuestionFromLedger.toFixed(5)} per question (failed calls included), ` +
        `$${result.costUsd.perAnsweredQuestion.toFixed(5)} per answered question`,
    );
    log(
      `  second pass: ${secondPass.answeredFromCache}/${answered.length} from the call cache, ` +
        `${secondPass.llmRequests} LLM requests, $${secondPass.costUsd.toFixed(4)}`,
    );
    for (const path of record.write(result)) log(`  wrote ${path}`);
    return result;
  } finally {
    await model.close?.();
    await server.close();
    workspace.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (invokedDirectly(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = args.indexOf("--questions");
  const questions = at >= 0 ? Number(args[at + 1]) : undefined;
  await rolesAdvisorBench({ quick: args.includes("--quick"), ...(questions ? { questions } : {}) });
}
