/**
 * The encoder rows of bench/skill-type.ts: a head over USE-lite's phrase vectors (logistic or MLP),
 * the same with the sentence mixed in, and combined with the lexical typer's vote and the lexicon's
 * exact matches. Trained on the lexicon's names only (the typed spans have no train split); every
 * setting — head kind, context weight, lexical weight, Platt calibration, abstain threshold — is
 * chosen on `val`; the asked split is scored with them afterwards.
 */
import type { LexiconLookup } from "../src/dataset/lexicon/index.ts";
import { createEncoder, type EncoderReference, encoderReference } from "../src/encoders/index.ts";
import { type ReliabilityCurve, reliabilityCurve, type TrainedHead } from "../src/student/heads/index.ts";
import {
  assembleEncoderSkillTypeModel,
  type CalibrationPhrase,
  type CalibrationScores,
  calibratedSoft,
  calibrationLogLoss,
  calibrationScores,
  chooseSkillTypeDecision,
  decisionFigures,
  embedDistinct,
  encoderSkillTypeDefaults,
  fitSkillTypeCalibration,
  lexicalLogOdds,
  type SkillTypeCalibration,
  type SkillTypeDecision,
  type SkillTypeExample,
  type SkillTypeModel,
  trainSkillTypeHead,
} from "../src/student/skill-type/index.ts";
import { fileCachedEncoder } from "./embedding-file-cache.ts";

export interface TypedSpan {
  phrase: string;
  sentence: string;
  /** Hard or Soft; language spans count as Hard here (they are Hard in the lexicon). */
  label: "Hard" | "Soft";
}

export interface EncoderRowFigures {
  /** At full coverage (every phrase typed Hard or Soft by the calibrated probability). */
  accuracy: number;
  macroF1: number;
  perClass: { Hard: { precision: number; recall: number }; Soft: { precision: number; recall: number } };
  /** With the decision band chosen on val: share typed (not Unknown), and figures among them. */
  decision: SkillTypeDecision;
  coverage: number;
  typedAccuracy: number;
  typedSoftRecall: number;
  typedSoftPrecision: number;
  targetMet: boolean;
}

export interface EncoderRow {
  name: string;
  settings: Record<string, unknown>;
  val: EncoderRowFigures & { logLoss: number; reliability: ReliabilityCurve };
  scored: EncoderRowFigures & { reliability: ReliabilityCurve };
  /** Phrases per CPU second through the real encoder (no cache), head and vote. */
  phrasesPerSecond: number;
}

export interface SkillTypeEncoderFigures {
  encoder: EncoderReference;
  split: string;
  trainingExamples: number;
  valSpans: number;
  scoredSpans: number;
  /** Val log-loss (after Platt on val) of each candidate, the choice being the lowest. */
  candidates: { name: string; valLogLoss: number }[];
  rows: EncoderRow[];
  /** What each row answers for phrases a typer should not be sure of. */
  probes: Record<string, Record<string, { label: string; confidence: number }>>;
  headTrainSeconds: Record<string, number>;
  /** Process RSS (MB) before the encoder loaded and after every row was scored. */
  rssMb: { beforeEncoder: number; afterRows: number };
  target: { minAccuracy: number; minSoftRecall: number };
  targetMet: boolean;
}

const probePhrases = ["great benefits", "xqzv bnmp"] as const;

function figuresAt(
  soft: Float64Array,
  gold: readonly boolean[],
  decision: SkillTypeDecision,
): EncoderRowFigures {
  const target = encoderSkillTypeDefaults.target;
  // Full coverage: the calibrated probability decides at one half.
  const full = decisionFigures(soft, gold, { hardBelow: 0.5, softFrom: 0.5 }, target);
  let hardTp = 0;
  let hardFp = 0;
  gold.forEach((isSoft, i) => {
    if ((soft[i] as number) >= 0.5) return;
    if (isSoft) hardFp++;
    else hardTp++;
  });
  const softTotal = gold.filter(Boolean).length;
  const hardTotal = gold.length - softTotal;
  const Hard = {
    precision: hardTp + hardFp === 0 ? 0 : hardTp / (hardTp + hardFp),
    recall: hardTp / Math.max(1, hardTotal),
  };
  const Soft = { precision: full.softPrecision, recall: full.softRecall };
  const f1 = ({ precision, recall }: { precision: number; recall: number }) =>
    precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  const typed = decisionFigures(soft, gold, decision, target);
  return {
    accuracy: full.accuracy,
    macroF1: (f1(Hard) + f1(Soft)) / 2,
    perClass: { Hard, Soft },
    decision,
    coverage: typed.coverage,
    typedAccuracy: typed.accuracy,
    typedSoftRecall: typed.softRecall,
    typedSoftPrecision: typed.softPrecision,
    targetMet: typed.met,
  };
}

