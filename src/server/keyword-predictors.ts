import { decodeHTML } from "entities";
import type {
  HighlightSpan,
  LoadedModelInfo,
  Predictors,
  SkillMention,
  SkillTypeRow,
  TextFormat,
} from "../student/predictors.ts";

/**
 * Predictors made of keyword rules: deterministic, instant, no training. For tests, benchmarks and
 * trying the page before any student exists; never a substitute for a trained model.
 */
const rules: readonly { category: string; pattern: RegExp; score: number }[] = [
  { category: "education", pattern: /\b(?:bachelor|master)'?s degree[^.,;\n]*/gi, score: 0.91 },
  { category: "certification", pattern: /\bAWS Certified [A-Z][\w ]*?(?=[.,;\n]|$)/g, score: 0.88 },
  { category: "qualifications", pattern: /\b(?:valid )?driving licence\b/gi, score: 0.86 },
  { category: "work_experience", pattern: /\b\d+\+? years of experience[^.,;\n]*/gi, score: 0.84 },
  { category: "hard_skills", pattern: /\b(?:Python|SQL|Kubernetes|TypeScript|Excel)\b/g, score: 0.93 },
  {
    category: "soft_skills",
    pattern: /\b(?:excellent communication skills|team player|attention to detail)\b/gi,
    score: 0.82,
  },
  {
    category: "benefits",
    pattern: /\b(?:competitive salary|\d+ days of paid holiday|hybrid working)\b/gi,
    score: 0.9,
  },
  {
    category: "company_culture",
    pattern: /\b(?:a )?friendly, close-knit team\b|\bflat hierarchy\b/gi,
    score: 0.77,
  },
  { category: "job_duties", pattern: /\bWork with analysts[^\n]*|\bkeep them observable\b/g, score: 0.74 },
  { category: "breadtext", pattern: /\b(?:apply now|we look forward to your application)\b/gi, score: 0.7 },
];

const softWords = /\b(?:communication|team|leadership|empathy|reliab|attention|organis|organiz|adaptab)/i;
const knownHard = /\b(?:python|sql|kubernetes|typescript|excel|java|docker|accounting|welding|forklift)\b/i;

function visibleText(text: string, format: TextFormat | undefined): string {
  if (format !== "html") return text;
  return decodeHTML(
    text
      .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, " ")
      .replace(/<[^>]*>/g, " ")
      .replace(/[ \t]+/g, " "),
  ).trim();
}

function findSpans(text: string): HighlightSpan[] {
  const spans: HighlightSpan[] = [];
  for (const { category, pattern, score } of rules) {
    for (const match of text.matchAll(pattern)) {
      const start = match.index;
      spans.push({ start, end: start + match[0].length, category, text: match[0], score });
    }
  }
  return spans.sort((a, b) => a.start - b.start || b.end - a.end);
}

export function createKeywordPredictors(): Predictors {
  return {
    async highlight({ text, format }) {
      const visible = visibleText(text, format);
      return { text: visible, spans: findSpans(visible) };
    },
    typeSkills(skills): SkillTypeRow[] {
      return skills.map((skill) => {
        if (softWords.test(skill)) return { skill, label: "Soft", confidence: 0.8, source: "lexicon" };
        if (knownHard.test(skill)) return { skill, label: "Hard", confidence: 0.9, source: "lexicon" };
        return { skill, label: "Unknown", confidence: 0.5, source: "model" };
      });
    },
    extractSkills({ text, format }) {
      const visible = visibleText(text, format);
      const mentions: SkillMention[] = findSpans(visible)
        .filter((span) => span.category === "hard_skills" || span.category === "soft_skills")
        .map(({ start, end, category, text: mention, score }) => ({
          start,
          end,
          layer: category === "hard_skills" ? "knowledge" : "skill",
          text: mention,
          score,
        }));
      return { text: visible, mentions };
    },
    models(): LoadedModelInfo[] {
      return [{ name: "keyword-rules", task: "requirements", kind: "keyword-rules", path: "(built in)" }];
    },
  };
}
