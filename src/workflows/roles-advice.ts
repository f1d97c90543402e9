import { JobdistillError, UsageError } from "../core/errors.ts";
import type { CallCache, RunRecorder } from "../core/ports.ts";
import type { RoleQuery, RoleSuggestions, RolesPredictor, TitleMatch } from "../core/roles.ts";
import {
  type AdviceCandidate,
  adviceProblems,
  createRolesAdviceTask,
  type MatchLevel,
  normaliseSkillName,
  type RolesAdviceInput,
  type RolesAdviceOutput,
} from "../tasks/roles-advice/index.ts";
import {
  defaultTeacherLimits,
  type LanguageModel,
  type PriceTable,
  runTeacher,
  type TeacherEvent,
  type TeacherGenerationParams,
  type TeacherLimits,
  teacherCallKey,
} from "../teacher/index.ts";

/** The teacher's call cache, able to give back a stored answer (the workspace's CallsStore is one). */
export interface AdviceCallCache extends CallCache {
  cachedOutput(key: string): unknown;
}

export const adviceFlagKinds = [
  "extra-skill",
  "missing-skill",
  "unmapped-role",
  "undecided-candidate",
  "unknown-candidate",
  "no-replacement",
] as const;
export type AdviceFlagKind = (typeof adviceFlagKinds)[number];

/** Something in the advisor's answer that did not pass the checks and was not silently accepted. */
export interface AdviceFlag {
  kind: AdviceFlagKind;
  /** The final role it is about, when it is about one. */
  role?: string | undefined;
  /** The skill or candidate code it is about. */
  subject?: string | undefined;
  message: string;
}

export interface SkillAssessment {
  /** The person's skill, as they wrote it. */
  skill: string;
  level: MatchLevel;
  justification: string;
}

export interface AdvisedRole {
  title: string;
  origin: "kept" | "replacement";
  description: string;
  skillMatch: string;
  /** One per skill of the person's that the advisor analysed, in the person's order. */
  skills: SkillAssessment[];
  advice: string;
  /** The roles student's score for a kept candidate. */
  score?: number | undefined;
  /** The title normaliser's best occupation for the title (confident or not). */
  occupation?: TitleMatch | undefined;
  /** False when the title maps to no occupation confidently: then a flag says so. */
  mapped: boolean;
}

export interface CandidateDecision {
  code: string;
  title: string;
  score: number;
  decision: "keep" | "discard" | "undecided";
  reason?: string | undefined;
  replacement?: string | undefined;
}

/** What one advisor call spent, from the run's ledger row; zero when the call cache answered. */
export interface AdviceSpend {
  /** The ledger's run id (kind roles-advice). */
  runId: number;
  cached: boolean;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
}

export interface RolesAdvice {
  skills: string[];
  currentRole?: string | undefined;
  /** What the roles student proposed. */
  suggestions: RoleSuggestions;
  decisions: CandidateDecision[];
  roles: AdvisedRole[];
  flags: AdviceFlag[];
  /** provider/model of the advisor. */
  advisor: string;
  spend: AdviceSpend;
}

export interface AdviseRolesOptions {
  predictor: RolesPredictor;
  model: LanguageModel;
  /** Where answers are cached (an identical question is answered from it) and failures kept. */
  cache: AdviceCallCache;
  /** The run ledger: one run of kind roles-advice per question asked. */
  recorder: RunRecorder;
  query: RoleQuery;
  limits?: Partial<TeacherLimits> | undefined;
  prices?: PriceTable | undefined;
  params?: TeacherGenerationParams | undefined;
  signal?: AbortSignal | undefined;
  onEvent?: ((event: TeacherEvent) => void) | undefined;
}

/** Skills trimmed, blanks dropped, repeats (by normalised name) kept once, in the person's order. */
export function cleanSkills(skills: readonly string[]): string[] {
  const seen = new Set<string>();
  const cleaned: string[] = [];
  for (const raw of skills) {
    const skill = raw.trim().replace(/\s+/g, " ");
    const key = normaliseSkillName(skill);
    if (key === "" || seen.has(key)) continue;
    seen.add(key);
    cleaned.push(skill);
  }
  return cleaned;
}

