import { join, relative } from "node:path";
import { UsageError } from "../core/errors.ts";
import { createLexiconLookup, type LexiconFile, loadLexicon } from "../dataset/lexicon/index.ts";
import { createEncoder, type SentenceEncoder } from "../encoders/index.ts";
import type { AnnotationQuery, Workspace } from "../store/index.ts";
import {
  ENCODER_SKILL_TYPE_KIND,
  encoderSkillTypeDefaults,
  lexiconTrainingExamples,
  type SkillTypeExample,
  type SkillTypeTrainingOptions,
  saveEncoderSkillTypeModel,
  saveSkillTypeModel,
  skillTypeStudentDefaults,
  softSkillSeedExamples,
  trainEncoderSkillTypeModel,
  trainSkillTypeModel,
} from "../student/skill-type/index.ts";
import { SKILL_TYPE_TASK } from "../tasks/skill-type/index.ts";
import { ledgerEncoderOptions } from "./embedding-ledger.ts";

export interface TrainSkillTypeInWorkspaceOptions {
  workspace: Workspace;
  /** "lexicon": the lexicon's types; "teacher"/"gold": stored skill-type annotations of that kind; else a source name. */
  from: string;
  /** The workspace lexicon (default "esco"): the training labels for `from: "lexicon"`, a feature otherwise. */
  lexicon?: string | undefined;
  /** Registry name (default "skill-type"). */
  name?: string | undefined;
  seed?: number | undefined;
  /** Add the hand-written soft-skill seed phrases (default true when training from the lexicon). */
  seedPhrases?: boolean | undefined;
  training?: SkillTypeTrainingOptions | undefined;
}

export interface TrainedSkillType {
  task: "skill-type";
  runId: number;
  name: string;
  path: string;
  examples: number;
  counts: Record<string, number>;
  decisionOffsets: number[];
  durationMs: number;
}

/** Registers a saved skill-type model, finishes its run and says what was trained. */
function registerSkillTypeModel(
  workspace: Workspace,
  trained: {
    name: string;
    kind: string;
    file: string;
    runId: number;
    examples: number;
    counts: Record<string, number>;
    decisionOffsets: number[];
    durationMs: number;
    metrics: Record<string, unknown>;
  },
): TrainedSkillType {
  const { name, runId, examples, counts, decisionOffsets, durationMs } = trained;
  const path = relative(workspace.dir, trained.file);
  workspace.models.register({
    name,
    task: SKILL_TYPE_TASK,
    kind: trained.kind,
    path,
    runId,
    metrics: {
      examples,
      counts,
      ...(trained.kind === "skill-type" ? { decisionOffsets } : {}),
      ...trained.metrics,
    },
  });
  workspace.runs.progress(runId, { itemsDone: examples });
  workspace.runs.finish(runId, "done", { report: { examples, counts, durationMs } });
  return { task: SKILL_TYPE_TASK, runId, name, path, examples, counts, decisionOffsets, durationMs };
}

/**
 * Trains the skill-type student from the lexicon, the teacher's labels or gold, saves it under
 * `models/`, registers it (kind "skill-type") and records a "train" run.
 */
export function trainSkillTypeInWorkspace(options: TrainSkillTypeInWorkspaceOptions): TrainedSkillType {
  const { workspace } = options;
  const name = options.name ?? "skill-type";
  const lexiconName = options.lexicon ?? "esco";
  const fromLexicon = options.from === "lexicon";
  let lexicon: LexiconFile | undefined;
  if (fromLexicon) lexicon = loadLexicon(workspace.dir, lexiconName);
  else if (options.lexicon !== undefined) lexicon = loadLexicon(workspace.dir, lexiconName);
  const lookup = lexicon ? createLexiconLookup(lexicon.entries) : undefined;

  let examples: SkillTypeExample[];
  if (lexicon && fromLexicon) {
    examples = lexiconTrainingExamples(lexicon.entries);
  } else {
    const query: AnnotationQuery =
      options.from === "teacher" || options.from === "gold"
        ? { task: SKILL_TYPE_TASK, sourceKind: options.from }
        : { task: SKILL_TYPE_TASK, sourceName: options.from };
    examples = [];
    const latest = new Map<string, string>();
    for (const annotation of workspace.annotations.list(query)) {
      const label = annotation.payload.labels?.[0];
      if (label === "Hard" || label === "Soft") latest.set(annotation.documentId, label);
    }
    for (const [documentId, label] of latest) {
      const phrase = workspace.documents.get(documentId)?.text;
      if (phrase === undefined) continue;
      const hint = lookup?.find(phrase)?.entry.kind;
      examples.push({ phrase, label, ...(hint ? { hint } : {}) });
    }
  }
  if (options.seedPhrases ?? fromLexicon) examples.push(...softSkillSeedExamples());
  const counts: Record<string, number> = {};
  for (const example of examples) counts[example.label] = (counts[example.label] ?? 0) + 1;
  if (Object.keys(counts).length < 2) {
    throw new UsageError(
      `not enough skill-type labels from ${options.from} to train (have: ${JSON.stringify(counts)}); ` +
        "label skills first (jobdistill label --task skill-type) or train --source lexicon",
    );
  }
  const seed = options.seed ?? skillTypeStudentDefaults.seed;
  const runId = workspace.runs.start({
    kind: "train",
    task: SKILL_TYPE_TASK,
    params: { from: options.from, lexicon: lexicon?.name, seed, name },
    itemsTotal: examples.length,
  });
  const started = performance.now();
  try {
    const model = trainSkillTypeModel(examples, {
      seed,
      ...(fromLexicon ? skillTypeStudentDefaults.fromLexicon : skillTypeStudentDefaults.fromLabels),
      useLexiconHint: !fromLexicon && lookup !== undefined,
      trainedFrom: fromLexicon ? `lexicon:${lexiconName}` : options.from,
      ...options.training,
    });
    const file = join(workspace.modelsDir, `${name}.jdst`);
    saveSkillTypeModel(model, file);
    return registerSkillTypeModel(workspace, {
      name,
      kind: "skill-type",
      file,
      runId,
      examples: examples.length,
      counts,
      decisionOffsets: model.config.decisionOffsets,
      durationMs: performance.now() - started,
      metrics: {},
    });
  } catch (error) {
    workspace.runs.finish(runId, "failed", { error: (error as Error).message });
    throw error;
  }
}

