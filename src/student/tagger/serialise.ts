import { z } from "zod";
import { type ModelFile, modelCodec, type SectionValue } from "../model-file.ts";
import { readSparseRows, readSparseTable, sparseRowSections } from "../sparse-rows.ts";
import type { LayerWeights } from "./averaged-perceptron.ts";
import { taggerConfigSchema } from "./config.ts";
import { type TaggerLayer, TaggerModel } from "./model.ts";
import type { SpanEdgeModel } from "./span-edges.ts";

const weightTables = ["emission", "transition", "transition2", "final"] as const;

/**
 * The tagger's config in its model file (src/student/model-file.ts). Its sections: per layer and
 * table the non-zero weights (`<layer>.<table>.rows` / `.weights`), then each span-edge ranker's
 * (`<layer>.spanEdges.<i>.rows` / `.weights`); `clusters.words` / `clusters.paths` and `lexicon`
 * (strings) when the model has them.
 */
const taggerFileConfigSchema = z.object({
  tagger: taggerConfigSchema,
  layers: z.array(
    z.object({
      name: z.string(),
      tags: z.array(z.string()).min(1),
      bestEpoch: z.number().int(),
      devF1: z.number().optional(),
      outsideShift: z.number().optional(),
      insideShift: z.number().optional(),
      /** Span-edge rankers' settings, in order. */
      spanEdges: z
        .array(
          z.object({
            side: z.enum(["start", "end"]),
            hashBits: z.number().int().min(8).max(24),
            maxLength: z.number().int().positive(),
            margin: z.number(),
          }),
        )
        .optional(),
    }),
  ),
});
type TaggerFileConfig = z.infer<typeof taggerFileConfigSchema>;

function taggerArtifacts(model: TaggerModel) {
  const sections: Record<string, SectionValue> = {};
  const layers: TaggerFileConfig["layers"] = model.layers.map((layer) => {
    for (const table of weightTables) {
      Object.assign(sections, sparseRowSections(`${layer.name}.${table}`, layer.weights[table], 1));
    }
    (layer.spanEdges ?? []).forEach((ranker, index) => {
      Object.assign(sections, sparseRowSections(`${layer.name}.spanEdges.${index}`, ranker.weights, 1));
    });
    return {
      name: layer.name,
      tags: layer.tags,
      bestEpoch: layer.bestEpoch,
      devF1: layer.devF1,
      outsideShift: layer.outsideShift,
      insideShift: layer.insideShift,
      spanEdges: layer.spanEdges?.map(({ side, hashBits, maxLength, margin }) => ({
        side,
        hashBits,
        maxLength,
        margin,
      })),
    };
  });
  if (model.clusters) {
    sections["clusters.words"] = [...model.clusters.keys()];
    sections["clusters.paths"] = [...model.clusters.values()];
  }
  if (model.lexicon) sections.lexicon = [...model.lexicon];
  return { config: { tagger: model.config, layers }, sections };
}

function taggerFrom(file: ModelFile): TaggerModel {
  const { tagger: config, layers } = file.config(taggerFileConfigSchema);
  const decoded = layers.map(({ spanEdges: rankers, ...layer }): TaggerLayer => {
    const size = layer.tags.length;
    const table = (name: (typeof weightTables)[number], length: number) =>
      readSparseRows(file, `${layer.name}.${name}`, 1, length);
    // The emission table stays sparse until something needs it dense (see SparseTable).
    const sparseEmission = readSparseTable(file, `${layer.name}.emission`, 2 ** config.hashBits * size);
    const weights: LayerWeights = {
      get emission() {
        return sparseEmission.toDense();
      },
      transition: table("transition", (size + 1) * size),
      transition2: table("transition2", config.order === 2 ? (size + 1) * (size + 1) * size : 0),
      final: table("final", size),
    };
    const spanEdges = rankers?.map(
      (settings, index): SpanEdgeModel => ({
        ...settings,
        weights: readSparseRows(file, `${layer.name}.spanEdges.${index}`, 1, 2 ** settings.hashBits),
      }),
    );
    return { ...layer, weights, sparseEmission, ...(spanEdges ? { spanEdges } : {}) };
  });
  let clusters: Map<string, string> | undefined;
  if (file.has("clusters.words")) {
    const words = file.strings("clusters.words");
    const paths = file.strings("clusters.paths");
    if (words.length !== paths.length)
      throw file.damaged(`${words.length} cluster words but ${paths.length} paths`);
    clusters = new Map(words.map((word, index) => [word, paths[index] as string]));
  }
  return new TaggerModel({
    config,
    layers: decoded,
    ...(clusters ? { clusters } : {}),
    ...(file.has("lexicon") ? { lexicon: file.strings("lexicon") } : {}),
  });
}

const codec = modelCodec("tagger", taggerArtifacts, taggerFrom);

/** The model as the bytes of a model file. */
export const serialiseTagger = (model: TaggerModel): Uint8Array => codec.encode(model);

/** A tagger from a model file's bytes; `origin` names the file in errors. */
export const deserialiseTagger = (bytes: Uint8Array, origin?: string): TaggerModel =>
  codec.decode(bytes, origin);

export const saveTagger = (model: TaggerModel, path: string): void => codec.save(model, path);

export const loadTagger = (path: string): TaggerModel => codec.load(path);
