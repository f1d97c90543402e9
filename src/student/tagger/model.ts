import { type BioChunk, bioToChunks } from "../../align/bio.ts";
import type { LayerWeights } from "./averaged-perceptron.ts";
import { layerScores } from "./averaged-perceptron.ts";
import type { TaggerConfig } from "./config.ts";
import { FeatureExtractor } from "./features.ts";
import { FusedEmission } from "./fused-emission.ts";
import { LabelSet } from "./label-set.ts";
import { PhraseLexicon } from "./lexicon.ts";
import { chunksToTags, refineSpanEdges, type SpanEdgeModel } from "./span-edges.ts";
import {
  decodeEmission,
  emissionScores,
  type LayerScores,
  logPartition,
  sequenceScore,
  viterbi,
} from "./viterbi.ts";

/** Tokens predicted layer by layer before the fused emission table pays for its building (a few adverts). */
const fuseAfterTokens = 2_000;

/** What a trained layer carries besides its weights. */
export interface TaggerLayer {
  name: string;
  tags: string[];
  weights: LayerWeights;
  /** Epoch whose averaged weights were kept, and its dev strict span F1 (undefined without dev data). */
  bestEpoch: number;
  devF1?: number | undefined;
  /** What dev calibration added to the "O" bias weight (0 or absent: nothing). */
  outsideShift?: number | undefined;
  /** What dev calibration added to the bias weight of each inside ("I") tag. */
  insideShift?: number | undefined;
  /** Span-edge rankers applied in order after decoding (see span-edges.ts). */
  spanEdges?: SpanEdgeModel[];
}

export interface TaggerParts {
  config: TaggerConfig;
  layers: TaggerLayer[];
  /** Normalised word → cluster path. */
  clusters?: ReadonlyMap<string, string>;
  lexicon?: readonly string[];
}

/** A trained span tagger: one BIO layer per name, all decoded from one feature pass. */
export class TaggerModel {
  readonly config: TaggerConfig;
  readonly layers: readonly TaggerLayer[];
  readonly clusters: ReadonlyMap<string, string> | undefined;
  readonly lexicon: readonly string[] | undefined;
  private readonly extractor: FeatureExtractor;
  private readonly decoders: {
    name: string;
    labels: LabelSet;
    scores: LayerScores;
    spanEdges: readonly SpanEdgeModel[];
  }[];
  /** All layers' emission weights side by side, when there are several (see fused-emission.ts). */
  private fusedEmission: FusedEmission | undefined;

  constructor(parts: TaggerParts) {
    this.config = parts.config;
    this.layers = parts.layers;
    this.clusters = parts.clusters;
    this.lexicon = parts.lexicon;
    this.extractor = new FeatureExtractor(
      parts.config.features,
      parts.clusters,
      parts.lexicon ? new PhraseLexicon(parts.lexicon) : undefined,
    );
    this.decoders = parts.layers.map((layer) => ({
      name: layer.name,
      labels: new LabelSet(layer.tags),
      scores: layerScores(layer.weights, parts.config.order, parts.config.hashBits),
      spanEdges: layer.spanEdges ?? [],
    }));
  }

  /** Tokens predicted so far, until the fused table is built. */
  private tokensPredicted = 0;

  /**
   * Built once the model has predicted `fuseAfterTokens` tokens, not on load: it is a second copy
   * of the emission weights (4 bytes × 2^hashBits × all layers' tags), which training and saving do
   * not need, and building it costs more than it saves on an advert or two (one-advert `predict`
   * starts faster without it). Both paths give the same scores bit for bit. The copy is taken once,
   * so weights changed after it is built would not be seen (nothing does that).
   */
  private fused(tokens: number): FusedEmission | undefined {
    if (this.fusedEmission === undefined && this.layers.length > 1) {
      this.tokensPredicted += tokens;
      if (this.tokensPredicted <= fuseAfterTokens) return undefined;
      this.fusedEmission = new FusedEmission(
        this.layers.map((layer) => layer.weights.emission),
        this.layers.map((layer) => layer.tags.length),
        2 ** this.config.hashBits - 1,
      );
    }
    return this.fusedEmission;
  }

  get layerNames(): string[] {
    return this.layers.map((layer) => layer.name);
  }

  /** BIO tags per layer, one per token. */
  predict(tokens: readonly string[]): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    if (tokens.length === 0) {
      for (const { name } of this.decoders) out[name] = [];
      return out;
    }
    const features = this.extractor.extract(tokens);
    const emissions = this.fused(tokens.length)?.scores(features);
    for (let layer = 0; layer < this.decoders.length; layer++) {
      const { name, labels, scores, spanEdges } = this.decoders[layer] as (typeof this.decoders)[number];
      const emission = emissions?.[layer];
      const ids =
        emission === undefined
          ? viterbi(features, scores, labels)
          : decodeEmission(emission, scores, labels, tokens.length);
      const tags = labels.decodeBio(ids);
      if (spanEdges.length === 0) {
        out[name] = tags;
        continue;
      }
      let chunks = bioToChunks(tags);
      for (const model of spanEdges) chunks = refineSpanEdges(tokens, chunks, model);
      out[name] = chunksToTags(chunks, tokens.length);
    }
    return out;
  }

  /**
   * How sure the decoder is of its best tagging, as the Viterbi path's log-probability per token
   * under exp(score − log Z) over every allowed tag sequence, averaged over the layers: 0 when one
   * path takes all the mass, more negative as the alternatives close in. Span-edge refinement,
   * applied after decoding, is not part of it. An empty sentence is certain (0).
   */
  pathConfidence(tokens: readonly string[]): number {
    if (tokens.length === 0 || this.decoders.length === 0) return 0;
    const features = this.extractor.extract(tokens);
    const emissions = this.fused(tokens.length)?.scores(features);
    let total = 0;
    for (let layer = 0; layer < this.decoders.length; layer++) {
      const { labels, scores } = this.decoders[layer] as (typeof this.decoders)[number];
      const emission = emissions?.[layer] ?? emissionScores(features, scores, labels.size);
      const best = decodeEmission(emission, scores, labels, tokens.length);
      const pathScore = sequenceScore(emission, best, scores, labels);
      total += (pathScore - logPartition(emission, scores, labels, tokens.length)) / tokens.length;
    }
    return Math.min(0, total / this.decoders.length);
  }

  /** Token chunks per layer (conlleval semantics, end exclusive). */
  predictChunks(tokens: readonly string[]): Record<string, BioChunk[]> {
    const out: Record<string, BioChunk[]> = {};
    for (const [name, tags] of Object.entries(this.predict(tokens))) out[name] = bioToChunks(tags);
    return out;
  }
}