export interface TrainEncoderSkillTypeOptions extends TrainSkillTypeInWorkspaceOptions {
  /** The encoder id (`use-lite`, `hf:…`, `openai:…`): see src/encoders/README.md. */
  encoder: string;
  /** An encoder to use instead of loading `encoder` (tests inject a fake). */
  encoderInstance?: SentenceEncoder | undefined;
}

/**
 * Trains the encoder-backed skill typer from the workspace lexicon: a head over the encoder's
 * vectors of the lexicon's names (and the seed phrases), voting with the lexical typer trained
 * beside it, with the calibration and abstain threshold bench/skill-type.ts chose on the typed
 * spans' val split (`encoderSkillTypeDefaults.chosen`). Saved as a `skill-type-encoder` model.
 */
export async function trainEncoderSkillTypeInWorkspace(
  options: TrainEncoderSkillTypeOptions,
): Promise<TrainedSkillType> {
  const { workspace } = options;
  if (options.from !== "lexicon") {
    throw new UsageError(
      `--encoder trains from the lexicon (--from lexicon): labels from ${options.from} have no calibration set yet; ` +
        "train the lexical student for them (leave out --encoder)",
    );
  }
  const name = options.name ?? "skill-type";
  const lexiconName = options.lexicon ?? "esco";
  const lexicon = loadLexicon(workspace.dir, lexiconName);
  const examples = lexiconTrainingExamples(lexicon.entries);
  if (options.seedPhrases ?? true) examples.push(...softSkillSeedExamples());
  const counts: Record<string, number> = {};
  for (const example of examples) counts[example.label] = (counts[example.label] ?? 0) + 1;
  const seed = options.seed ?? skillTypeStudentDefaults.seed;
  const chosen = encoderSkillTypeDefaults.chosen;
  const runId = workspace.runs.start({
    kind: "train",
    task: SKILL_TYPE_TASK,
    params: { from: options.from, lexicon: lexicon.name, seed, name, encoder: options.encoder },
    itemsTotal: examples.length,
  });
  const started = performance.now();
  let encoder: SentenceEncoder;
  try {
    encoder =
      options.encoderInstance ??
      (await createEncoder(options.encoder, ledgerEncoderOptions(workspace.calls, runId, options.encoder)));
  } catch (error) {
    workspace.runs.finish(runId, "failed", { error: (error as Error).message });
    throw error;
  }
  try {
    const lexical = chosen.lexicalVote
      ? trainSkillTypeModel(examples, {
          seed,
          ...skillTypeStudentDefaults.fromLexicon,
          trainedFrom: `lexicon:${lexiconName}`,
        })
      : undefined;
    const model = await trainEncoderSkillTypeModel(examples, {
      encoder,
      head: { ...encoderSkillTypeDefaults.headCandidates[chosen.head], seed },
      contextWeight: chosen.contextWeight,
      lexical,
      calibration:
        encoder.id === encoderSkillTypeDefaults.encoder
          ? chosen.calibration
          : {
              ...chosen.calibration,
              fittedOn: `${chosen.calibration.fittedOn}; not fitted for ${encoder.id}`,
            },
      decision: chosen.decision,
      trainedFrom: `lexicon:${lexiconName}`,
    });
    const file = join(workspace.modelsDir, `${name}.jdst`);
    saveEncoderSkillTypeModel(model, file);
    return registerSkillTypeModel(workspace, {
      name,
      kind: ENCODER_SKILL_TYPE_KIND,
      file,
      runId,
      examples: examples.length,
      counts,
      decisionOffsets: [],
      durationMs: performance.now() - started,
      metrics: { encoder: model.config.encoder },
    });
  } catch (error) {
    workspace.runs.finish(runId, "failed", { error: (error as Error).message });
    throw error;
  } finally {
    if (!options.encoderInstance) await encoder.close();
  }
}
