import { createEncoder, type SentenceEncoder } from "../../encoders/index.ts";
import { headFromModelParts } from "../heads/index.ts";
import { type ModelFile, modelCodec, type SectionValue } from "../model-file.ts";
import { EncoderSegmentClassifier, encoderSegmentClassifierConfigSchema } from "./model.ts";

/**
 * The classifier in a model file (src/student/model-file.ts), kind `encoder-segment-classifier`:
 * its config (with the encoder reference and the head's config), the head's sections under
 * `head.` and, for the reranker formats, the category prototypes (`prototypes`, float32,
 * labels × dimensions). The encoder's weights are not in the file: the reference names them.
 */
const codec = modelCodec(
  "encoder-segment-classifier",
  (model: EncoderSegmentClassifier) => {
    const sections: Record<string, SectionValue> = { ...(model.head?.toModelParts("head.").sections ?? {}) };
    if (model.prototypes) sections.prototypes = model.prototypes;
    return { config: model.config, sections };
  },
  (file: ModelFile) => {
    const config = file.config(encoderSegmentClassifierConfigSchema);
    const { scoring } = config;
    const head = scoring.kind === "zero-shot" ? undefined : headFromModelParts(scoring.head, file, "head.");
    const prototypes = scoring.kind === "head" ? undefined : file.float32("prototypes").slice();
    try {
      return new EncoderSegmentClassifier(config, { head, prototypes });
    } catch (error) {
      throw file.damaged(error instanceof Error ? error.message : String(error));
    }
  },
);

export const encodeEncoderSegmentClassifier = (model: EncoderSegmentClassifier): Uint8Array =>
  codec.encode(model);

/** The model from a file's bytes, with no encoder attached (`attach` one before `predictBatch`). */
export const decodeEncoderSegmentClassifier = (
  bytes: Uint8Array,
  origin?: string,
): EncoderSegmentClassifier => codec.decode(bytes, origin);

export function saveEncoderSegmentClassifier(model: EncoderSegmentClassifier, path: string): void {
  codec.save(model, path);
}

export interface LoadEncoderSegmentOptions {
  /** The encoder to embed with; it must be the one the model names. Default: `createEncoder(its id)`. */
  encoder?: SentenceEncoder | undefined;
}

/**
 * Loads the model and attaches its encoder: the one given, or the one its file names, created
 * here. An encoder that cannot load (a missing optional package, an unreachable endpoint) or that
 * is not the one the model was trained over (another id, version or size) fails here, at start.
 */
export async function loadEncoderSegmentClassifier(
  path: string,
  options: LoadEncoderSegmentOptions = {},
): Promise<EncoderSegmentClassifier> {
  const model = codec.load(path);
  const encoder = options.encoder ?? (await createEncoder(model.config.encoder.id));
  return model.attach(encoder);
}
