import type { SkillMention, TextFormat } from "../predictors.ts";
import type { TaggerModel } from "../tagger/index.ts";
import { tagSegments, visibleText } from "./tag-text.ts";

/**
 * Skill mentions as the skills tagger (layers "skill" and "knowledge", as in SkillSpan) finds them,
 * segment by segment; offsets point into the visible text (HTML reduced first). The two layers
 * may overlap.
 */
export function extractSkillMentions(
  tagger: TaggerModel,
  input: { text: string; format?: TextFormat },
): { text: string; mentions: SkillMention[] } {
  const text = visibleText(input.text, input.format);
  const mentions: SkillMention[] = tagSegments(tagger, text).flatMap(({ spans }) =>
    spans.map((span) => ({ start: span.start, end: span.end, layer: span.label, text: span.text })),
  );
  return { text, mentions };
}
