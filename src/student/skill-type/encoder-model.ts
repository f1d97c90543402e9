import { z } from "zod";
import type { EncoderReference, SentenceEncoder } from "../../encoders/index.ts";
import { type HeadExample, headConfigSchema, type TrainedHead } from "../heads/index.ts";
import type { SkillTypeModel } from "./model.ts";

export const encoderReferenceSchema = z.object({
  id: z.string().min(1),
  version: z.string(),
  dimensions: z.number().int().positive(),
});

/**
 * How the scores become one calibrated probability of Soft:
 * `p = σ(slope · (zEncoder + lexicalWeight · zLexical) + intercept)`, where `zEncoder` is the head's
 * log-odds of Soft and `zLexical` the lexical typer's (see `lexicalLogOdds`). Fitted on labelled
 * advert phrases (Platt scaling after a grid over `lexicalWeight`), never on the lexicon the head
 * learnt from: the lexicon is 2% soft, adverts about a quarter, so the intercept also moves the prior.
 */
export const skillTypeCalibrationSchema = z.object({
  lexicalWeight: z.number().min(0),
  slope: z.number(),
  intercept: z.number(),
  /** Where it was fitted (a split name, a source), for the reader of the file. */
  fittedOn: z.string(),
});
export type SkillTypeCalibration = z.infer<typeof skillTypeCalibrationSchema>;

/**
 * How the calibrated P(Soft) becomes an answer: Soft from `softFrom` up, Hard below `hardBelow`,
 * Unknown between (`hardBelow ≤ softFrom`; equal means never Unknown). Chosen on val so that the
 * phrases typed reach the target accuracy and soft recall with the most typed: soft is the rarer,
 * harder class, so `softFrom` may lie below one half.
 */
export const skillTypeDecisionSchema = z
  .object({ hardBelow: z.number().min(0).max(1), softFrom: z.number().min(0).max(1) })
  .refine((decision) => decision.hardBelow <= decision.softFrom, {
    message: "hardBelow must not be above softFrom",
  });
export type SkillTypeDecision = z.infer<typeof skillTypeDecisionSchema>;

export const encoderSkillTypeConfigSchema = z.object({
  /** Always ["Hard", "Soft"]: the head's class order. */
  labels: z.tuple([z.literal("Hard"), z.literal("Soft")]),
  encoder: encoderReferenceSchema,
  head: headConfigSchema,
  /**
   * Weight of the sentence's embedding added to the phrase's before the head (then L2-normalised
   * again): `normalise(phrase + weight · sentence)`. 0 = the phrase alone; used only when a
   * sentence is given.
   */
  contextWeight: z.number().min(0),
  /** Whether the lexical typer (the concept linker and its regression) votes: then it is in the file. */
  lexicalVote: z.boolean(),
  calibration: skillTypeCalibrationSchema,
  decision: skillTypeDecisionSchema,
  trainedFrom: z.string(),
  examples: z.number().int().nonnegative(),
});
export type EncoderSkillTypeConfig = z.infer<typeof encoderSkillTypeConfigSchema>;

export type EncoderSkillTypeLabel = "Hard" | "Soft" | "Unknown";

export interface EncoderSkillTypePrediction {
  label: EncoderSkillTypeLabel;
  /**
   * The calibrated probability of the answer (P(Soft) for Soft, 1 − P(Soft) for Hard); for
   * Unknown, that of the more likely class.
   */
  confidence: number;
  /** Calibrated probability of Soft. */
  soft: number;
}

/** What the typer is asked: a phrase, optionally with the sentence it came from. */
export interface SkillPhrase {
  phrase: string;
  sentence?: string | undefined;
}

/** Log-odds, with probabilities held inside [1e-4, 1 − 1e-4] so one certain vote stays finite. */
export function logOdds(probability: number): number {
  const p = Math.min(1 - 1e-4, Math.max(1e-4, probability));
  return Math.log(p / (1 - p));
}

/** The lexical typer's log-odds of Soft (its chosen class's confidence, turned into P(Soft)). */
export function lexicalLogOdds(lexical: SkillTypeModel, phrase: string): number {
  const prediction = lexical.predict(phrase);
  return logOdds(prediction.label === "Soft" ? prediction.confidence : 1 - prediction.confidence);
}