/** The roles student's answer alone (no LLM): what `roles suggest` and `/v1/roles` show without an advisor. */
export async function suggestRoles(predictor: RolesPredictor, query: RoleQuery): Promise<RoleSuggestions> {
  const skills = cleanSkills(query.skills);
  if (skills.length === 0) throw new UsageError("give at least one skill");
  const currentRole = query.currentRole?.trim() || undefined;
  return predictor.suggest({ skills, currentRole, top: query.top ?? 5 });
}

/**
 * A run recorder that leaves other runs alone: the engine marks runs left "running" as abandoned
 * when a run starts, which is right for `label` but not for a server answering questions in parallel.
 */
function recorderForOneQuestion(recorder: RunRecorder): RunRecorder {
  return {
    markAbandoned: () => undefined,
    start: (run) => recorder.start(run),
    progress: (id, progress) => recorder.progress(id, progress),
    finish: (id, status, extra) => recorder.finish(id, status, extra),
  };
}

/**
 * `roles suggest --advisor-model`, `/v1/roles/advice`: the roles student proposes the top roles,
 * the advisor LLM (through the teacher engine: call cache, retries, re-asks, JSON repair, ledger)
 * keeps or replaces each and analyses the person's skills for every final role, and the answer is
 * checked. What is still wrong after the re-asks is flagged, never silently accepted: an analysed
 * skill the person did not give is dropped and flagged, and a role whose title the title normaliser
 * cannot map to an occupation with confidence is kept but flagged.
 */
export async function adviseRoles(options: AdviseRolesOptions): Promise<RolesAdvice> {
  const { predictor, model, cache } = options;
  const suggestions = await suggestRoles(predictor, options.query);
  const skills = cleanSkills(options.query.skills);
  const currentRole = options.query.currentRole?.trim() || undefined;
  const candidates: AdviceCandidate[] = suggestions.roles.map((role) => ({
    code: role.code,
    title: role.title,
    score: role.score,
    description: predictor.describe(role.code)?.description ?? "",
  }));
  if (candidates.length === 0) throw new UsageError("the roles model proposed no roles for these skills");
  const input: RolesAdviceInput = { skills, currentRole, candidates };
  // One re-ask fewer for the checks than the engine allows, so an answer that broke the schema once
  // and still fails the checks is accepted and flagged rather than failing the question.
  const maxRepairs = options.limits?.maxRepairs ?? defaultTeacherLimits.maxRepairs;
  const task = createRolesAdviceTask({ checkRepairs: Math.max(0, maxRepairs - 1) });
  const params = options.params ?? {};
  const summary = await runTeacher({
    cache,
    recorder: recorderForOneQuestion(options.recorder),
    task,
    items: [input],
    model,
    limits: { concurrency: 1, ...options.limits },
    prices: options.prices,
    params,
    signal: options.signal,
    onEvent: options.onEvent,
    runKind: "roles-advice",
    runParams: { skills: skills.length, candidates: candidates.length },
  });
  if (summary.interrupted) {
    throw new JobdistillError("interrupted before the advisor answered", { code: "interrupted" });
  }
  const key = teacherCallKey(model, task, params, input);
  const stored = cache.cachedOutput(key);
  if (summary.failed > 0 || stored === undefined) {
    throw new JobdistillError(
      `the advisor ${model.provider}/${model.modelId} gave no usable answer (run ${summary.runId}; ` +
        `see: jobdistill failures --run ${summary.runId})`,
      { code: "teacher", data: { runId: summary.runId } },
    );
  }
  const output = task.outputSchema.parse(stored);
  const checked = await checkAdvice(predictor, input, output);
  return {
    skills,
    currentRole,
    suggestions,
    ...checked,
    advisor: `${model.provider}/${model.modelId}`,
    spend: {
      runId: summary.runId,
      cached: summary.skipped > 0,
      tokensIn: summary.tokensIn,
      tokensOut: summary.tokensOut,
      costUsd: summary.costUsd,
    },
  };
}

