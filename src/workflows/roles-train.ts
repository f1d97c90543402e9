import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { UsageError } from "../core/errors.ts";
import { createRandom } from "../core/random.ts";
import { sharedPath } from "../core/shared-data.ts";
import { readOnetProfiles, sampleQueries, socMajorGroup } from "../dataset/onet/index.ts";
import { createEncoder, type EmbeddingUsage, type SentenceEncoder } from "../encoders/index.ts";
import {
  fitRolesModel,
  type RankingMetrics,
  type RolesTrainingProgress,
  type RolesValidationReport,
  rankingMetrics,
  saveRolesModel,
  type TitleValidationReport,
} from "../student/roles/index.ts";

export interface TrainRolesModelOptions {
  /** An O*NET text-export folder. @default $JOBDISTILL_SHARED/data/onet, else ../shared/data/onet */
  onetDir?: string | undefined;
  /** Where the model file is written. */
  out: string;
  /** An encoder id (`use-lite`, `hf:…`), an encoder, or "none" for a lexical-only model. @default "use-lite" */
  encoder?: string | SentenceEncoder | undefined;
  /** @default 1 */
  seed?: number | undefined;
  /** Score the model on the held-out test items (embeds them too). @default true */
  evaluate?: boolean | undefined;
  onProgress?:
    | ((progress: RolesTrainingProgress | { stage: "read" | "evaluate" | "save" }) => void)
    | undefined;
}

export interface TrainedRolesModel {
  out: string;
  onetDir: string;
  occupations: number;
  /** Occupations with too few items to hold any out (trained on, never tested). */
  untested: number;
  encoder: string | null;
  embedded: { texts: number; seconds: number };
  /**
   * What an `openai:` encoder's requests cost (roles train has no workspace, so no ledger: this is
   * its record, printed by the CLI); undefined for encoders that send no requests.
   */
  embeddingUsage?: EmbeddingUsage | undefined;
  validation: RolesValidationReport;
  titles: TitleValidationReport;
  /** The fused student on held-out test queries of 5 and of 3 skills (one of each per occupation). */
  test?: { fiveSkills: RankingMetrics; threeSkills: RankingMetrics } | undefined;
  durationMs: number;
}

/** The O*NET folder: the one given, else the shared one; a clear error when neither exists. */
export function resolveOnetDir(onetDir: string | undefined): string {
  if (onetDir !== undefined) return onetDir;
  const found = sharedPath("data", "onet", "Occupation_Data.txt");
  if (found === undefined) {
    throw new UsageError(
      "no O*NET folder: give --onet DIR (O*NET's text export, e.g. db_29_2_text), or set JOBDISTILL_SHARED to a folder holding data/onet",
    );
  }
  return dirname(found);
}

/**
 * Trains the roles model (role students and title normaliser) from an O*NET folder and saves it as
 * one model file. Settings are chosen on validation drawn from each occupation's train items; with
 * `evaluate` the held-out test items score the students fitted on the train items, and the file
 * saved holds the same students refitted on every item (test ones included: a user's "Python"
 * should meet Data Scientists even where the split held Python out).
 */
export async function trainRolesModel(options: TrainRolesModelOptions): Promise<TrainedRolesModel> {
  const started = performance.now();
  const onetDir = resolveOnetDir(options.onetDir);
  options.onProgress?.({ stage: "read" });
  const profiles = readOnetProfiles(onetDir);
  const encoderOption = options.encoder ?? "use-lite";
  const ownEncoder = typeof encoderOption === "string" && encoderOption !== "none";
  let embeddingUsage: EmbeddingUsage | undefined;
  const encoder =
    typeof encoderOption === "string"
      ? encoderOption === "none"
        ? undefined
        : await createEncoder(encoderOption, {
            openai: {
              onUsage: (usage) => {
                embeddingUsage = usage;
              },
            },
          })
      : encoderOption;
  try {
    const trained = await fitRolesModel(profiles, {
      encoder,
      seed: options.seed,
      // The test figures come from the train-items model; users get the same settings over every item.
      alsoOnAllItems: true,
      onProgress: options.onProgress,
    });
    let test: TrainedRolesModel["test"];
    if (options.evaluate ?? true) {
      options.onProgress?.({ stage: "evaluate" });
      const predictor = trained.model.attach(encoder);
      const groups = profiles.map((profile) => socMajorGroup(profile.code));
      const target = new Map(profiles.map((profile, i) => [profile.code, i]));
      const random = createRandom((options.seed ?? 1) + 10);
      const score = async (size: number): Promise<RankingMetrics> => {
        const runs = [];
        for (const query of sampleQueries(trained.split.occupations, "test", size, 1, random)) {
          runs.push({
            scores: await predictor.scores(query.skills),
            target: target.get(query.code) as number,
          });
        }
        return rankingMetrics(runs, groups);
      };
      test = { fiveSkills: await score(5), threeSkills: await score(3) };
    }
    options.onProgress?.({ stage: "save" });
    mkdirSync(dirname(join(options.out)), { recursive: true });
    saveRolesModel(trained.allItems ?? trained.model, options.out);
    return {
      out: options.out,
      onetDir,
      occupations: profiles.length,
      untested: trained.split.untested.length,
      encoder: encoder?.id ?? null,
      embedded: trained.embedded,
      validation: trained.validation,
      titles: trained.titles,
      test,
      embeddingUsage,
      durationMs: performance.now() - started,
    };
  } finally {
    if (ownEncoder) await encoder?.close();
  }
}
