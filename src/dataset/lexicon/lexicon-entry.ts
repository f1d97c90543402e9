import { z } from "zod";

export const lexiconKinds = ["hard", "soft", "language", "unknown"] as const;
export type LexiconKind = (typeof lexiconKinds)[number];

export const lexiconEntrySchema = z.object({
  label: z.string().min(1),
  altLabels: z.array(z.string()),
  kind: z.enum(lexiconKinds),
  /** The shared lexicon's derived type: hard_knowledge, skill_competence, soft, language, unknown. */
  coarse: z.string().optional(),
  /** ESCO's own skillType: "knowledge" or "skill/competence". */
  skillType: z.string().optional(),
  /** ESCO skills-pillar group code (K…, S…, T…, L…, A…). */
  groupCode: z.string().optional(),
  uri: z.string().optional(),
  transversal: z.boolean().optional(),
});
export type LexiconEntry = z.infer<typeof lexiconEntrySchema>;

export const lexiconFileSchema = z.object({
  format: z.literal("jobdistill-lexicon"),
  version: z.literal(1),
  name: z.string().min(1),
  /** The file it was imported from (base name) and when. */
  importedFrom: z.string().optional(),
  importedAt: z.string().optional(),
  entries: z.array(lexiconEntrySchema),
});
export type LexiconFile = z.infer<typeof lexiconFileSchema>;