/** The checks on a schema-valid answer: what passes is kept, what does not is dropped or flagged. */
export async function checkAdvice(
  predictor: RolesPredictor,
  input: RolesAdviceInput,
  output: RolesAdviceOutput,
): Promise<Pick<RolesAdvice, "decisions" | "roles" | "flags">> {
  const flags: AdviceFlag[] = [];
  const problems = adviceProblems(input, output);
  const byCode = new Map(input.candidates.map((candidate) => [candidate.code, candidate]));
  const firstDecision = new Map<string, (typeof output.candidates)[number]>();
  for (const decision of output.candidates) {
    if (!firstDecision.has(decision.code)) firstDecision.set(decision.code, decision);
  }
  const decisions: CandidateDecision[] = input.candidates.map((candidate) => {
    const decision = firstDecision.get(candidate.code);
    const base = { code: candidate.code, title: candidate.title, score: candidate.score };
    if (decision === undefined) return { ...base, decision: "undecided" };
    return {
      ...base,
      decision: decision.decision,
      reason: decision.reason,
      replacement: decision.replacement?.trim() || undefined,
    };
  });
  for (const code of problems.undecided) {
    flags.push({
      kind: "undecided-candidate",
      subject: code,
      message: `the advisor did not decide on ${code} ${byCode.get(code)?.title ?? ""}`.trim(),
    });
  }
  for (const code of problems.unknownCandidates) {
    flags.push({
      kind: "unknown-candidate",
      subject: code,
      message: `the advisor decided on ${code}, which was not a candidate (ignored)`,
    });
  }
  for (const code of problems.noReplacement) {
    flags.push({
      kind: "no-replacement",
      subject: code,
      message: `the advisor discarded ${code} without proposing a replacement`,
    });
  }

  const userSkillByKey = new Map(input.skills.map((skill) => [normaliseSkillName(skill), skill]));
  const roles: AdvisedRole[] = [];
  for (const [index, answer] of output.roles.entries()) {
    const roleProblems = problems.roles[index];
    for (const skill of roleProblems?.extraSkills ?? []) {
      flags.push({
        kind: "extra-skill",
        role: answer.title,
        subject: skill,
        message: `"${answer.title}" analysed "${skill}", which is not one of the person's skills (dropped)`,
      });
    }
    for (const skill of roleProblems?.missingSkills ?? []) {
      flags.push({
        kind: "missing-skill",
        role: answer.title,
        subject: skill,
        message: `"${answer.title}" has no analysis of the skill "${skill}"`,
      });
    }
    const assessed = new Map<string, SkillAssessment>();
    for (const entry of answer.skills) {
      const skill = userSkillByKey.get(normaliseSkillName(entry.skill));
      if (skill === undefined || assessed.has(skill)) continue;
      assessed.set(skill, { skill, level: entry.level, justification: entry.justification });
    }
    const kept =
      answer.origin === "kept"
        ? (byCode.get(answer.code ?? "") ??
          input.candidates.find((candidate) => candidate.title.toLowerCase() === answer.title.toLowerCase()))
        : undefined;
    const [occupation] = await predictor.normaliseTitle(answer.title, 1);
    const mapped = occupation?.confident === true;
    if (!mapped) {
      flags.push({
        kind: "unmapped-role",
        role: answer.title,
        message:
          occupation === undefined
            ? `"${answer.title}" maps to no O*NET occupation`
            : `"${answer.title}" maps to no O*NET occupation with confidence (best: ${occupation.code} ${occupation.title}, ${occupation.score.toFixed(2)})`,
      });
    }
    roles.push({
      title: answer.title,
      origin: answer.origin,
      description: answer.description,
      skillMatch: answer.skillMatch,
      skills: input.skills.flatMap((skill) => assessed.get(skill) ?? []),
      advice: answer.advice,
      score: kept?.score,
      occupation,
      mapped,
    });
  }
  return { decisions, roles, flags };
}
