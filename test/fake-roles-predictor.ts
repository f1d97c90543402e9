/**
 * A RolesPredictor over a handful of O*NET occupations, for tests and benches of the advisor and
 * its adapters (the real one is the roles student): skills score occupations by the keywords they
 * share, and a title maps confidently only to an occupation's own or alternate title.
 */
import type { RoleQuery, RoleSuggestions, RolesPredictor, TitleMatch } from "../src/core/roles.ts";

interface FakeOccupation {
  code: string;
  title: string;
  description: string;
  keywords: string[];
  altTitles: string[];
}

export const fakeOccupations: FakeOccupation[] = [
  {
    code: "15-2051.00",
    title: "Data Scientists",
    description: "Develop and implement methods to extract knowledge from data.",
    keywords: ["python", "sql", "machine learning", "statistics", "a/b testing"],
    altTitles: ["data scientist", "machine learning scientist"],
  },
  {
    code: "15-2041.00",
    title: "Statisticians",
    description: "Develop or apply mathematical or statistical theory to collect and analyse data.",
    keywords: ["statistics", "r", "sas", "a/b testing"],
    altTitles: ["statistician", "biostatistician"],
  },
  {
    code: "15-1211.00",
    title: "Computer Systems Analysts",
    description: "Analyse science, engineering, business and other data processing problems.",
    keywords: ["sql", "tableau", "stakeholder management", "requirements"],
    altTitles: ["systems analyst", "data analyst", "business systems analyst"],
  },
  {
    code: "15-1252.00",
    title: "Software Developers",
    description: "Research, design and develop computer and network software.",
    keywords: ["python", "java", "git", "javascript"],
    altTitles: ["software developer", "software engineer", "programmer"],
  },
  {
    code: "11-2021.00",
    title: "Marketing Managers",
    description: "Plan, direct or coordinate marketing policies and programs.",
    keywords: ["stakeholder management", "a/b testing", "tableau", "marketing"],
    altTitles: ["marketing manager", "growth manager"],
  },
  {
    code: "13-1111.00",
    title: "Management Analysts",
    description: "Conduct organisational studies and evaluations to improve efficiency.",
    keywords: ["stakeholder management", "excel", "process improvement"],
    altTitles: ["management analyst", "management consultant"],
  },
];

const norm = (text: string): string => text.trim().toLowerCase().replace(/\s+/g, " ");
const words = (text: string): Set<string> =>
  new Set(
    norm(text)
      .split(/[^a-z0-9/]+/)
      .filter(Boolean),
  );

export class FakeRolesPredictor implements RolesPredictor {
  readonly queries: RoleQuery[] = [];

  async suggest(query: RoleQuery): Promise<RoleSuggestions> {
    this.queries.push(query);
    const skills = query.skills.map(norm);
    const scored = fakeOccupations.map((occupation, index) => {
      const hits = skills.filter((skill) => occupation.keywords.includes(skill)).length;
      return { occupation, index, score: (hits + 0.1) / (skills.length + 0.1) };
    });
    scored.sort((a, b) => b.score - a.score || a.index - b.index);
    const roles = scored.slice(0, query.top ?? 5).map(({ occupation, score }) => ({
      code: occupation.code,
      title: occupation.title,
      score: Number(score.toFixed(4)),
    }));
    const [currentRole] = query.currentRole ? await this.normaliseTitle(query.currentRole, 1) : [];
    return { roles, ...(currentRole ? { currentRole } : {}) };
  }

  async normaliseTitle(title: string, top = 5): Promise<TitleMatch[]> {
    const wanted = norm(title);
    const titleWords = words(title);
    const matches = fakeOccupations.map((occupation) => {
      const names = [norm(occupation.title), ...occupation.altTitles];
      if (names.includes(wanted)) return { occupation, score: 1 };
      const best = Math.max(
        ...names.map((name) => {
          const nameWords = words(name);
          const shared = [...titleWords].filter((word) => nameWords.has(word)).length;
          return shared / Math.max(titleWords.size, nameWords.size, 1);
        }),
      );
      return { occupation, score: best * 0.9 };
    });
    matches.sort((a, b) => b.score - a.score);
    return matches
      .filter((match) => match.score > 0)
      .slice(0, top)
      .map(({ occupation, score }) => ({
        input: title,
        code: occupation.code,
        title: occupation.title,
        score,
        confident: score >= 0.75,
      }));
  }

  describe(code: string) {
    const occupation = fakeOccupations.find((candidate) => candidate.code === code);
    return occupation && { code, title: occupation.title, description: occupation.description };
  }
}

/** What the advisor's user message lists: the person's skills and the candidates' codes and titles. */
export function parseAdviceRequest(userMessage: string): {
  skills: string[];
  candidates: { code: string; title: string }[];
} {
  const skillsLine = /The person's skills: (.*)/.exec(userMessage)?.[1] ?? "[]";
  const candidatesLine = userMessage.split("\n").at(-1) ?? "[]";
  return {
    skills: JSON.parse(skillsLine) as string[],
    candidates: JSON.parse(candidatesLine) as { code: string; title: string }[],
  };
}

export interface ScriptedAdviceOptions {
  /** Discard the last candidate and replace it with this title. @default keep every candidate */
  replacement?: string | undefined;
  /** Add this skill (not the person's) to every role's analysis. */
  extraSkill?: string | undefined;
}

/** A well-formed advisor answer to a request, shaped as the task's schema asks. */
export function scriptedAdvice(userMessage: string, options: ScriptedAdviceOptions = {}): unknown {
  const { skills, candidates } = parseAdviceRequest(userMessage);
  const analyse = (role: string) => [
    ...skills.map((skill, index) => ({
      skill,
      level: (["Strong", "Medium", "Weak"] as const)[index % 3],
      justification: `${skill} is used by ${role}.`,
    })),
    ...(options.extraSkill
      ? [{ skill: options.extraSkill, level: "Strong", justification: "Assumed from the role." }]
      : []),
  ];
  const last = candidates.length - 1;
  return {
    candidates: candidates.map((candidate, index) =>
      options.replacement !== undefined && index === last
        ? {
            code: candidate.code,
            decision: "discard",
            reason: "Few shared skills.",
            replacement: options.replacement,
          }
        : { code: candidate.code, decision: "keep", reason: "Shares the core skills." },
    ),
    roles: [
      ...candidates
        .filter((_, index) => options.replacement === undefined || index !== last)
        .map((candidate) => ({
          title: candidate.title,
          origin: "kept",
          code: candidate.code,
          description: `${candidate.title} do this work. It needs these skills.`,
          skillMatch: "A good overall match.",
          skills: analyse(candidate.title),
          advice: "Build a portfolio of two projects.",
        })),
      ...(options.replacement === undefined
        ? []
        : [
            {
              title: options.replacement,
              origin: "replacement",
              description: `${options.replacement} is a role. It uses data.`,
              skillMatch: "A partial match.",
              skills: analyse(options.replacement),
              advice: "Take a course.",
            },
          ]),
    ],
  };
}

/** The advisor's question in a chat request: its first user message (a re-ask appends more). */
export function adviceQuestion(request: {
  body: { messages?: { role: string; content: string }[] };
}): string {
  return request.body.messages?.find((message) => message.role === "user")?.content ?? "";
}
