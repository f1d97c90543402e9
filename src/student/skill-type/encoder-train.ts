import { UsageError } from "../../core/errors.ts";
import { encoderReference, type SentenceEncoder } from "../../encoders/index.ts";
import { fitPlatt, type HeadExample, type HeadOptions, type TrainedHead, trainHead } from "../heads/index.ts";
import {
  calibratedSoft,
  decide,
  EncoderSkillTypeModel,
  headLogOdds,
  type SkillPhrase,
  type SkillTypeCalibration,
  type SkillTypeDecision,
  withContext,
} from "./encoder-model.ts";
import type { SkillTypeModel } from "./model.ts";
import type { SkillTypeExample } from "./train.ts";

const labels = ["Hard", "Soft"] as const;

/** Vectors for texts, each distinct text embedded once (in batches, as the encoder splits them). */
export async function embedDistinct(
  encoder: SentenceEncoder,
  texts: readonly string[],
): Promise<Map<string, Float32Array>> {
  const distinct = [...new Set(texts)];
  const vectors = distinct.length === 0 ? [] : await encoder.embed(distinct);
  if (vectors.length !== distinct.length) {
    throw new UsageError(
      `encoder ${encoder.id} returned ${vectors.length} vectors for ${distinct.length} texts`,
    );
  }
  return new Map(distinct.map((text, i) => [text, vectors[i] as Float32Array]));
}

/**
 * The head over phrase embeddings: Hard/Soft examples (lexicon names, teacher or gold labels) with
 * class weights balanced, as soft is 2% of the lexicon. Examples labelled anything else are left out.
 */
export async function trainSkillTypeHead(
  examples: readonly SkillTypeExample[],
  encoder: SentenceEncoder,
  options: HeadOptions,
): Promise<TrainedHead> {
  const kept = examples.filter((example) => example.label === "Hard" || example.label === "Soft");
  const counts = labels.map((label) => kept.filter((example) => example.label === label).length);
  if (counts.some((count) => count === 0)) {
    throw new UsageError(
      `the encoder skill typer needs Hard and Soft examples; have Hard ${counts[0]}, Soft ${counts[1]}`,
    );
  }
  const vectors = await embedDistinct(
    encoder,
    kept.map((example) => example.phrase),
  );
  const headExamples: HeadExample[] = kept.map((example) => ({
    embedding: vectors.get(example.phrase) as Float32Array,
  }));
  const targets = kept.map((example) => [example.label === "Soft" ? 1 : 0]);
  return trainHead(headExamples, targets, labels, { classWeights: "balanced", ...options });
}

/** A labelled advert phrase to calibrate on (val, or stored gold): Hard or Soft. */
export interface CalibrationPhrase extends SkillPhrase {
  label: "Hard" | "Soft";
}

/** Per calibration phrase: the head's log-odds (with the context weight applied) and the lexical one. */
export interface CalibrationScores {
  encoder: Float64Array;
  lexical: Float64Array;
  soft: boolean[];
}

export function calibrationScores(
  head: TrainedHead,
  items: readonly CalibrationPhrase[],
  vectors: ReadonlyMap<string, Float32Array>,
  contextWeight: number,
  lexical: ((phrase: string) => number) | undefined,
): CalibrationScores {
  const vectorOf = (text: string): Float32Array => {
    const vector = vectors.get(text);
    if (!vector) throw new UsageError(`no embedding for "${text}"`);
    return vector;
  };
  return {
    encoder: Float64Array.from(items, (item) =>
      headLogOdds(
        head,
        withContext(
          vectorOf(item.phrase),
          item.sentence === undefined || contextWeight === 0 ? undefined : vectorOf(item.sentence),
          contextWeight,
        ),
      ),
    ),
    lexical: Float64Array.from(items, (item) => (lexical ? lexical(item.phrase) : 0)),
    soft: items.map((item) => item.label === "Soft"),
  };
}

/** Mean log-loss of the calibrated probabilities on the scores they were fitted to. */
export function calibrationLogLoss(scores: CalibrationScores, calibration: SkillTypeCalibration): number {
  let total = 0;
  scores.soft.forEach((soft, i) => {
    const p = calibratedSoft(calibration, scores.encoder[i] as number, scores.lexical[i] as number);
    total -= Math.log(Math.max(1e-12, soft ? p : 1 - p));
  });
  return total / Math.max(1, scores.soft.length);
}

/**
 * Platt scaling of `zEncoder + w · zLexical` for each lexical weight `w` of the grid; keeps the one
 * with the lowest log-loss (the first among equals). Without a lexical vote the grid is [0].
 */
export function fitSkillTypeCalibration(
  scores: CalibrationScores,
  lexicalWeights: readonly number[],
  fittedOn: string,
): SkillTypeCalibration {
  let best: { calibration: SkillTypeCalibration; loss: number } | undefined;
  for (const lexicalWeight of lexicalWeights.length === 0 ? [0] : lexicalWeights) {
    const combined = scores.encoder.map((z, i) => z + lexicalWeight * (scores.lexical[i] as number));
    const { slope, intercept } = fitPlatt(combined, scores.soft);
    const calibration = { lexicalWeight, slope, intercept, fittedOn };
    const loss = calibrationLogLoss(scores, calibration);
    if (!best || loss < best.loss) best = { calibration, loss };
  }
  return (best as { calibration: SkillTypeCalibration }).calibration;
}

