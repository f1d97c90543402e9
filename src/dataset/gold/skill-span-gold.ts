import { existsSync } from "node:fs";
import { basename } from "node:path";
import { z } from "zod";
import { bioToChunks, chunksToCharSpans, type Token } from "../../align/index.ts";
import { UsageError } from "../../core/errors.ts";
import { type Span, spanSchema } from "../../core/types.ts";
import type { GoldImportStore } from "../../store/index.ts";
import { givenTokens } from "../build/conll.ts";
import { readSkillSpanConll, readSkillSpanJson, skillSpanLayers } from "../formats/skill-span.ts";

export const SKILLSPAN_TASK = "skills";
export const SKILLSPAN_GOLD_SOURCE = { kind: "gold", name: "skillspan" } as const;
const skillSpanTaskVersion = "skillspan-bio";

/** One sentence of the release that has this document's text (identical sentences share a document). */
const skillSpanOccurrenceSchema = z.object({
  sentenceId: z.string(),
  /** SkillSpan's own source ("house"/"tech") and posting index, when the file says them. */
  source: z.string().optional(),
  docIdx: z.number().optional(),
  /** Spans of this occurrence, only when they differ from the annotation's spans. */
  spans: z.array(spanSchema).optional(),
});
export type SkillSpanOccurrence = z.infer<typeof skillSpanOccurrenceSchema>;
const occurrencesDataSchema = z.object({ occurrences: z.array(skillSpanOccurrenceSchema) });

export interface SkillSpanImportSummary {
  files: string[];
  sentences: number;
  /** Spans per layer, counted over every sentence (identical sentences included): the published counts. */
  spans: Record<string, number>;
  documentsInserted: number;
  /** Sentences whose text was already a document (an earlier identical sentence or an earlier import). */
  duplicateSentences: number;
  idConflicts: number;
}

/** `dev.json` → "dev", `skillspan_house_dev.conll` → "house-dev". */
function splitName(path: string): string {
  const name = basename(path).replace(/\.(json|jsonl|conll)$/i, "");
  return name.replace(/^skillspan_/, "").replaceAll("_", "-");
}

function sentenceSpans(
  tokens: readonly string[],
  layers: Record<string, string[]>,
): { text: string; offsets: [number, number][]; spans: Span[] } {
  const offsets: [number, number][] = [];
  let cursor = 0;
  for (const token of tokens) {
    offsets.push([cursor, cursor + token.length]);
    cursor += token.length + 1;
  }
  const text = tokens.join(" ");
  const tokenOffsets = offsets.map(([start, end]) => ({ start, end }));
  const spans: Span[] = [];
  for (const layer of skillSpanLayers) {
    const tags = layers[layer] ?? [];
    for (const chunk of chunksToCharSpans(tokenOffsets, bioToChunks(tags), text)) {
      spans.push({ start: chunk.start, end: chunk.end, label: layer, text: chunk.text, alignment: "given" });
    }
  }
  return { text, offsets, spans };
}

const spansKey = (spans: readonly Span[]): string =>
  JSON.stringify(spans.map((span) => [span.start, span.end, span.label]));

/**
 * Imports SkillSpan (JSON lines or CoNLL) as gold for the task "skills": each sentence becomes a
 * document (tokens joined by single spaces; the token offsets are kept in `meta.tokenOffsets`, so
 * CoNLL exports reuse SkillSpan's own tokens) with spans in the layers "skill" and "knowledge".
 *
 * Identical sentences (563 of dev's 3,174) are one document, since the store deduplicates by
 * content. Nothing is lost: the document's gold annotation lists every sentence with that text in
 * `payload.data.occurrences` (id `skillspan-<split>-<n>`, n = the sentence's 1-based number in its
 * file), with its own spans when they differ from the annotation's. Re-importing merges by
 * sentence id, so it is idempotent and files may be imported in any order.
 */
export function importSkillSpanGold(
  workspace: GoldImportStore,
  paths: readonly string[],
): SkillSpanImportSummary {
  if (paths.length === 0) throw new UsageError("no SkillSpan files given");
  const summary: SkillSpanImportSummary = {
    files: [...paths],
    sentences: 0,
    spans: Object.fromEntries(skillSpanLayers.map((layer) => [layer, 0])),
    documentsInserted: 0,
    duplicateSentences: 0,
    idConflicts: 0,
  };
  for (const path of paths) if (!existsSync(path)) throw new UsageError(`no such file: ${path}`);
  for (const path of paths) {
    const sentences = /\.conll$/i.test(path) ? readSkillSpanConll(path) : readSkillSpanJson(path);
    const split = splitName(path);
    workspace.transaction(() => {
      sentences.forEach((sentence, index) => {
        summary.sentences++;
        const sentenceId = `skillspan-${split}-${index + 1}`;
        const { text, offsets, spans } = sentenceSpans(sentence.tokens, sentence.layers);
        for (const span of spans) summary.spans[span.label] = (summary.spans[span.label] ?? 0) + 1;
        const result = workspace.documents.insert({
          id: sentenceId,
          text,
          source: "skillspan",
          meta: {
            split,
            skillspanSource: sentence.source,
            docIdx: sentence.docIdx,
            tokenOffsets: offsets,
          },
        });
        if (result.status === "id-conflict") {
          summary.idConflicts++;
          return;
        }
        if (result.status === "inserted") summary.documentsInserted++;
        else summary.duplicateSentences++;
        const documentId = result.existingId ?? result.id;
        addOccurrence(workspace, documentId, spans, {
          sentenceId,
          source: sentence.source,
          docIdx: sentence.docIdx,
        });
      });
    });
  }
  return summary;
}

