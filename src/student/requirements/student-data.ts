import type { SegmentExample } from "../segment-classifier/index.ts";
import type { TaggerSentence } from "../tagger/index.ts";
import { documentSegmentExamples, documentSentences, type LabelledDocument } from "./training-examples.ts";

export const splitNames = ["train", "dev", "test"] as const;
export type SplitName = (typeof splitNames)[number];

/** What one split gives each student: BIO sentences for the tagger, labelled segments for the classifier. */
export interface StudentSplit {
  sentences: TaggerSentence[];
  segments: SegmentExample[];
  /** The documents the split was made from (empty when it came from files without ids). */
  documentIds: string[];
}

/**
 * Everything the students of one task learn from, already split by document. `layers` are the
 * tagger's BIO layers; `labels` the segment classifier's categories (empty: no classifier).
 */
export interface StudentTrainingData {
  task: string;
  layers: string[];
  labels: string[];
  splits: Record<SplitName, StudentSplit>;
}

/** Training data from labelled documents already split (reference spans by character offsets). */
export function trainingDataFromDocuments(
  documents: Record<SplitName, readonly LabelledDocument[]>,
  options: { task: string; layers: readonly string[]; labels?: readonly string[] },
): StudentTrainingData {
  const labels = [...(options.labels ?? [])];
  const split = (docs: readonly LabelledDocument[]): StudentSplit => ({
    sentences: docs.flatMap((document) => documentSentences(document, options.layers)),
    segments:
      labels.length === 0 ? [] : docs.flatMap((document) => documentSegmentExamples(document, labels)),
    documentIds: docs.map((document) => document.id),
  });
  return {
    task: options.task,
    layers: [...options.layers],
    labels,
    splits: { train: split(documents.train), dev: split(documents.dev), test: split(documents.test) },
  };
}