export interface AbstainTarget {
  /** Accuracy the typed phrases must reach. */
  minAccuracy: number;
  /** Soft recall among the typed phrases (soft typed Soft over soft typed at all). */
  minSoftRecall: number;
}

export interface DecisionFigures {
  decision: SkillTypeDecision;
  /** Share typed Hard or Soft (not Unknown). */
  coverage: number;
  /** Among the typed phrases. */
  accuracy: number;
  softRecall: number;
  softPrecision: number;
  met: boolean;
}

/** Coverage, accuracy and soft recall/precision among the phrases typed under `decision`. */
export function decisionFigures(
  soft: ArrayLike<number>,
  gold: readonly boolean[],
  decision: SkillTypeDecision,
  target: AbstainTarget,
): DecisionFigures {
  let typed = 0;
  let correct = 0;
  let softTyped = 0;
  let softRight = 0;
  let typedSoft = 0;
  gold.forEach((isSoft, i) => {
    const { label } = decide(soft[i] as number, decision);
    if (label === "Unknown") return;
    typed++;
    if ((label === "Soft") === isSoft) correct++;
    if (label === "Soft") typedSoft++;
    if (isSoft) {
      softTyped++;
      if (label === "Soft") softRight++;
    }
  });
  const accuracy = typed === 0 ? 0 : correct / typed;
  const softRecall = softTyped === 0 ? 0 : softRight / softTyped;
  return {
    decision,
    coverage: gold.length === 0 ? 0 : typed / gold.length,
    accuracy,
    softRecall,
    softPrecision: typedSoft === 0 ? 0 : softRight / typedSoft,
    met: typed > 0 && accuracy >= target.minAccuracy && softRecall >= target.minSoftRecall,
  };
}

/**
 * The decision band with the most phrases typed whose typed phrases meet the target; when none
 * does, the one closest to it (the larger shortfall of the two ratios smallest), then the most
 * typed. Band edges fall midway between neighbouring distinct probabilities (and at 0 and 1).
 */
export function chooseSkillTypeDecision(
  soft: ArrayLike<number>,
  gold: readonly boolean[],
  target: AbstainTarget,
): DecisionFigures {
  const values = [...new Set(Array.from(soft))].sort((a, b) => a - b);
  const edges = [0, ...values.slice(1).map((value, i) => (value + (values[i] as number)) / 2), 1.000001];
  let best: { figures: DecisionFigures; shortfall: number } | undefined;
  for (let low = 0; low < edges.length; low++) {
    for (let high = low; high < edges.length; high++) {
      const figures = decisionFigures(
        soft,
        gold,
        { hardBelow: edges[low] as number, softFrom: edges[high] as number },
        target,
      );
      if (figures.coverage === 0) continue;
      const shortfall = Math.max(
        1 - figures.accuracy / target.minAccuracy,
        1 - figures.softRecall / target.minSoftRecall,
        0,
      );
      if (
        !best ||
        shortfall < best.shortfall ||
        (shortfall === best.shortfall && figures.coverage > best.figures.coverage)
      ) {
        best = { figures, shortfall };
      }
    }
  }
  if (!best) throw new UsageError("cannot choose a decision band without phrases");
  return best.figures;
}

export interface EncoderSkillTypeTrainingOptions {
  encoder: SentenceEncoder;
  head: HeadOptions;
  /** See `EncoderSkillTypeConfig.contextWeight`. @default 0 */
  contextWeight?: number | undefined;
  /** The lexical typer that votes, or undefined for the encoder alone. */
  lexical?: SkillTypeModel | undefined;
  calibration: SkillTypeCalibration;
  decision: SkillTypeDecision;
  trainedFrom: string;
}

/** Trains the head over the encoder and assembles the model with the given calibration. */
export async function trainEncoderSkillTypeModel(
  examples: readonly SkillTypeExample[],
  options: EncoderSkillTypeTrainingOptions,
): Promise<EncoderSkillTypeModel> {
  const head = await trainSkillTypeHead(examples, options.encoder, options.head);
  return assembleEncoderSkillTypeModel(head, examples.length, options);
}

export function assembleEncoderSkillTypeModel(
  head: TrainedHead,
  examples: number,
  options: EncoderSkillTypeTrainingOptions,
): EncoderSkillTypeModel {
  const calibration = options.lexical ? options.calibration : { ...options.calibration, lexicalWeight: 0 };
  return new EncoderSkillTypeModel(
    {
      labels: ["Hard", "Soft"],
      encoder: encoderReference(options.encoder),
      head: head.config,
      contextWeight: options.contextWeight ?? 0,
      lexicalVote: options.lexical !== undefined,
      calibration,
      decision: options.decision,
      trainedFrom: options.trainedFrom,
      examples,
    },
    head,
    options.encoder,
    options.lexical,
  );
}
