import { createEncoder, type SentenceEncoder } from "../../encoders/index.ts";
import { type ModelFile, modelCodec, type SectionValue } from "../model-file.ts";
import { type LoadedRolesPredictor, RolesModel, rolesConfigSchema } from "./roles-model.ts";
import { SparseIndex } from "./sparse-index.ts";

function indexSections(prefix: string, index: SparseIndex): Record<string, SectionValue> {
  const { features, idf, postingStart, postingRows, postingWeights } = index.parts;
  return {
    [`${prefix}.features`]: features,
    [`${prefix}.idf`]: idf,
    [`${prefix}.postingStart`]: postingStart,
    [`${prefix}.postingRows`]: postingRows,
    [`${prefix}.postingWeights`]: postingWeights,
  };
}

function indexFrom(file: ModelFile, prefix: string, rows: number): SparseIndex {
  return new SparseIndex({
    features: file.uint32(`${prefix}.features`).slice(),
    idf: file.float32(`${prefix}.idf`).slice(),
    postingStart: file.uint32(`${prefix}.postingStart`).slice(),
    postingRows: file.uint32(`${prefix}.postingRows`).slice(),
    postingWeights: file.float32(`${prefix}.postingWeights`).slice(),
    rows,
  });
}

/**
 * The roles model in a model file (src/student/model-file.ts), kind `roles`: its config, each
 * occupation's code, title and description (nothing else of the O*NET profiles), the lexical
 * index (`lexical.*`, with `lexical.commodityKeys`/`commodityFeatures`: each technology phrase's
 * commodity feature, see text-features.ts), the encoder centroids (`centroids`, float32 2 · occupations × dimensions: technology then
 * task centroids, when
 * trained with an encoder; the encoder itself is named, not stored) and the title index (`titles.*`
 * and `titleOccupation`).
 */
const codec = modelCodec(
  "roles",
  (model: RolesModel) => {
    const { parts } = model;
    const sections: Record<string, SectionValue> = {
      codes: parts.codes,
      titles: parts.titles,
      descriptions: parts.descriptions,
      ...indexSections("lexical", parts.lexical),
      ...indexSections("titles", parts.titleIndex),
      titleOccupation: parts.titleOccupation,
    };
    if (parts.centroids !== undefined) sections.centroids = parts.centroids;
    if (parts.commodities !== undefined) {
      sections["lexical.commodityKeys"] = parts.commodities.keys;
      sections["lexical.commodityFeatures"] = parts.commodities.features;
    }
    return { config: model.config, sections };
  },
  (file: ModelFile) => {
    const config = file.config(rolesConfigSchema);
    const titleOccupation = file.uint32("titleOccupation").slice();
    try {
      return new RolesModel(config, {
        codes: file.strings("codes"),
        titles: file.strings("titles"),
        descriptions: file.strings("descriptions"),
        lexical: indexFrom(file, "lexical", config.occupations),
        commodities: file.has("lexical.commodityKeys")
          ? {
              keys: file.uint32("lexical.commodityKeys").slice(),
              features: file.uint32("lexical.commodityFeatures").slice(),
            }
          : undefined,
        centroids: config.encoder === null ? undefined : file.float32("centroids").slice(),
        titleIndex: indexFrom(file, "titles", titleOccupation.length),
        titleOccupation,
      });
    } catch (error) {
      throw file.damaged(error instanceof Error ? error.message : String(error));
    }
  },
);

export const encodeRolesModel = (model: RolesModel): Uint8Array => codec.encode(model);
export const decodeRolesModel = (bytes: Uint8Array, origin?: string): RolesModel =>
  codec.decode(bytes, origin);
export function saveRolesModel(model: RolesModel, path: string): void {
  codec.save(model, path);
}

export interface LoadRolesOptions {
  /** The encoder to embed skills with; it must be the one the model names. Default: `createEncoder(its id)`. */
  encoder?: SentenceEncoder | undefined;
}

/**
 * A roles model file as a `RolesPredictor` (src/core/roles.ts), with its encoder attached: the one
 * given, or the one the file names, created here (a lexical-only model needs none).
 */
export async function loadRolesPredictor(
  path: string,
  options: LoadRolesOptions = {},
): Promise<LoadedRolesPredictor> {
  const model = codec.load(path);
  const reference = model.config.encoder;
  const encoder = reference === null ? undefined : (options.encoder ?? (await createEncoder(reference.id)));
  return model.attach(encoder);
}
