import { z } from "zod";
import { hashValue } from "../../core/hash.ts";
import type { ChatMessage, TeacherTask } from "../../core/task.ts";

export const ROLES_ADVICE_TASK = "roles-advice";

/** One role the roles student proposed, as the advisor sees it. */
export interface AdviceCandidate {
  code: string;
  title: string;
  /** The student's score, in [0, 1]. */
  score: number;
  description: string;
}

/** One person's question: their skills, current role, and the student's candidate roles. */
export interface RolesAdviceInput {
  skills: string[];
  currentRole?: string | undefined;
  candidates: AdviceCandidate[];
}

export const matchLevels = ["Weak", "Medium", "Strong"] as const;
export type MatchLevel = (typeof matchLevels)[number];

/** Strict on the shape: an answer outside it is re-asked by the engine. */
export const rolesAdviceOutputSchema = z.object({
  candidates: z
    .array(
      z.object({
        code: z.string().describe("The candidate's O*NET code, as given."),
        decision: z.enum(["keep", "discard"]),
        reason: z.string(),
        replacement: z.string().optional().describe("For a discarded role: the title of a better one."),
      }),
    )
    .describe("One decision per candidate role."),
  roles: z
    .array(
      z.object({
        title: z.string(),
        origin: z.enum(["kept", "replacement"]),
        /** The candidate's code for a kept role. */
        code: z.string().optional(),
        description: z.string().describe("2–3 sentences."),
        skillMatch: z.string().describe("Overall: how the person's skills fit this role."),
        skills: z.array(
          z.object({
            skill: z.string().describe("One of the person's skills, exactly as given."),
            level: z.enum(matchLevels),
            justification: z.string().describe("One line."),
          }),
        ),
        advice: z.string().describe("What to learn or do to get this role."),
      }),
    )
    .describe("The final roles: every kept candidate and every replacement."),
});
export type RolesAdviceOutput = z.infer<typeof rolesAdviceOutputSchema>;
export type AdvisedRoleAnswer = RolesAdviceOutput["roles"][number];

/** Case, width and spacing do not make a skill another one. */
export function normaliseSkillName(skill: string): string {
  return skill.normalize("NFKC").trim().replace(/\s+/g, " ").toLowerCase();
}

/** What is wrong with an answer, as data: the workflow flags what is left after the re-asks. */
export interface AdviceProblems {
  /** Candidate codes the answer does not decide on. */
  undecided: string[];
  /** Codes decided on that were not candidates. */
  unknownCandidates: string[];
  /** Discarded candidates without a replacement title. */
  noReplacement: string[];
  /** Per final role: analysed skills the person did not give, and their skills it left out. */
  roles: { title: string; extraSkills: string[]; missingSkills: string[] }[];
}

export function adviceProblems(input: RolesAdviceInput, output: RolesAdviceOutput): AdviceProblems {
  const candidateCodes = new Set(input.candidates.map((candidate) => candidate.code));
  const decided = new Set(output.candidates.map((decision) => decision.code));
  const userSkills = new Set(input.skills.map(normaliseSkillName));
  return {
    undecided: [...candidateCodes].filter((code) => !decided.has(code)),
    unknownCandidates: [...decided].filter((code) => !candidateCodes.has(code)),
    noReplacement: output.candidates
      .filter((decision) => decision.decision === "discard" && !decision.replacement?.trim())
      .map((decision) => decision.code),
    roles: output.roles.map((role) => {
      const analysed = new Set(role.skills.map((entry) => normaliseSkillName(entry.skill)));
      return {
        title: role.title,
        extraSkills: role.skills
          .map((entry) => entry.skill)
          .filter((skill) => !userSkills.has(normaliseSkillName(skill))),
        missingSkills: input.skills.filter((skill) => !analysed.has(normaliseSkillName(skill))),
      };
    }),
  };
}

/** The problems as sentences a model can act on (empty: the answer passes). */
export function adviceIssues(input: RolesAdviceInput, output: RolesAdviceOutput): string[] {
  const problems = adviceProblems(input, output);
  const issues: string[] = [];
  if (problems.undecided.length > 0) {
    issues.push(`decide keep or discard for every candidate code: missing ${problems.undecided.join(", ")}`);
  }
  if (problems.unknownCandidates.length > 0) {
    issues.push(`these codes were not candidates (leave them out): ${problems.unknownCandidates.join(", ")}`);
  }
  if (problems.noReplacement.length > 0) {
    issues.push(
      `give a replacement title for each discarded candidate: ${problems.noReplacement.join(", ")}`,
    );
  }
  if (output.roles.length === 0) issues.push("list the final roles (kept and replacements)");
  for (const role of problems.roles) {
    if (role.extraSkills.length > 0) {
      issues.push(
        `role "${role.title}" analyses skills the person did not list (analyse only theirs): ${role.extraSkills.join(", ")}`,
      );
    }
    if (role.missingSkills.length > 0) {
      issues.push(`role "${role.title}" leaves out the person's skills: ${role.missingSkills.join(", ")}`);
    }
  }
  return issues;
}

