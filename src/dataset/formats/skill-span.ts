import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { z } from "zod";
import type { BioSentence } from "../../align/bio.ts";
import { errorMessage, InputError } from "../../core/errors.ts";

export type { BioSentence } from "../../align/bio.ts";

/** The two independent layers of SkillSpan (Zhang et al., NAACL 2022). */
export const skillSpanLayers = ["skill", "knowledge"] as const;

const bioTag = z.enum(["B", "I", "O"]);
const skillSpanRowSchema = z
  .object({
    tokens: z.array(z.string()),
    tags_skill: z.array(bioTag),
    tags_knowledge: z.array(bioTag),
    source: z.string().optional(),
    idx: z.number().int().optional(),
  })
  .refine(
    (row) => row.tags_skill.length === row.tokens.length && row.tags_knowledge.length === row.tokens.length,
    {
      message: "tags_skill and tags_knowledge must have one tag per token",
    },
  );

function fail(path: string, line: number, reason: string, cause?: unknown): InputError {
  return new InputError(`${path}:${line}: ${reason}`, {
    data: { path, line },
    cause,
  });
}

/** SkillSpan's JSON lines: `{tokens, tags_skill, tags_knowledge, source, idx}` per line. */
export function readSkillSpanJson(path: string): BioSentence[] {
  const sentences: BioSentence[] = [];
  readFileSync(path, "utf8")
    .split("\n")
    .forEach((text, index) => {
      if (text.trim() === "") return;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        throw fail(path, index + 1, `not JSON (${errorMessage(error)})`, error);
      }
      const parsed = skillSpanRowSchema.safeParse(value);
      if (!parsed.success) throw fail(path, index + 1, z.prettifyError(parsed.error), parsed.error);
      const row = parsed.data;
      sentences.push({
        tokens: row.tokens,
        layers: { skill: row.tags_skill, knowledge: row.tags_knowledge },
        source: row.source,
        docIdx: row.idx,
      });
    });
  return sentences;
}

function bareTag(tag: string | undefined): string | undefined {
  return tag?.replace(/^([BI])-.+$/, "$1");
}

/**
 * SkillSpan's CoNLL files: `token<TAB>skill-tag<TAB>knowledge-tag`, a blank line between sentences.
 * The files type their tags ("B-Skill", "I-Knowledge"); the layer already says the type, so tags are
 * reduced to bare "B"/"I"/"O" as in the JSON files. The source ("house"/"tech") comes from a
 * `skillspan_<source>_<split>.conll` file name; CoNLL carries no posting index. Tokens are trimmed
 * of surrounding Unicode whitespace (a few carry a leading no-break space), as in the JSON release.
 */
export function readSkillSpanConll(path: string): BioSentence[] {
  const source = /^skillspan_([a-z]+)_/.exec(basename(path))?.[1];
  const sentences: BioSentence[] = [];
  let tokens: string[] = [];
  let skill: string[] = [];
  let knowledge: string[] = [];
  const flush = (): void => {
    if (tokens.length === 0) return;
    sentences.push({ tokens, layers: { skill, knowledge }, ...(source ? { source } : {}) });
    tokens = [];
    skill = [];
    knowledge = [];
  };
  readFileSync(path, "utf8")
    .split("\n")
    .forEach((raw, index) => {
      const text = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
      if (text.trim() === "") {
        flush();
        return;
      }
      const fields = text.split("\t");
      const [rawToken, skillTag, knowledgeTag] = fields;
      const token = rawToken?.trim();
      if (fields.length !== 3 || token === undefined || token === "") {
        throw fail(
          path,
          index + 1,
          `expected token<TAB>skill-tag<TAB>knowledge-tag, got ${JSON.stringify(text)}`,
        );
      }
      const skillParsed = bioTag.safeParse(bareTag(skillTag));
      const knowledgeParsed = bioTag.safeParse(bareTag(knowledgeTag));
      if (!skillParsed.success || !knowledgeParsed.success) {
        throw fail(
          path,
          index + 1,
          `tags must be B, I or O, got ${JSON.stringify([skillTag, knowledgeTag])}`,
        );
      }
      tokens.push(token);
      skill.push(skillParsed.data);
      knowledge.push(knowledgeParsed.data);
    });
  flush();
  return sentences;
}
