import { z } from "zod";
import { featureSettingsSchema } from "./features.ts";

const updateRuleSchema = z.object({
  kind: z.enum(["perceptron", "passive-aggressive"]),
  aggressiveness: z.number().positive(),
  cost: z.number().nonnegative(),
});

/** The serialisable part of a tagger: everything needed to rebuild its decoding, nothing live. */
export const taggerConfigSchema = z.object({
  /** Format version of the saved model. */
  version: z.literal(1),
  /** Emission weights live in 2^hashBits buckets per tag. */
  hashBits: z.number().int().min(8).max(26),
  /** 1: tag bigrams; 2: tag trigrams as well (second-order Viterbi). */
  order: z.union([z.literal(1), z.literal(2)]),
  /** How spans are spelled as tags inside the model (a layer's tags say it too); BIO outside. */
  encoding: z.enum(["bio", "bilou"]).default("bio"),
  features: featureSettingsSchema,
  /** Training settings, kept to reproduce the model. */
  training: z.object({
    epochs: z.number().int().positive(),
    patience: z.number().int().nonnegative(),
    seed: z.number().int(),
    minFeatureCount: z.number().int().positive(),
    averaged: z.boolean(),
    calibrateOutside: z.boolean(),
    calibrateInside: z.boolean().default(false),
    spanEdges: z.boolean().default(false),
    ensemble: z.number().int().positive(),
    update: updateRuleSchema,
    /** Layers whose update rule differs from `update` (sparse layers like a gentler step). */
    layerUpdates: z.record(z.string(), updateRuleSchema).default({}),
  }),
});
export type TaggerConfig = z.infer<typeof taggerConfigSchema>;
