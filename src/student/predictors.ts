/**
 * What the adapters (CLI `predict`, HTTP API, web page) ask of trained students. One implementation
 * loads a workspace's models once and serves every request from memory.
 */
export type TextFormat = "text" | "html";

export interface HighlightSpan {
  start: number;
  end: number;
  /** A requirement category id (education, hard_skills, …). */
  category: string;
  text: string;
  /** The student's confidence in [0, 1]. */
  score: number;
}

export interface HighlightResult {
  /** The text the offsets refer to: the input itself, or the visible text of an HTML input. */
  text: string;
  spans: HighlightSpan[];
}

export type SkillTypeLabel = "Hard" | "Soft" | "Unknown";

export interface SkillTypeRow {
  skill: string;
  label: SkillTypeLabel;
  confidence: number;
  source: "lexicon" | "model";
}

export interface SkillMention {
  start: number;
  end: number;
  /** "skill" (applied, soft) or "knowledge" (tools, languages, fields), as in SkillSpan. */
  layer: string;
  text: string;
  score?: number;
}

export interface LoadedModelInfo {
  name: string;
  task: string;
  kind: string;
  path: string;
  metrics?: unknown;
}

export interface Predictors {
  /** Asynchronous: an encoder-backed segment classifier embeds the advert's segments first. */
  highlight(input: { text: string; format?: TextFormat }): Promise<HighlightResult>;
  /** An encoder-backed skill-type student answers asynchronously (it embeds the phrases). */
  typeSkills(skills: readonly string[]): SkillTypeRow[] | Promise<SkillTypeRow[]>;
  extractSkills(input: { text: string; format?: TextFormat }): { text: string; mentions: SkillMention[] };
  models(): LoadedModelInfo[];
}
