import { isAbsolute, join } from "node:path";
import { errorMessage, JobdistillError } from "../core/errors.ts";
import type { StoredModel, Workspace } from "../store/index.ts";
import { loadEncoderSegmentClassifier } from "./encoder-segments/serialize.ts";
import { ModelFileError } from "./model-file.ts";
import type { LoadedModelInfo, Predictors, SkillTypeRow } from "./predictors.ts";
import { extractSkillMentions } from "./requirements/extract-skill-mentions.ts";
import { highlightRequirements, type RequirementStudents } from "./requirements/highlight-requirements.ts";
import type { SegmentScorer } from "./segment-classifier/segment-scorer.ts";
import { loadSegmentClassifier } from "./segment-classifier/serialize.ts";
import { loadWorkspaceSkillTyper } from "./skill-type/skill-typer.ts";
import { type StudentTask, studentModelNames, trainCommandFor } from "./student-model-names.ts";
import type { TaggerModel } from "./tagger/model.ts";
import { loadTagger } from "./tagger/serialise.ts";

/** Types skill phrases (the skill-type student, with the workspace lexicon when there is one). */
export interface SkillTyper {
  typeSkills(skills: readonly string[]): SkillTypeRow[] | Promise<SkillTypeRow[]>;
}

export interface LoadPredictorsOptions {
  /** Name prefix of the requirement students (`--name` at training). Default "requirements". */
  requirements?: string;
  /** Name prefix of the skills tagger. Default "skills". */
  skills?: string;
  /** Name of the skill-type student. Default "skill-type". */
  skillType?: string;
  /** Workspace lexicon the skill-type student consults first. Default "esco" when imported, else the first. */
  lexicon?: string | undefined;
}

/** The trained students of a workspace, each present only when registered. */
export interface LoadedStudents {
  requirements?: RequirementStudents;
  skills?: TaggerModel;
  skillType?: SkillTyper | undefined;
  models: LoadedModelInfo[];
}

/** Where a registered model's file is: paths are stored relative to the workspace folder. */
export function modelPath(workspace: Pick<Workspace, "dir">, model: Pick<StoredModel, "path">): string {
  return isAbsolute(model.path) ? model.path : join(workspace.dir, model.path);
}

function info(model: StoredModel, path: string): LoadedModelInfo {
  return {
    name: model.name,
    task: model.task,
    kind: model.kind,
    path,
    metrics: model.metrics,
  };
}

async function loadFile<T>(
  model: StoredModel,
  path: string,
  load: (path: string) => Promise<T> | T,
): Promise<T> {
  try {
    return await load(path);
  } catch (cause) {
    // A model file's error names the file already and may know a better remedy (a newer jobdistill).
    const reason = cause instanceof ModelFileError ? cause.reason : errorMessage(cause);
    const remedy =
      cause instanceof ModelFileError &&
      (cause.problem === "newer-version" || cause.problem === "unknown-kind")
        ? ` — ${cause.remedy}`
        : `; retrain it with \`${trainCommandFor(model.task as StudentTask)}\``;
    throw new JobdistillError(`cannot load model "${model.name}" from ${path}: ${reason}${remedy}`, {
      // An encoder that cannot load keeps its own code (the model file itself may be fine).
      code: cause instanceof JobdistillError && cause.code === "encoder-failed" ? "encoder-failed" : "input",
      cause,
      data: { model: model.name, path },
    });
  }
}

/**
 * Loads the workspace's registered students once: the requirement tagger and segment classifier,
 * the skills tagger, the skill-type student (with the workspace lexicon when one is imported).
 * Models that are not registered are simply absent; a registered model whose file is missing or
 * damaged is an error.
 */