function reliabilityOf(soft: Float64Array, gold: readonly boolean[]): ReliabilityCurve {
  const confidences = Float64Array.from(soft, (p) => Math.max(p, 1 - p));
  return reliabilityCurve(
    confidences,
    gold.map((isSoft, i) => (soft[i] as number) > 0.5 === isSoft),
    10,
  );
}

interface Candidate {
  name: string;
  headKind: string;
  head: TrainedHead;
  contextWeight: number;
  lexical: boolean;
  calibration: SkillTypeCalibration;
  valScores: CalibrationScores;
  valLogLoss: number;
}

/**
 * Trains the heads, chooses each row's settings on val, scores `scored` (val again or test).
 * Undefined when the encoder cannot load (its message is logged).
 */
export async function runSkillTypeEncoderRows(options: {
  examples: readonly SkillTypeExample[];
  lexical: SkillTypeModel;
  lookup: LexiconLookup;
  val: readonly TypedSpan[];
  scored: readonly TypedSpan[];
  split: string;
  encoderId?: string | undefined;
  throughputPhrases?: number | undefined;
  log: (line: string) => void;
}): Promise<SkillTypeEncoderFigures> {
  const { log } = options;
  const rssBefore = process.memoryUsage().rss / 1e6;
  const real = await createEncoder(options.encoderId ?? "use-lite");
  let lastShown = 0;
  const encoder = fileCachedEncoder(real, {
    onProgress: (done, total) => {
      if (done - lastShown >= 2048 || done === total) {
        lastShown = done;
        log(`  embedding ${done}/${total} new texts (cached in bench/out/embeddings)`);
      }
    },
  });
  // Every text once, in one pass: lexicon names, spans and their sentences.
  const vectors = await embedDistinct(encoder, [
    ...options.examples.map((example) => example.phrase),
    ...[...options.val, ...options.scored].flatMap((span) => [span.phrase, span.sentence]),
    ...probePhrases,
  ]);
  const lexicalOf = (phrase: string) => lexicalLogOdds(options.lexical, phrase);
  const asCalibration = (spans: readonly TypedSpan[]): CalibrationPhrase[] =>
    spans.map((span) => ({ phrase: span.phrase, sentence: span.sentence, label: span.label }));
  const valItems = asCalibration(options.val);
  const scoredItems = asCalibration(options.scored);

  const heads: Record<string, TrainedHead> = {};
  const headTrainSeconds: Record<string, number> = {};
  for (const [kind, headOptions] of Object.entries(encoderSkillTypeDefaults.headCandidates)) {
    const started = performance.now();
    heads[kind] = await trainSkillTypeHead(options.examples, encoder, headOptions);
    headTrainSeconds[kind] = (performance.now() - started) / 1000;
    log(`  head ${kind} trained in ${(headTrainSeconds[kind] as number).toFixed(1)} s`);
  }

  const candidate = (headKind: string, contextWeight: number, lexical: boolean, name: string): Candidate => {
    const head = heads[headKind] as TrainedHead;
    const valScores = calibrationScores(
      head,
      valItems,
      vectors,
      contextWeight,
      lexical ? lexicalOf : undefined,
    );
    const calibration = fitSkillTypeCalibration(
      valScores,
      lexical ? encoderSkillTypeDefaults.lexicalWeights : [0],
      "val of esco-typed-spans",
    );
    return {
      name,
      headKind,
      head,
      contextWeight,
      lexical,
      calibration,
      valScores,
      valLogLoss: calibrationLogLoss(valScores, calibration),
    };
  };
  const best = (candidates: Candidate[]): Candidate =>
    candidates.reduce((a, b) => (b.valLogLoss < a.valLogLoss ? b : a));
  const all: Candidate[] = [];
  const track = (list: Candidate[]) => {
    all.push(...list);
    return best(list);
  };
  const encoderOnly = track(Object.keys(heads).map((kind) => candidate(kind, 0, false, `encoder (${kind})`)));
  const withContext = track(
    encoderSkillTypeDefaults.contextWeights.map((weight) =>
      candidate(encoderOnly.headKind, weight, false, `encoder+context (${encoderOnly.headKind}, ×${weight})`),
    ),
  );
  // The combined row keeps the context only if it helped on val.
  const contextForCombined = withContext.valLogLoss < encoderOnly.valLogLoss ? withContext.contextWeight : 0;
  const combined = track([
    candidate(encoderOnly.headKind, contextForCombined, true, `combined (${encoderOnly.headKind})`),
  ]);

  const exactOf = (phrase: string): boolean | undefined => {
    const match = options.lookup.find(phrase);
    return match?.match === "exact" ? match.entry.kind === "soft" : undefined;
  };
  const row = (name: string, chosen: Candidate, exactOverride: boolean): EncoderRow => {
    const probabilities = (items: readonly CalibrationPhrase[], scores: CalibrationScores) =>
      Float64Array.from(items, (item, i) => {
        const exact = exactOverride ? exactOf(item.phrase) : undefined;
        if (exact !== undefined) return exact ? 1 : 0;
        return calibratedSoft(chosen.calibration, scores.encoder[i] as number, scores.lexical[i] as number);
      });
    const valSoft = probabilities(valItems, chosen.valScores);
    const valGold = valItems.map((item) => item.label === "Soft");
    const chosenDecision = chooseSkillTypeDecision(valSoft, valGold, encoderSkillTypeDefaults.target);
    const decision = chosenDecision.decision;
    const scoredScores = calibrationScores(
      chosen.head,
      scoredItems,
      vectors,
      chosen.contextWeight,
      chosen.lexical ? lexicalOf : undefined,
    );
    const scoredSoft = probabilities(scoredItems, scoredScores);
    const scoredGold = scoredItems.map((item) => item.label === "Soft");
    const model = assembleEncoderSkillTypeModel(chosen.head, options.examples.length, {
      encoder: real,
      head: encoderSkillTypeDefaults.headCandidates[chosen.headKind as "logistic"],
      contextWeight: chosen.contextWeight,
      lexical: chosen.lexical ? options.lexical : undefined,
      calibration: chosen.calibration,
      decision,
      trainedFrom: "lexicon:esco coarse_label",
    });
    return {
      name,
      settings: {
        head: chosen.headKind,
        contextWeight: chosen.contextWeight,
        lexicalVote: chosen.lexical,
        exactLexiconMatch: exactOverride,
        calibration: chosen.calibration,
        decision,
        valTargetMet: chosenDecision.met,
      },
      val: {
        ...figuresAt(valSoft, valGold, decision),
        logLoss: chosen.valLogLoss,
        reliability: reliabilityOf(valSoft, valGold),
      },
      scored: {
        ...figuresAt(scoredSoft, scoredGold, decision),
        reliability: reliabilityOf(scoredSoft, scoredGold),
      },
      phrasesPerSecond: 0,
      // The assembled model answers the probes (and the throughput loop) as `predict` would.
      ...{ model },
    } as EncoderRow & { model: typeof model };
  };
  const rows = [
    row("encoder", encoderOnly, false),
    row("encoder+context", withContext, false),
    row("combined (+ lexical vote, exact lexicon match)", combined, true),
  ] as (EncoderRow & { model: ReturnType<typeof assembleEncoderSkillTypeModel> })[];

  const probes: SkillTypeEncoderFigures["probes"] = {};
  for (const phrase of probePhrases) {
    const lexicalAnswer = options.lexical.predict(phrase);
    probes[phrase] = { lexical: { label: lexicalAnswer.label, confidence: lexicalAnswer.confidence } };
    for (const r of rows) {
      const answer = r.model.predictFromVectors(phrase, vectors.get(phrase) as Float32Array);
      (probes[phrase] as Record<string, { label: string; confidence: number }>)[r.name] = {
        label: answer.label,
        confidence: answer.confidence,
      };
    }
  }

  // Throughput through the real encoder (no cache): embedding dominates, so one pass of N phrases.
  const sample = options.scored.slice(0, options.throughputPhrases ?? 200);
  for (const r of rows) {
    if (sample.length === 0) break;
    const items = sample.map((span) => ({ phrase: span.phrase, sentence: span.sentence }));
    await r.model.predict(items.slice(0, 8));
    const cpu = process.cpuUsage();
    await r.model.predict(items);
    const used = process.cpuUsage(cpu);
    r.phrasesPerSecond = items.length / ((used.user + used.system) / 1e6);
  }
  await real.close();

  const target = encoderSkillTypeDefaults.target;
  return {
    encoder: encoderReference(real),
    split: options.split,
    trainingExamples: options.examples.length,
    valSpans: valItems.length,
    scoredSpans: scoredItems.length,
    candidates: all.map((c) => ({ name: c.name, valLogLoss: c.valLogLoss })),
    rows: rows.map(({ model: _model, ...rest }) => rest),
    probes,
    headTrainSeconds,
    rssMb: { beforeEncoder: rssBefore, afterRows: process.memoryUsage().rss / 1e6 },
    target,
    targetMet: rows.some((r) => r.scored.targetMet),
  };
}
