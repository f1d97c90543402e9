import { type ModelFile, modelCodec } from "../model-file.ts";
import { linearSections, readLinearSections } from "../sparse-rows.ts";
import { SegmentClassifier, segmentClassifierConfigSchema } from "./model.ts";

/**
 * The classifier in a model file (src/student/model-file.ts): its config, the feature rows that
 * training touched (`weights.rows` / `weights.weights`, one weight per label) and `bias` (float32).
 */
const codec = modelCodec(
  "segment-classifier",
  (model: SegmentClassifier) => ({
    config: model.config,
    sections: linearSections(model.weights, model.bias),
  }),
  (file: ModelFile) => {
    const config = file.config(segmentClassifierConfigSchema);
    const { weights, bias } = readLinearSections(file, config.labels.length, 2 ** config.features.hashBits);
    return new SegmentClassifier(config, weights, bias);
  },
);

/** The model as the bytes of a model file. */
export const encodeSegmentClassifier = (model: SegmentClassifier): Uint8Array => codec.encode(model);

/** A segment classifier from a model file's bytes; `origin` names the file in errors. */
export const decodeSegmentClassifier = (bytes: Uint8Array, origin?: string): SegmentClassifier =>
  codec.decode(bytes, origin);

export async function saveSegmentClassifier(model: SegmentClassifier, path: string): Promise<void> {
  codec.save(model, path);
}

export async function loadSegmentClassifier(path: string): Promise<SegmentClassifier> {
  return codec.load(path);
}
