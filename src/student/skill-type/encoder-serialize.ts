import { errorMessage, JobdistillError, UsageError } from "../../core/errors.ts";
import {
  createEncoder,
  type EncoderReference,
  isSameEncoder,
  type SentenceEncoder,
} from "../../encoders/index.ts";
import { headFromModelParts } from "../heads/index.ts";
import {
  decodeModelFile,
  encodeModelFile,
  loadModelFile,
  type ModelFile,
  saveModelFile,
} from "../model-file.ts";
import { EncoderSkillTypeModel, encoderSkillTypeConfigSchema } from "./encoder-model.ts";
import { decodeSkillTypeModel, encodeSkillTypeModel } from "./serialize.ts";

const kind = "skill-type-encoder";

/**
 * The encoder-backed typer in a model file (kind `skill-type-encoder`): its config (the encoder's
 * reference, the head's config, context weight, calibration, abstain threshold), the head's
 * layers (`head.layer0.weights`, … as the head writes them) and, when the lexical typer votes, that
 * typer's own model file as bytes (`lexical.model`, uint8). The encoder's weights are not in it:
 * the encoder is loaded by its id, and must be the same id, version and dimensions.
 */
function parts(model: EncoderSkillTypeModel) {
  const sections: Record<string, Float32Array | Uint8Array> = {
    ...model.head.toModelParts("head.").sections,
  };
  if (model.lexical) sections["lexical.model"] = encodeSkillTypeModel(model.lexical);
  return { kind, config: model.config, sections } as const;
}

export function encodeEncoderSkillTypeModel(model: EncoderSkillTypeModel): Uint8Array {
  return encodeModelFile(parts(model));
}

export function saveEncoderSkillTypeModel(model: EncoderSkillTypeModel, path: string): void {
  saveModelFile(path, parts(model));
}

export interface LoadEncoderSkillTypeOptions {
  /**
   * The encoder to use, or how to get one from the file's reference. @default createEncoder(reference.id)
   * A given encoder must match the file's reference too.
   */
  encoder?: SentenceEncoder | ((reference: EncoderReference) => Promise<SentenceEncoder>) | undefined;
}

/** Fails unless `encoder` gives the vectors the head was trained on (same id, version, dimensions). */
export function checkEncoderMatches(
  file: string,
  expected: EncoderReference,
  encoder: SentenceEncoder,
): void {
  if (isSameEncoder(expected, encoder)) return;
  throw new UsageError(
    `${file}: trained over encoder ${expected.id} (version ${expected.version}, ${expected.dimensions} dimensions), ` +
      `but the encoder here is ${encoder.id} (version ${encoder.version}, ${encoder.dimensions} dimensions); ` +
      `its vectors would not mean what the head learnt — retrain it with \`jobdistill skill-type train --encoder ${expected.id}\``,
    { file, expected, actual: { id: encoder.id, version: encoder.version, dimensions: encoder.dimensions } },
  );
}

async function fromFile(
  file: ModelFile,
  options: LoadEncoderSkillTypeOptions,
): Promise<EncoderSkillTypeModel> {
  const config = file.config(encoderSkillTypeConfigSchema);
  const head = headFromModelParts(config.head, file, "head.");
  if (head.inputDimensions !== config.encoder.dimensions) {
    throw file.damaged(
      `the head takes ${head.inputDimensions} dimensions, the encoder gives ${config.encoder.dimensions}`,
    );
  }
  if (config.lexicalVote && !file.has("lexical.model"))
    throw file.damaged("the lexical typer that votes is missing");
  const lexical = config.lexicalVote
    ? decodeSkillTypeModel(file.uint8("lexical.model").slice(), `${file.file} (its lexical typer)`)
    : undefined;
  let encoder: SentenceEncoder;
  try {
    encoder =
      typeof options.encoder === "function"
        ? await options.encoder(config.encoder)
        : (options.encoder ?? (await createEncoder(config.encoder.id)));
  } catch (cause) {
    throw new JobdistillError(
      `${file.file}: cannot load its encoder ${config.encoder.id}: ${errorMessage(cause)}`,
      {
        code: cause instanceof JobdistillError ? cause.code : "encoder-failed",
        cause,
        data: { file: file.file },
      },
    );
  }
  try {
    checkEncoderMatches(file.file, config.encoder, encoder);
  } catch (error) {
    if (typeof options.encoder !== "object") await encoder.close();
    throw error;
  }
  return new EncoderSkillTypeModel(config, head, encoder, lexical);
}

export function decodeEncoderSkillTypeModel(
  bytes: Uint8Array,
  origin = `${kind} model`,
  options: LoadEncoderSkillTypeOptions = {},
): Promise<EncoderSkillTypeModel> {
  return fromFile(decodeModelFile(bytes, kind, origin), options);
}

export function loadEncoderSkillTypeModel(
  path: string,
  options: LoadEncoderSkillTypeOptions = {},
): Promise<EncoderSkillTypeModel> {
  return fromFile(loadModelFile(path, kind), options);
}
