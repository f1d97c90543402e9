import { z } from "zod";
import { UsageError } from "../../core/errors.ts";
import { hashValue, sha256Hex } from "../../core/hash.ts";

/**
 * What `jobdistill generate` is asked for: labels with a description each, optional seed
 * examples per label, a count per label and a diversity grid. Read strictly: it is the user's
 * intent, so an unknown or misspelt field is an error naming its path.
 */

const name = (what: string) =>
  z
    .string({ error: `${what} must be a string` })
    .regex(/^[A-Za-z0-9][\w.-]*$/, `${what} must be letters, digits, '.', '_' or '-' (no spaces)`);

const positiveInt = (what: string) =>
  z
    .number({ error: `${what} must be a number` })
    .int(`${what} must be a whole number`)
    .positive(`${what} must be positive`);

const labelSpecSchema = z.strictObject({
  description: z.string({ error: "description is required" }).trim().min(1, "description must not be empty"),
  /** @default the spec's `count` */
  count: positiveInt("count").optional(),
  /** Files (paths relative to the spec file), each a style reference for this label. */
  seeds: z.array(z.string().min(1, "a seed path must not be empty")).optional(),
});

export const generationGatesSchema = z.strictObject({
  /** Word-shingle Jaccard at or above which a later item is a near-duplicate of an earlier one. @default 0.8 */
  nearDuplicateThreshold: z.number().gt(0).max(1).default(0.8),
  /** Words per shingle for near-duplicate detection. @default 5 */
  shingleWords: positiveInt("shingleWords").default(5),
  /** MinHash signature length (bands × rows are chosen from it and the threshold). @default 128 */
  minhashPermutations: positiveInt("minhashPermutations").default(128),
  /** An item sharing this many consecutive words with a seed example copies it. @default 12 */
  seedCopyWords: positiveInt("seedCopyWords").default(12),
});

export const generationTopUpSchema = z.strictObject({
  /** Rounds of top-ups after the first pass. @default 3 */
  maxRounds: z.number().int("maxRounds must be a whole number").min(0, "maxRounds must be ≥ 0").default(3),
  /** Extra calls over all top-up rounds. @default the sum of the label counts */
  maxCalls: z.number().int("maxCalls must be a whole number").min(0, "maxCalls must be ≥ 0").optional(),
});

export const generationSpecSchema = z
  .strictObject({
    /** What is written: "resume", "job advert", … @default "document" */
    document: z.string().trim().min(1).default("document"),
    labels: z
      .record(name("a label"), labelSpecSchema, { error: "labels must map each label to { description }" })
      .refine((labels) => Object.keys(labels).length > 0, "labels must name at least one label"),
    /** Items per label when a label does not give its own. */
    count: positiveInt("count").optional(),
    /** Dimensions and their values: the items of a label are spread evenly over the cells. */
    grid: z
      .record(
        name("a grid dimension"),
        z
          .array(z.string().trim().min(1, "a grid value must not be empty"), {
            error: "a grid dimension must be a list of values",
          })
          .min(1, "a grid dimension needs at least one value")
          .refine((values) => new Set(values).size === values.length, "grid values must be distinct"),
      )
      .default({}),
    words: z
      .strictObject({ min: positiveInt("words.min"), max: positiveInt("words.max") })
      .refine((words) => words.min <= words.max, { message: "words.min must be ≤ words.max", path: ["min"] })
      .default({ min: 50, max: 1500 }),
    /** Extra guidance for every prompt. */
    instructions: z.string().trim().min(1).optional(),
    /** Seed of the order in which a label's items visit the grid cells. @default 1 */
    seed: z.number().int("seed must be a whole number").default(1),
    gates: generationGatesSchema.default(generationGatesSchema.parse({})),
    topUp: generationTopUpSchema.default(generationTopUpSchema.parse({})),
  })
  .superRefine((spec, context) => {
    for (const [label, labelSpec] of Object.entries(spec.labels)) {
      if (labelSpec.count === undefined && spec.count === undefined) {
        context.addIssue({
          code: "custom",
          path: ["labels", label, "count"],
          message: "needs a count (here or a top-level count)",
        });
      }
    }
  });

/** The spec as written (seed paths unread). */
export type GenerationSpecInput = z.input<typeof generationSpecSchema>;
export type GenerationGates = z.infer<typeof generationGatesSchema>;

export interface SeedExample {
  /** The file's path as the spec gave it. */
  name: string;
  text: string;
}

export interface LabelPlan {
  name: string;
  description: string;
  count: number;
  seeds: SeedExample[];
}

export interface GridDimension {
  name: string;
  values: string[];
}

/** A validated spec with its seed examples read, and the hash that keys its items. */
export interface GenerationSpec {
  document: string;
  labels: LabelPlan[];
  grid: GridDimension[];
  words: { min: number; max: number };
  instructions?: string | undefined;
  seed: number;
  gates: GenerationGates;
  topUp: { maxRounds: number; maxCalls: number };
  /**
   * Hash of everything that changes an item's text: the document kind, the labels with their
   * descriptions and seed texts, the grid, the length bounds and the instructions. Counts, the
   * cell-order seed, gates and top-up caps are left out, so raising a count or tuning a gate
   * reuses every item already generated.
   */
  specHash: string;
}

/** "labels.devops.count: must be positive" for the first issue. */
function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys") {
    return `${path === "" ? "" : `${path}: `}unknown field ${issue.keys.join(", ")}`;
  }
  return path === "" ? issue.message : `${path}: ${issue.message}`;
}

/**
 * Validates a spec (parsed YAML/JSON or built from flags) and reads its seed examples through
 * `readSeed`. `where` names the spec in errors (its file, or "the flags").
 */
export function parseGenerationSpec(
  raw: unknown,
  options: { where: string; readSeed: (path: string) => string },
): GenerationSpec {
  const parsed = generationSpecSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map(describeIssue);
    throw new UsageError(`invalid generation spec (${options.where}): ${issues.join("; ")}`);
  }
  const spec = parsed.data;
  const labels: LabelPlan[] = Object.entries(spec.labels).map(([label, labelSpec]) => ({
    name: label,
    description: labelSpec.description,
    count: labelSpec.count ?? spec.count ?? 0,
    seeds: (labelSpec.seeds ?? []).map((path) => {
      const text = options.readSeed(path).trim();
      if (text === "") throw new UsageError(`seed example ${path} (labels.${label}.seeds) is empty`);
      return { name: path, text };
    }),
  }));
  const grid = Object.entries(spec.grid).map(([dimension, values]) => ({ name: dimension, values }));
  const total = labels.reduce((sum, label) => sum + label.count, 0);
  const specHash = hashValue({
    document: spec.document,
    labels: labels.map((label) => ({
      name: label.name,
      description: label.description,
      seeds: label.seeds.map((seed) => sha256Hex(seed.text)),
    })),
    grid: grid
      .map((dimension) => ({ name: dimension.name, values: [...dimension.values].sort() }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    words: spec.words,
    instructions: spec.instructions,
  });
  return {
    document: spec.document,
    labels,
    grid,
    words: spec.words,
    instructions: spec.instructions,
    seed: spec.seed,
    gates: spec.gates,
    topUp: { maxRounds: spec.topUp.maxRounds, maxCalls: spec.topUp.maxCalls ?? total },
    specHash,
  };
}
