import { createEncoder, type EmbeddingCache, type SentenceEncoder } from "../../encoders/index.ts";
import { headFromModelParts } from "../heads/index.ts";
import { type ModelFile, modelCodec, type SectionValue } from "../model-file.ts";
import { SegmentClassifier } from "../segment-classifier/index.ts";
import { linearSections, readLinearSections } from "../sparse-rows.ts";
import {
  EncoderScreenClassifier,
  NgramScreenClassifier,
  type ScreenClassifier,
  screenConfigSchema,
} from "./model.ts";

type ScreenModel = EncoderScreenClassifier | NgramScreenClassifier;

/**
 * A screen student in a model file (src/student/model-file.ts), kind `screen-classifier`: the
 * config says which student it is. The encoder student keeps its head's sections under `head.`
 * (the encoder's weights are not in the file: its reference names them); the n-gram student keeps
 * the segment classifier's touched feature rows (`weights.rows` / `weights.weights`) and `bias`.
 */
const codec = modelCodec(
  "screen-classifier",
  (model: ScreenModel) => {
    if (model instanceof EncoderScreenClassifier) {
      const sections: Record<string, SectionValue> = { ...model.head.toModelParts("head.").sections };
      return { config: model.config, sections };
    }
    return {
      config: model.config,
      sections: linearSections(model.classifier.weights, model.classifier.bias),
    };
  },
  (file: ModelFile): ScreenModel => {
    const config = file.config(screenConfigSchema);
    try {
      if (config.student === "encoder") {
        return new EncoderScreenClassifier(config, headFromModelParts(config.head, file, "head."));
      }
      const { classifier } = config;
      const { weights, bias } = readLinearSections(
        file,
        classifier.labels.length,
        2 ** classifier.features.hashBits,
      );
      return new NgramScreenClassifier(config, new SegmentClassifier(classifier, weights, bias));
    } catch (error) {
      throw file.damaged(error instanceof Error ? error.message : String(error));
    }
  },
);

export const encodeScreenClassifier = (model: ScreenModel): Uint8Array => codec.encode(model);

/** The model from a file's bytes; an encoder student has no encoder attached yet. */
export const decodeScreenClassifier = (bytes: Uint8Array, origin?: string): ScreenModel =>
  codec.decode(bytes, origin);

export function saveScreenClassifier(model: ScreenModel, path: string): void {
  codec.save(model, path);
}

export interface LoadScreenOptions {
  /** The encoder to embed with (an encoder student); it must be the one the model names. @default createEncoder(its id) */
  encoder?: SentenceEncoder | undefined;
  /** Where chunk vectors are kept (the workspace's embeddings). @default in memory */
  cache?: EmbeddingCache | undefined;
}

/**
 * Loads a screen model, ready to screen: an encoder student gets its encoder (the one given, or
 * the one its file names, created here); a wrong or unloadable encoder fails here, at start.
 */
export async function loadScreenClassifier(
  path: string,
  options: LoadScreenOptions = {},
): Promise<ScreenClassifier & { close?: () => Promise<void> }> {
  const model = codec.load(path);
  if (model instanceof NgramScreenClassifier) return model;
  const encoder = options.encoder ?? (await createEncoder(model.config.encoder.id));
  return model.attach(encoder, options.cache);
}