export async function loadStudentModels(
  workspace: Workspace,
  options: LoadPredictorsOptions = {},
): Promise<LoadedStudents> {
  const loaded: LoadedStudents = { models: [] };
  const registered = (name: string): { model: StoredModel; path: string } | undefined => {
    const model = workspace.models.get(name);
    if (!model) return undefined;
    const path = modelPath(workspace, model);
    loaded.models.push(info(model, path));
    return { model, path };
  };
  const requirementNames = studentModelNames("requirements", options.requirements);
  const requirementTagger = registered(requirementNames.tagger);
  if (requirementTagger) {
    const tagger = await loadFile(requirementTagger.model, requirementTagger.path, loadTagger);
    const segments = registered(requirementNames.segments);
    // An encoder-backed classifier loads its encoder here (once per process or worker thread):
    // one that cannot load, or is not the one it was trained over, fails at start.
    const loadSegments: (path: string) => Promise<SegmentScorer> =
      segments?.model.kind === "encoder-segment-classifier"
        ? (path: string) => loadEncoderSegmentClassifier(path)
        : loadSegmentClassifier;
    loaded.requirements = segments
      ? { tagger, segmentClassifier: await loadFile(segments.model, segments.path, loadSegments) }
      : { tagger };
  }
  const skills = registered(studentModelNames("skills", options.skills).tagger);
  if (skills) loaded.skills = await loadFile(skills.model, skills.path, loadTagger);
  const skillType = registered(options.skillType ?? "skill-type");
  if (skillType) {
    const name = skillType.model.name;
    loaded.skillType = await loadFile(skillType.model, skillType.path, () =>
      loadWorkspaceSkillTyper(workspace, {
        name,
        lexicon: options.lexicon,
      }),
    );
  }
  return loaded;
}

/**
 * A span task's students under a name prefix (`--name` at training), as `evaluate` and active
 * learning score them: the requirement tagger and classifier, or the skills tagger alone.
 * Throws "train it first" when the tagger is not registered.
 */
export async function loadSpanStudents(
  workspace: Workspace,
  task: "requirements" | "skills",
  name: string = task,
): Promise<{ students: RequirementStudents; models: LoadedStudents["models"] }> {
  const loaded = await loadStudentModels(
    workspace,
    task === "requirements" ? { requirements: name } : { skills: name },
  );
  const students: RequirementStudents | undefined =
    task === "requirements" ? loaded.requirements : loaded.skills ? { tagger: loaded.skills } : undefined;
  if (!students) throw missing(task, studentModelNames(task, name).tagger);
  return { students, models: loaded.models };
}

function missing(task: StudentTask, name: string): JobdistillError {
  return new JobdistillError(
    `no trained ${task} student ("${name}") in this workspace: run \`${trainCommandFor(task)}\` first`,
    { code: "not_found", data: { task, model: name } },
  );
}

/** `Predictors` over loaded students: each call throws a clear "train it first" error when its model is absent. */
export function predictorsFrom(students: LoadedStudents, options: LoadPredictorsOptions = {}): Predictors {
  return {
    async highlight(input) {
      if (!students.requirements) {
        throw missing("requirements", studentModelNames("requirements", options.requirements).tagger);
      }
      return highlightRequirements(students.requirements, input);
    },
    extractSkills(input) {
      if (!students.skills) throw missing("skills", studentModelNames("skills", options.skills).tagger);
      return extractSkillMentions(students.skills, input);
    },
    typeSkills(skills): SkillTypeRow[] | Promise<SkillTypeRow[]> {
      if (!students.skillType) throw missing("skill-type", options.skillType ?? "skill-type");
      return students.skillType.typeSkills(skills);
    },
    models: () => students.models.map((model) => ({ ...model })),
  };
}

/**
 * Loads a workspace's students once and serves every request from memory. A server with only
 * some models still serves those; asking for a missing one names the `jobdistill train` command
 * that makes it.
 */
export async function loadPredictors(
  workspace: Workspace,
  options: LoadPredictorsOptions = {},
): Promise<Predictors> {
  return predictorsFrom(await loadStudentModels(workspace, options), options);
}
