export const skillTypeLabels = ["Hard", "Soft", "Unknown"] as const;
export type SkillTypeLabel = (typeof skillTypeLabels)[number];

export const skillTypeDefinitions: Record<SkillTypeLabel, string> = {
  Hard:
    "a technical, teachable and testable skill or body of knowledge: tools, software, programming " +
    "languages, methods, fields of study, licences, languages, trade techniques, domain procedures.",
  Soft:
    "an interpersonal or attitudinal quality, or a general way of working that is not tied to a " +
    "field: teamwork, communication style, motivation, reliability, leadership, adaptability, " +
    "initiative, problem solving as a disposition.",
  Unknown: "not a skill, too vague to type, or equally hard and soft.",
};

/**
 * Answer words a model may use instead of the label names. Matched on the lower-cased answer with
 * punctuation and the words "skill(s)" stripped, so "Technical skill." and "TECHNICAL" both hit.
 */
const synonyms: Record<string, SkillTypeLabel> = {
  hard: "Hard",
  technical: "Hard",
  knowledge: "Hard",
  tool: "Hard",
  tools: "Hard",
  "hard knowledge": "Hard",
  "domain specific": "Hard",
  "job specific": "Hard",
  soft: "Soft",
  interpersonal: "Soft",
  transversal: "Soft",
  behavioural: "Soft",
  behavioral: "Soft",
  social: "Soft",
  attitude: "Soft",
  personal: "Soft",
  unknown: "Unknown",
  neither: "Unknown",
  "not a skill": "Unknown",
  unclear: "Unknown",
  both: "Unknown",
};

export interface NormalisedSkillType {
  label: SkillTypeLabel;
  /** False when the answer matched no label or synonym (it became Unknown). */
  recognised: boolean;
  raw: string;
}

export function normaliseSkillTypeAnswer(raw: string): NormalisedSkillType {
  const key = raw
    .toLowerCase()
    .replace(/[^a-z\s-]/g, " ")
    .replace(/\b(skills?|competences?|competencies|type|label)\b/g, " ")
    .replace(/[-\s]+/g, " ")
    .trim();
  const label = synonyms[key];
  return label ? { label, recognised: true, raw } : { label: "Unknown", recognised: false, raw };
}