/** `normalise(phrase + weight · sentence)`, or the phrase itself at weight 0 or without a sentence. */
export function withContext(
  phrase: Float32Array,
  sentence: Float32Array | undefined,
  weight: number,
): Float32Array {
  if (!sentence || weight === 0) return phrase;
  const mixed = new Float32Array(phrase.length);
  let norm = 0;
  for (let d = 0; d < phrase.length; d++) {
    const value = (phrase[d] as number) + weight * (sentence[d] as number);
    mixed[d] = value;
    norm += value * value;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 1;
  for (let d = 0; d < mixed.length; d++) mixed[d] = (mixed[d] as number) * scale;
  return mixed;
}

/** The head's log-odds of Soft over Hard (its calibrated scores' difference). */
export function headLogOdds(head: TrainedHead, embedding: Float32Array): number {
  const example: HeadExample = { embedding };
  const scores = head.scores(example);
  return (scores[1] as number) - (scores[0] as number);
}

export function calibratedSoft(
  calibration: Pick<SkillTypeCalibration, "lexicalWeight" | "slope" | "intercept">,
  encoderLogOdds: number,
  lexical: number,
): number {
  const z =
    calibration.slope * (encoderLogOdds + calibration.lexicalWeight * lexical) + calibration.intercept;
  return 1 / (1 + Math.exp(-z));
}

/** Soft, Hard or Unknown by the calibrated P(Soft) and the decision band. */
export function decide(soft: number, decision: SkillTypeDecision): EncoderSkillTypePrediction {
  if (soft >= decision.softFrom) return { label: "Soft", confidence: soft, soft };
  if (soft < decision.hardBelow) return { label: "Hard", confidence: 1 - soft, soft };
  return { label: "Unknown", confidence: Math.max(soft, 1 - soft), soft };
}

/**
 * The encoder-backed skill typer: a head over a pretrained sentence encoder's vector of the phrase
 * (optionally mixed with its sentence's), its log-odds combined with the lexical typer's and
 * calibrated on advert phrases, Unknown in a band of P(Soft) chosen on val. The encoder is the one
 * the model file names; loading checks it is the same (id, version, dimensions).
 */
export class EncoderSkillTypeModel {
  constructor(
    readonly config: EncoderSkillTypeConfig,
    readonly head: TrainedHead,
    readonly encoder: SentenceEncoder,
    /** The lexical typer that votes (present exactly when `config.lexicalVote`). */
    readonly lexical: SkillTypeModel | undefined,
  ) {}

  get encoderReference(): EncoderReference {
    return this.config.encoder;
  }

  /** Types phrases: each distinct phrase and sentence is embedded once, in one call. */
  async predict(items: readonly SkillPhrase[]): Promise<EncoderSkillTypePrediction[]> {
    const useContext = this.config.contextWeight > 0;
    const texts = [
      ...new Set(
        items.flatMap((item) =>
          useContext && item.sentence !== undefined ? [item.phrase, item.sentence] : [item.phrase],
        ),
      ),
    ];
    const vectors = texts.length === 0 ? [] : await this.encoder.embed(texts);
    const byText = new Map(texts.map((text, i) => [text, vectors[i] as Float32Array]));
    return items.map((item) =>
      this.predictFromVectors(
        item.phrase,
        byText.get(item.phrase) as Float32Array,
        useContext && item.sentence !== undefined ? byText.get(item.sentence) : undefined,
      ),
    );
  }

  /** The same as `predict` for one phrase whose vectors the caller already has. */
  predictFromVectors(
    phrase: string,
    phraseVector: Float32Array,
    sentenceVector?: Float32Array,
  ): EncoderSkillTypePrediction {
    const embedding = withContext(phraseVector, sentenceVector, this.config.contextWeight);
    const lexical = this.lexical ? lexicalLogOdds(this.lexical, phrase) : 0;
    const soft = calibratedSoft(this.config.calibration, headLogOdds(this.head, embedding), lexical);
    return decide(soft, this.config.decision);
  }

  close(): Promise<void> {
    return this.encoder.close();
  }
}
