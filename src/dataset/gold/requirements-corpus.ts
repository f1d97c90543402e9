import { join } from "node:path";
import { z } from "zod";
import { InputError } from "../../core/errors.ts";
import { readJsonLinesFile } from "../../core/json-lines.ts";
import { projectRoot } from "../../core/shared-data.ts";
import type { SourceDocument, Span } from "../../core/types.ts";
import type { GoldImportStore } from "../../store/index.ts";
import { REQUIREMENT_LABELS_VERSION, requirementCategoryIds } from "../../tasks/requirements/labels.ts";

/**
 * The real-advert requirements corpus: SkillSpan's 263 postings rebuilt as whole adverts and
 * annotated by hand in the ten requirement categories (see corpus/README.md).
 * One posting per line: its text, its SkillSpan split, and the gold spans as
 * `[category, start, end, quote]` with `quote === text.slice(start, end)`. Postings annotated twice
 * also keep both independent annotations (`annotations.first`, `annotations.second`, without
 * quotes), from which the agreement figures are computed.
 */
export const defaultRequirementsCorpusPath = join(projectRoot, "corpus", "requirements.jsonl");

export const REQUIREMENTS_CORPUS_GOLD_SOURCE = { kind: "gold", name: "requirements-corpus" } as const;

const category = z.enum(requirementCategoryIds);
const goldSpanSchema = z.tuple([
  category,
  z.number().int().nonnegative(),
  z.number().int().positive(),
  z.string(),
]);
const bareSpanSchema = z.tuple([category, z.number().int().nonnegative(), z.number().int().positive()]);

export const corpusPostingSchema = z.strictObject({
  id: z.string().min(1),
  split: z.enum(["train", "dev", "test"]),
  source: z.string().min(1),
  idx: z.number().int(),
  text: z.string(),
  spans: z.array(goldSpanSchema),
  annotations: z.strictObject({ first: z.array(bareSpanSchema), second: z.array(bareSpanSchema) }).optional(),
});
export type CorpusPosting = z.infer<typeof corpusPostingSchema>;
export type CorpusSpan = z.infer<typeof bareSpanSchema>;

/** Reads and checks the corpus: every span inside its posting, every quote equal to the text it covers. */
export function loadRequirementsCorpus(path: string = defaultRequirementsCorpusPath): CorpusPosting[] {
  const postings: CorpusPosting[] = [];
  const ids = new Set<string>();
  for (const { row: posting, line } of readJsonLinesFile(path, corpusPostingSchema, {
    file: "the requirements corpus",
    row: "a corpus posting",
  })) {
    const where = `${path}:${line}`;
    if (ids.has(posting.id)) throw new InputError(`${where}: posting ${posting.id} appears twice`);
    ids.add(posting.id);
    const spanSets = [posting.spans, posting.annotations?.first ?? [], posting.annotations?.second ?? []];
    for (const spans of spanSets) {
      for (const [label, start, end] of spans) {
        if (end <= start || end > posting.text.length) {
          throw new InputError(
            `${where}: ${label} span [${start}, ${end}) lies outside posting ${posting.id}`,
          );
        }
      }
    }
    for (const [label, start, end, quote] of posting.spans) {
      if (posting.text.slice(start, end) !== quote) {
        throw new InputError(
          `${where}: ${label} span [${start}, ${end}) of ${posting.id} does not quote its text`,
        );
      }
    }
    postings.push(posting);
  }
  return postings;
}

/** A posting as a document: plain text, with its SkillSpan split, source and index in `meta`. */
export function corpusDocument(posting: CorpusPosting): SourceDocument {
  return {
    id: posting.id,
    text: posting.text,
    source: "requirements-corpus",
    format: "text",
    meta: { split: posting.split, skillspanSource: posting.source, skillspanIdx: posting.idx },
  };
}

/** The posting's gold spans in the project's span form. */
export function corpusGoldSpans(posting: CorpusPosting): Span[] {
  return posting.spans.map(([label, start, end, quote]) => ({
    start,
    end,
    label,
    text: quote,
    alignment: "given",
  }));
}

export interface CorpusImportSummary {
  postings: number;
  documentsInserted: number;
  documentsExisting: number;
  spans: number;
  bySplit: Record<string, number>;
}

/**
 * Imports the corpus as gold for the task "requirements": each posting a document that keeps its
 * SkillSpan split (`meta.split`, which dataset builds follow), its adjudicated spans the gold.
 */
export function importRequirementsCorpusGold(workspace: GoldImportStore, path?: string): CorpusImportSummary {
  const postings = loadRequirementsCorpus(path);
  const summary: CorpusImportSummary = {
    postings: postings.length,
    documentsInserted: 0,
    documentsExisting: 0,
    spans: 0,
    bySplit: {},
  };
  workspace.transaction(() => {
    for (const posting of postings) {
      const result = workspace.documents.insert(corpusDocument(posting));
      if (result.status === "inserted") summary.documentsInserted++;
      else summary.documentsExisting++;
      const spans = corpusGoldSpans(posting);
      workspace.annotations.insert({
        documentId: result.existingId ?? result.id,
        task: "requirements",
        taskVersion: REQUIREMENT_LABELS_VERSION,
        source: { ...REQUIREMENTS_CORPUS_GOLD_SOURCE },
        payload: { spans },
      });
      summary.spans += spans.length;
      summary.bySplit[posting.split] = (summary.bySplit[posting.split] ?? 0) + 1;
    }
  });
  return summary;
}