export interface RolesAdviceTaskOptions {
  /**
   * Re-asks for answers that fail the checks before accepting them as they are (the workflow then
   * drops and flags what is wrong). Keep it below the engine's maxRepairs: the engine's re-asks are
   * shared with answers that break the schema, and an answer still failing the checks when they run
   * out fails the whole question instead of being flagged. @default 1
   */
  checkRepairs?: number | undefined;
}

/** Bump when the prompt's wording changes in a way the hash of its text would not show. */
const PROMPT_VERSION = 1;

const systemPrompt = [
  "You are a careful career advisor. A person gives their skills and, perhaps, their current role.",
  "A model proposed candidate occupations (O*NET) for them. For each candidate, decide keep or discard",
  "with a one-sentence reason; for each discarded one, propose a better-fitting occupation title.",
  "Then write, for every final role (each kept candidate, then each replacement):",
  "- title (for a kept role: the candidate's title and its code),",
  "- description: 2 to 3 sentences on what the role does,",
  "- skillMatch: one or two sentences on how well the person's skills fit overall,",
  "- skills: for EACH of the person's skills, exactly as they wrote it and no others, a level",
  '  ("Weak", "Medium" or "Strong") and a one-line justification,',
  "- advice: concrete development advice (what to learn, practise or show) for this role.",
  "Answer as JSON only:",
  '{"candidates": [{"code": …, "decision": "keep"|"discard", "reason": …, "replacement": … (when discarded)}],',
  ' "roles": [{"title": …, "origin": "kept"|"replacement", "code": … (when kept), "description": …,',
  '   "skillMatch": …, "skills": [{"skill": …, "level": …, "justification": …}], "advice": …}]}',
].join("\n");

/** The user message: everything the answer depends on, and nothing else. */
function userMessage(input: RolesAdviceInput): string {
  return [
    `The person's skills: ${JSON.stringify(input.skills)}`,
    `Current role: ${input.currentRole?.trim() ? JSON.stringify(input.currentRole.trim()) : "not given"}`,
    "Candidate roles (best first, with the model's score):",
    JSON.stringify(
      input.candidates.map((candidate) => ({
        code: candidate.code,
        title: candidate.title,
        score: Number(candidate.score.toFixed(3)),
        description: candidate.description,
      })),
    ),
  ].join("\n");
}

/**
 * The career advisor as a teacher task: one person's question per item. The answer's checks (every
 * candidate decided once, a replacement for each discarded one, every analysed skill one of the
 * person's and none of theirs left out) are re-asked up to `checkRepairs` times, then accepted so
 * the workflow can drop and flag what is still wrong. Advice is per person, not about a stored
 * document: it is kept in the call cache and the run ledger, and makes no annotations.
 */
export function createRolesAdviceTask(
  options: RolesAdviceTaskOptions = {},
): TeacherTask<RolesAdviceInput, RolesAdviceOutput> {
  const checkRepairs = options.checkRepairs ?? 1;
  const answersSeen = new WeakMap<RolesAdviceInput, number>();
  return {
    name: ROLES_ADVICE_TASK,
    version: `v${PROMPT_VERSION}-${hashValue({ systemPrompt, schema: z.toJSONSchema(rolesAdviceOutputSchema) }).slice(0, 12)}`,
    outputSchema: rolesAdviceOutputSchema,
    itemId: (input) => `advice-${rolesAdviceFingerprint(input).slice(0, 12)}`,
    itemFingerprint: rolesAdviceFingerprint,
    buildMessages: (input): ChatMessage[] => [
      { role: "system", content: systemPrompt },
      { role: "user", content: userMessage(input) },
    ],
    check(input, output) {
      const seen = (answersSeen.get(input) ?? 0) + 1;
      answersSeen.set(input, seen);
      if (seen > checkRepairs) return [];
      return adviceIssues(input, output);
    },
    toAnnotations: () => [],
    estimateOutputTokens: (input) => input.candidates.length * (200 + input.skills.length * 35) + 100,
  };
}

export function rolesAdviceFingerprint(input: RolesAdviceInput): string {
  return hashValue({
    skills: input.skills,
    currentRole: input.currentRole?.trim() || undefined,
    candidates: input.candidates.map((candidate) => [
      candidate.code,
      candidate.title,
      Number(candidate.score.toFixed(3)),
      candidate.description,
    ]),
  });
}
