import { type ModelFile, modelCodec } from "../model-file.ts";
import { linearSections, readLinearSections } from "../sparse-rows.ts";
import { ConceptLinker } from "./concept-linker.ts";
import { SkillTypeModel, type SkillTypeModelConfig, skillTypeModelConfigSchema } from "./model.ts";
import { NeighbourIndex } from "./neighbour-vote.ts";

/**
 * The skill-type model in a model file (src/student/model-file.ts): its config, the hash buckets
 * with a non-zero weight (`weights.rows` / `weights.weights`, one weight per class) and `bias`;
 * with a neighbour vote, its phrases (`neighbours.phrases`, strings) and their classes
 * (`neighbours.classes`, uint8 0/1); with a concept linker, its names (`linker.phrases`), each
 * name's concept (`linker.concepts`, uint32), whether it is derived (`linker.derived`, uint8 0/1)
 * and each concept's class (`linker.classes`, uint8 0/1). A lexicon-trained model is a few MB.
 */
function skillTypeArtifacts(model: SkillTypeModel) {
  const sections = linearSections(model.weights, model.bias);
  if (model.neighbourIndex) {
    sections["neighbours.phrases"] = model.neighbourIndex.phrases;
    sections["neighbours.classes"] = model.neighbourIndex.classes;
  }
  if (model.conceptLinker) {
    const { aliases, conceptClasses } = model.conceptLinker;
    sections["linker.phrases"] = aliases.map((alias) => alias.phrase);
    sections["linker.concepts"] = Uint32Array.from(aliases, (alias) => alias.concept);
    sections["linker.derived"] = Uint8Array.from(aliases, (alias) => (alias.derived ? 1 : 0));
    sections["linker.classes"] = conceptClasses;
  }
  return { config: model.config, sections };
}

function skillTypeFrom(file: ModelFile): SkillTypeModel {
  const config = file.config(skillTypeModelConfigSchema);
  const { weights, bias } = readLinearSections(file, config.labels.length, 2 ** config.features.hashBits);
  let index: NeighbourIndex | undefined;
  if (config.neighbours && file.has("neighbours.phrases")) {
    const phrases = file.strings("neighbours.phrases");
    const classes = file.uint8("neighbours.classes");
    if (classes.length !== phrases.length) {
      throw file.damaged(`${phrases.length} neighbour phrases but ${classes.length} classes`);
    }
    index = new NeighbourIndex(phrases, classes.slice(), config.neighbours.prefix);
  }
  return new SkillTypeModel(config, weights, bias, index, linkerFrom(file, config.linker));
}

function linkerFrom(file: ModelFile, config: SkillTypeModelConfig["linker"]): ConceptLinker | undefined {
  if (!config || !file.has("linker.phrases")) return undefined;
  const phrases = file.strings("linker.phrases");
  const concepts = file.uint32("linker.concepts");
  const derived = file.uint8("linker.derived");
  const classes = file.uint8("linker.classes");
  if (
    concepts.length !== phrases.length ||
    derived.length !== phrases.length ||
    concepts.some((concept) => concept >= classes.length)
  ) {
    throw file.damaged("the concept linker's names and concepts do not match");
  }
  return new ConceptLinker(
    phrases.map((phrase, i) => ({ phrase, concept: concepts[i] as number, derived: derived[i] === 1 })),
    classes.slice(),
    config,
  );
}

const codec = modelCodec("skill-type", skillTypeArtifacts, skillTypeFrom);

/** The model as the bytes of a model file. */
export const encodeSkillTypeModel = (model: SkillTypeModel): Uint8Array => codec.encode(model);

/** A skill-type model from a model file's bytes; `origin` names the file in errors. */
export const decodeSkillTypeModel = (bytes: Uint8Array, origin?: string): SkillTypeModel =>
  codec.decode(bytes, origin);

export const saveSkillTypeModel = (model: SkillTypeModel, path: string): void => codec.save(model, path);

export const loadSkillTypeModel = (path: string): SkillTypeModel => codec.load(path);
