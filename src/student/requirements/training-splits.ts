import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { InputError } from "../../core/errors.ts";

/**
 * Which documents a set of students saw, kept beside their model files so evaluation can tell
 * held-out documents (test, or anything not trained on) from the ones they learnt from.
 */
export const trainingSplitsSchema = z.object({
  format: z.literal("jobdistill-training-splits"),
  version: z.literal(1),
  task: z.string(),
  /** The dataset folder the students were trained from. */
  dataset: z.string().optional(),
  /** "skillspan-official": trained on SkillSpan's official splits, every sentence (no dataset folder). */
  origin: z.literal("skillspan-official").optional(),
  train: z.array(z.string()),
  dev: z.array(z.string()),
  test: z.array(z.string()),
});
export type TrainingSplits = z.infer<typeof trainingSplitsSchema>;

export function writeTrainingSplits(path: string, splits: Omit<TrainingSplits, "format" | "version">): void {
  const file: TrainingSplits = { format: "jobdistill-training-splits", version: 1, ...splits };
  writeFileSync(path, `${JSON.stringify(file)}\n`);
}

export function readTrainingSplits(path: string): TrainingSplits {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (cause) {
    throw new InputError(`cannot read the training splits at ${path}: ${(cause as Error).message}`, {
      cause,
      data: { path },
    });
  }
  const parsed = trainingSplitsSchema.safeParse(raw);
  if (!parsed.success) {
    throw new InputError(`${path} is not a training-splits file: ${z.prettifyError(parsed.error)}`, {
      data: { path },
    });
  }
  return parsed.data;
}

/** Where the trainer keeps the documents the students saw, beside their model files. */
export function trainingSplitsFile(workspace: { modelsDir: string }, prefix: string): string {
  return join(workspace.modelsDir, `${prefix}.splits.json`);
}