function addOccurrence(
  workspace: GoldImportStore,
  documentId: string,
  spans: Span[],
  occurrence: SkillSpanOccurrence,
): void {
  const [existing] = workspace.annotations.list({
    documentId,
    task: SKILLSPAN_TASK,
    sourceKind: SKILLSPAN_GOLD_SOURCE.kind,
    sourceName: SKILLSPAN_GOLD_SOURCE.name,
  });
  const baseSpans = existing?.payload.spans ?? spans;
  const previous = skillSpanOccurrences(existing?.payload.data).filter(
    (entry) => entry.sentenceId !== occurrence.sentenceId,
  );
  const entry: SkillSpanOccurrence = { ...occurrence };
  if (spansKey(spans) !== spansKey(baseSpans)) entry.spans = spans;
  workspace.annotations.insert({
    documentId,
    task: SKILLSPAN_TASK,
    taskVersion: skillSpanTaskVersion,
    source: { ...SKILLSPAN_GOLD_SOURCE },
    payload: { spans: baseSpans, data: { occurrences: [...previous, entry] } },
  });
}

/** The occurrences stored in a SkillSpan gold annotation's `payload.data` (lenient: unknown data gives []). */
export function skillSpanOccurrences(data: unknown): SkillSpanOccurrence[] {
  const parsed = occurrencesDataSchema.safeParse(data);
  return parsed.success ? parsed.data.occurrences : [];
}

/** One sentence of SkillSpan as its file gave it: SkillSpan's own tokens, and its spans by character. */
export interface SkillSpanSentence {
  /** `skillspan-<file split>-<n>`, n the sentence's 1-based number in its file. */
  sentenceId: string;
  /** The document holding its text (identical sentences share one). */
  documentId: string;
  text: string;
  tokens: Token[];
  spans: Span[];
}

/** SkillSpan's official splits, each sentence in file order, repeats included. */
export type SkillSpanSplits = Record<"train" | "dev" | "test", SkillSpanSentence[]>;

const sentenceIdPattern = /^skillspan-(.+)-(\d+)$/;

/** "dev" for the JSON file's split, "house-dev" for a CoNLL file's: the official split is the last part. */
function officialSplit(fileSplit: string): keyof SkillSpanSplits | undefined {
  const last = fileSplit.split("-").at(-1);
  return last === "train" || last === "dev" || last === "test" ? last : undefined;
}

/**
 * SkillSpan as published, rebuilt from the workspace: every sentence of the imported files in its
 * official split (train, dev, test; a CoNLL file's house/tech parts join their split), in file order,
 * with SkillSpan's own tokens and that occurrence's spans. Identical sentences are one document in
 * the store but each counts here, so the splits and span counts are the paper's (test: 1,090 skill
 * spans opening with B, one more opening with an I after an O, and 1,174 knowledge spans). This is
 * the published protocol the skills student trains and is scored on.
 */
export function readSkillSpanSplits(workspace: GoldImportStore): SkillSpanSplits {
  const splits: SkillSpanSplits = { train: [], dev: [], test: [] };
  const order = new Map<SkillSpanSentence, [string, number]>();
  const annotations = workspace.annotations.list({
    task: SKILLSPAN_TASK,
    sourceKind: SKILLSPAN_GOLD_SOURCE.kind,
    sourceName: SKILLSPAN_GOLD_SOURCE.name,
  });
  for (const annotation of annotations) {
    const document = workspace.documents.get(annotation.documentId);
    if (!document) continue;
    const tokens = givenTokens(document, document.text);
    if (!tokens) {
      throw new UsageError(
        `SkillSpan document ${document.id} has no usable token offsets: re-import SkillSpan with \`jobdistill gold import --format skillspan\``,
      );
    }
    for (const occurrence of skillSpanOccurrences(annotation.payload.data)) {
      const match = sentenceIdPattern.exec(occurrence.sentenceId);
      const split = match ? officialSplit(match[1] as string) : undefined;
      if (!match || !split) continue;
      const sentence: SkillSpanSentence = {
        sentenceId: occurrence.sentenceId,
        documentId: document.id,
        text: document.text,
        tokens,
        spans: occurrence.spans ?? annotation.payload.spans ?? [],
      };
      splits[split].push(sentence);
      order.set(sentence, [match[1] as string, Number(match[2])]);
    }
  }
  for (const sentences of Object.values(splits)) {
    sentences.sort((a, b) => {
      const [fileA, numberA] = order.get(a) as [string, number];
      const [fileB, numberB] = order.get(b) as [string, number];
      return fileA < fileB ? -1 : fileA > fileB ? 1 : numberA - numberB;
    });
  }
  return splits;
}

/** Whether an annotation source is SkillSpan's gold (the one `importSkillSpanGold` writes). */
export function isSkillSpanGold(source: { kind: string; name: string }): boolean {
  return source.kind === SKILLSPAN_GOLD_SOURCE.kind && source.name === SKILLSPAN_GOLD_SOURCE.name;
}
