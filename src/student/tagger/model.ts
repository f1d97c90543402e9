import { type BioChunk, bioToChunks } from "../../align/bio.ts";
import type { SparseTable } from "../sparse-rows.ts";
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
  sparseEmissionScores,
  viterbi,
} from "./viterbi.ts";

/** Tokens predicted layer by layer before the fused emission table pays for its building (a few adverts). */
const fuseAfterTokens = 2_000;
/** Tokens of a loaded model's first sentences scored from its sparse emission tables (one advert). */
const sparseUntilTokens = 600;
/** The transition-only scores' emission table (never read). */
const noEmission = new Float32Array(0);

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
  /**
   * A loaded model's emission table as its saved non-zero elements (`weights.emission` builds the
   * dense table from it on first use): the first sentences are scored from it.
   */
  sparseEmission?: SparseTable;
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
    /** The transition tables (decoding over emission scores computed elsewhere reads only these). */
    transitions: LayerScores;
    /** With the dense emission table, built on first use. */
    scores: () => LayerScores;
    sparseEmission: SparseTable | undefined;
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
    this.decoders = parts.layers.map((layer) => {
      const { weights } = layer;
      const transitions = layerScores(
        // Not `weights.emission`: a loaded model builds it on first read (see sparseEmission).
        {
          emission: noEmission,
          transition: weights.transition,
          transition2: weights.transition2,
          final: weights.final,
        },
        parts.config.order,
        parts.config.hashBits,
      );
      let scores: LayerScores | undefined;
      return {
        name: layer.name,
        labels: new LabelSet(layer.tags),
        transitions,
        scores: () => {
          scores ??= { ...transitions, emission: weights.emission };
          return scores;
        },
        sparseEmission: layer.sparseEmission,
        spanEdges: layer.spanEdges ?? [],
      };
    });
  }

  /** Tokens scored from the sparse emission tables so far. */
  private sparseTokens = 0;

  /**
   * Whether this sentence is scored from the sparse tables: the first `sparseUntilTokens` tokens a
   * loaded model predicts are (a one-advert `predict` never builds the dense tables); later ones
   * read the dense tables, which cost tens of milliseconds to build and pay for it within an advert.
   */
  private scoreSparsely(tokens: number): boolean {
    this.sparseTokens += tokens;
    return this.sparseTokens <= sparseUntilTokens;
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
    const sparsely = emissions === undefined && this.scoreSparsely(tokens.length);
    for (let layer = 0; layer < this.decoders.length; layer++) {
      const decoder = this.decoders[layer] as (typeof this.decoders)[number];
      const { name, labels, transitions, sparseEmission, spanEdges } = decoder;
      const emission =
        emissions?.[layer] ??
        (sparsely && sparseEmission
          ? sparseEmissionScores(features, sparseEmission, transitions.bucketMask, labels.size)
          : undefined);
      const ids =
        emission === undefined
          ? viterbi(features, decoder.scores(), labels)
          : decodeEmission(emission, transitions, labels, tokens.length);
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
      const decoder = this.decoders[layer] as (typeof this.decoders)[number];
      const { labels, transitions } = decoder;
      const emission = emissions?.[layer] ?? emissionScores(features, decoder.scores(), labels.size);
      const best = decodeEmission(emission, transitions, labels, tokens.length);
      const pathScore = sequenceScore(emission, best, transitions, labels);
      total += (pathScore - logPartition(emission, transitions, labels, tokens.length)) / tokens.length;
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
