import { readFileSync, writeFileSync } from "node:fs";
import { z } from "zod";
import { InputError } from "../../core/errors.ts";
import { ConceptLinker } from "./concept-linker.ts";
import { SkillTypeModel, type SkillTypeModelConfig, skillTypeModelConfigSchema } from "./model.ts";
import { NeighbourIndex } from "./neighbour-vote.ts";

/**
 * File format (JSON, version 1): `{ format: "jobdistill-skill-type", version: 1, config, rows,
 * weights, bias }`. Only hash buckets with a non-zero weight are kept: `rows` is the base64 of
 * their ids (little-endian uint32), `weights` the base64 of their weights (little-endian float32,
 * one per class, row-major), `bias` one number per class; `neighbours` (optional) the phrases of
 * the neighbour vote with a "0"/"1" class string; `linker` (optional) the concept linker's names,
 * the concept of each name (base64 uint32), which names are derived ("0"/"1" per name) and each
 * concept's class ("0"/"1" per concept). A lexicon-trained model is a few MB.
 */
export const SKILL_TYPE_FORMAT_VERSION = 1;

const fileSchema = z.object({
  format: z.literal("jobdistill-skill-type"),
  version: z.literal(SKILL_TYPE_FORMAT_VERSION),
  config: skillTypeModelConfigSchema,
  rows: z.string(),
  weights: z.string(),
  bias: z.array(z.number()),
  /** The neighbour vote's phrases and their classes ("0"/"1" per phrase), when the model has one. */
  neighbours: z.object({ phrases: z.array(z.string()), classes: z.string() }).optional(),
  /** The concept linker's names, their concepts, which are derived, and each concept's class. */
  linker: z
    .object({
      phrases: z.array(z.string()),
      concepts: z.string(),
      derived: z.string(),
      classes: z.string(),
    })
    .optional(),
});

export function encodeSkillTypeModel(model: SkillTypeModel): string {
  const labelCount = model.config.labels.length;
  const rowIds: number[] = [];
  for (let row = 0; row * labelCount < model.weights.length; row++) {
    for (let l = 0; l < labelCount; l++) {
      if (model.weights[row * labelCount + l] !== 0) {
        rowIds.push(row);
        break;
      }
    }
  }
  const ids = Uint32Array.from(rowIds);
  const weights = new Float32Array(rowIds.length * labelCount);
  rowIds.forEach((row, i) => {
    weights.set(model.weights.subarray(row * labelCount, (row + 1) * labelCount), i * labelCount);
  });
  return JSON.stringify({
    format: "jobdistill-skill-type",
    version: SKILL_TYPE_FORMAT_VERSION,
    config: model.config,
    rows: littleEndianBase64(ids),
    weights: littleEndianBase64(weights),
    bias: Array.from(model.bias),
    ...(model.neighbourIndex
      ? {
          neighbours: {
            phrases: model.neighbourIndex.phrases,
            classes: Array.from(model.neighbourIndex.classes).join(""),
          },
        }
      : {}),
    ...(model.conceptLinker
      ? {
          linker: {
            phrases: model.conceptLinker.aliases.map((alias) => alias.phrase),
            concepts: littleEndianBase64(
              Uint32Array.from(model.conceptLinker.aliases, (alias) => alias.concept),
            ),
            derived: model.conceptLinker.aliases.map((alias) => (alias.derived ? "1" : "0")).join(""),
            classes: Array.from(model.conceptLinker.conceptClasses).join(""),
          },
        }
      : {}),
  });
}

export function decodeSkillTypeModel(text: string): SkillTypeModel {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new InputError("not a skill-type model file (not JSON)", { cause });
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new InputError(
      `not a skill-type model file (version ${SKILL_TYPE_FORMAT_VERSION}): ${parsed.error.message}`,
    );
  }
  const { config } = parsed.data;
  const labelCount = config.labels.length;
  const ids = new Uint32Array(fromBase64(parsed.data.rows, 4));
  const stored = new Float32Array(fromBase64(parsed.data.weights, 4));
  if (stored.length !== ids.length * labelCount || parsed.data.bias.length !== labelCount) {
    throw new InputError("skill-type model file is damaged: weight counts do not match the labels");
  }
  const weights = new Float32Array((1 << config.features.hashBits) * labelCount);
  ids.forEach((row, i) => {
    weights.set(stored.subarray(i * labelCount, (i + 1) * labelCount), row * labelCount);
  });
  const storedNeighbours = parsed.data.neighbours;
  const index =
    config.neighbours && storedNeighbours
      ? new NeighbourIndex(
          storedNeighbours.phrases,
          Uint8Array.from(storedNeighbours.classes, (c) => (c === "1" ? 1 : 0)),
          config.neighbours.prefix,
        )
      : undefined;
  return new SkillTypeModel(
    config,
    weights,
    Float32Array.from(parsed.data.bias),
    index,
    decodeLinker(config.linker, parsed.data.linker),
  );
}

function decodeLinker(
  config: SkillTypeModelConfig["linker"],
  stored: z.infer<typeof fileSchema>["linker"],
): ConceptLinker | undefined {
  if (!config || !stored) return undefined;
  const concepts = new Uint32Array(fromBase64(stored.concepts, 4));
  const classCount = stored.classes.length;
  if (
    concepts.length !== stored.phrases.length ||
    stored.derived.length !== stored.phrases.length ||
    concepts.some((concept) => concept >= classCount)
  ) {
    throw new InputError("skill-type model file is damaged: the linker's names and concepts do not match");
  }
  return new ConceptLinker(
    stored.phrases.map((phrase, i) => ({
      phrase,
      concept: concepts[i] as number,
      derived: stored.derived[i] === "1",
    })),
    Uint8Array.from(stored.classes, (c) => (c === "1" ? 1 : 0)),
    config,
  );
}

export function saveSkillTypeModel(model: SkillTypeModel, path: string): void {
  writeFileSync(path, encodeSkillTypeModel(model));
}

export function loadSkillTypeModel(path: string): SkillTypeModel {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (cause) {
    throw new InputError(`cannot read the skill-type model ${path}`, { cause });
  }
  return decodeSkillTypeModel(text);
}

function littleEndianBase64(values: Uint32Array | Float32Array): string {
  const view = new DataView(new ArrayBuffer(values.length * 4));
  values.forEach((value, i) => {
    if (values instanceof Float32Array) view.setFloat32(i * 4, value, true);
    else view.setUint32(i * 4, value, true);
  });
  return Buffer.from(view.buffer).toString("base64");
}

/** Bytes from base64, copied into an aligned buffer and read as little-endian words. */
function fromBase64(text: string, width: 4): ArrayBuffer {
  const bytes = Buffer.from(text, "base64");
  if (bytes.length % width !== 0) throw new InputError("skill-type model file is damaged: bad base64 length");
  const out = new DataView(new ArrayBuffer(bytes.length));
  for (let i = 0; i < bytes.length; i += width) out.setUint32(i, bytes.readUInt32LE(i), true);
  return out.buffer;
}
