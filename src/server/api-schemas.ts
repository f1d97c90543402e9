import { z } from "zod";
import { matchLevels } from "../tasks/roles-advice/task.ts";
import { adviceFlagKinds } from "../workflows/roles-advice.ts";

/**
 * The request and response shapes of the HTTP API. Requests are strict (an unknown field is a
 * mistake worth reporting); the same schemas produce the OpenAPI document, so the two cannot drift.
 */
export const textFormatSchema = z
  .enum(["text", "html"])
  .describe("How to read `text`; html is reduced to its visible text.");

export const highlightRequestSchema = z.strictObject({
  text: z.string().min(1).describe("The advert."),
  format: textFormatSchema.optional(),
  teacher: z
    .boolean()
    .optional()
    .describe("Ask the configured teacher LLM instead of the student (costs money; off unless true)."),
});
export type HighlightRequest = z.infer<typeof highlightRequestSchema>;

export const highlightSpanSchema = z.object({
  start: z.number().int().describe("Offset in `text` (UTF-16 code units, as JavaScript counts)."),
  end: z.number().int().describe("Exclusive end offset."),
  category: z.string().describe("A requirement category id (see /v1/categories)."),
  text: z.string().describe("text.slice(start, end)"),
  score: z.number().describe("Confidence in [0, 1]."),
});

export const highlightResponseSchema = z.object({
  text: z.string().describe("The text the offsets refer to (the visible text of an HTML input)."),
  spans: z.array(highlightSpanSchema),
  source: z.enum(["student", "teacher"]),
});

export const typeSkillsRequestSchema = z.strictObject({
  skills: z.array(z.string()).min(1).describe("Skill phrases, one per item."),
});
export type TypeSkillsRequest = z.infer<typeof typeSkillsRequestSchema>;

export const typeSkillsResponseSchema = z.object({
  rows: z.array(
    z.object({
      skill: z.string(),
      label: z.enum(["Hard", "Soft", "Unknown"]),
      confidence: z.number(),
      source: z.enum(["lexicon", "model"]),
    }),
  ),
});

export const extractSkillsRequestSchema = z.strictObject({
  text: z.string().min(1),
  format: textFormatSchema.optional(),
});
export type ExtractSkillsRequest = z.infer<typeof extractSkillsRequestSchema>;

export const extractSkillsResponseSchema = z.object({
  text: z.string(),
  mentions: z.array(
    z.object({
      start: z.number().int(),
      end: z.number().int(),
      layer: z.string().describe('"skill" or "knowledge", as in SkillSpan.'),
      text: z.string(),
      score: z.number().optional(),
    }),
  ),
});

export const modelsResponseSchema = z.object({
  loaded: z.array(
    z.object({
      name: z.string(),
      task: z.string(),
      kind: z.string(),
      path: z.string(),
      metrics: z.unknown().optional(),
    }),
  ),
  registered: z
    .array(z.object({ name: z.string(), task: z.string(), kind: z.string(), createdAt: z.string() }))
    .describe("Models registered in the workspace (empty when the server has none)."),
});

export const categoriesResponseSchema = z.object({
  categories: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      definition: z.string(),
      examples: z.array(z.string()),
      color: z.string().describe("Highlight colour, hex."),
    }),
  ),
});

export const f1RowSchema = z.object({ label: z.string(), f1: z.number() });
export type F1Row = z.infer<typeof f1RowSchema>;

export const confusionMatrixSchema = z.object({
  labels: z.array(z.string()).describe("Row labels are gold, column labels predicted, in this order."),
  counts: z.array(z.array(z.number())),
});
export type ConfusionMatrix = z.infer<typeof confusionMatrixSchema>;

export const runSummarySchema = z.object({
  id: z.number().int(),
  kind: z.string(),
  task: z.string().optional(),
  provider: z.string().optional(),
  model: z.string().optional(),
  status: z.string(),
  startedAt: z.string(),
  endedAt: z.string().optional(),
  durationMs: z.number().optional(),
  itemsTotal: z.number(),
  itemsDone: z.number(),
  itemsSkipped: z.number(),
  itemsFailed: z.number(),
  costUsd: z.number(),
  failures: z.number().int().describe("Items the teacher gave up on."),
  f1: z.number().optional().describe("The report's headline F1 (micro when present), if it has one."),
  error: z.string().optional(),
});
export type RunSummary = z.infer<typeof runSummarySchema>;

export const runsResponseSchema = z.object({ runs: z.array(runSummarySchema) });

export const learningCurveSchema = z.object({
  job: z.string(),
  task: z.string(),
  strategy: z.string(),
  seed: z.number(),
  metric: z.string().optional(),
  points: z.array(
    z.object({
      round: z.number().int(),
      runId: z.number().int(),
      documentsLabelled: z.number().int(),
      f1: z.number().optional(),
    }),
  ),
});
export type LearningCurveData = z.infer<typeof learningCurveSchema>;

export const runDetailResponseSchema = z.object({
  run: runSummarySchema.extend({
    params: z.record(z.string(), z.unknown()),
    report: z.unknown().optional(),
  }),
  spend: z.array(
    z.object({
      provider: z.string(),
      model: z.string(),
      calls: z.number(),
      tokensIn: z.number(),
      tokensOut: z.number(),
      costUsd: z.number(),
    }),
  ),
  charts: z.object({
    f1: z.array(f1RowSchema).describe("Per-category F1 found in the report (empty if none)."),
    confusion: confusionMatrixSchema.optional(),
  }),
  learningCurves: z
    .array(learningCurveSchema)
    .optional()
    .describe(
      "For a round of an active-learning job: its F1 against documents labelled, and the task's other jobs.",
    ),
});

export const healthResponseSchema = z.object({
  status: z.literal("ok"),
  models: z.number().int(),
  teacher: z.boolean().describe("Whether requests may ask for the teacher LLM."),
  workspace: z.boolean(),
  uptimeSeconds: z.number(),
});

export const errorResponseSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});

// issue 14: roles that fit a person's skills, and the career advisor
export const rolesRequestSchema = z.strictObject({
  skills: z
    .array(z.string().max(200))
    .min(1)
    .max(20)
    .describe("The person's skills in free text: tools, technologies, abilities or duty-like phrases."),
  currentRole: z.string().max(200).optional().describe("The person's current job title."),
  top: z.number().int().min(1).max(10).optional().describe("How many roles (default 5)."),
});
export type RolesRequest = z.infer<typeof rolesRequestSchema>;

const occupationSchema = z.object({
  code: z.string().describe("O*NET-SOC code, e.g. 15-1252.00."),
  title: z.string(),
});
const roleMatchSchema = occupationSchema.extend({
  score: z.number().describe("In [0, 1]; higher fits better."),
});
const titleMatchSchema = roleMatchSchema.extend({
  input: z.string().describe("The title as given."),
  confident: z.boolean().describe("Whether the mapping is confident enough to accept."),
});
const roleSuggestionsSchema = z.object({
  currentRole: titleMatchSchema.optional().describe("The current role normalised to an occupation."),
  roles: z.array(roleMatchSchema).describe("Best first."),
});

export const rolesResponseSchema = z.object({
  skills: z.array(z.string()).describe("The skills as read: trimmed, blank and repeated ones left out."),
  currentRole: z.string().optional(),
  suggestions: roleSuggestionsSchema,
});

export const rolesAdviceResponseSchema = rolesResponseSchema.extend({
  decisions: z
    .array(
      roleMatchSchema.extend({
        decision: z.enum(["keep", "discard", "undecided"]),
        reason: z.string().optional(),
        replacement: z.string().optional().describe("For a discarded role: the advisor's better title."),
      }),
    )
    .describe("The advisor's verdict on each of the student's roles."),
  roles: z
    .array(
      z.object({
        title: z.string(),
        origin: z.enum(["kept", "replacement"]),
        description: z.string(),
        skillMatch: z.string().describe("The overall skill match."),
        skills: z.array(
          z.object({
            skill: z.string().describe("One of the person's skills, as given."),
            level: z.enum(matchLevels),
            justification: z.string(),
          }),
        ),
        advice: z.string().describe("Development advice."),
        score: z.number().optional().describe("The student's score, for a kept role."),
        occupation: titleMatchSchema
          .optional()
          .describe("The title normaliser's best occupation for the title."),
        mapped: z.boolean().describe("False: the title maps to no occupation with confidence (flagged)."),
      }),
    )
    .describe("The final roles: kept ones and replacements."),
  flags: z
    .array(
      z.object({
        kind: z.enum(adviceFlagKinds),
        role: z.string().optional(),
        subject: z.string().optional(),
        message: z.string(),
      }),
    )
    .describe("What in the advisor's answer failed the checks: dropped or marked, never silently accepted."),
  advisor: z.string().describe("provider/model"),
  spend: z.object({
    runId: z.number().int().describe("The ledger's run (kind roles-advice) that answered."),
    cached: z.boolean().describe("Answered from a cache: nothing spent."),
    tokensIn: z.number(),
    tokensOut: z.number(),
    costUsd: z.number(),
  }),
});

/** `POST /v1/screen` as JSON (files come as multipart/form-data: `files`, and these options as fields). */
export const screenRequestSchema = z.strictObject({
  documents: z
    .array(
      z.strictObject({
        id: z.string().min(1).max(500).optional().describe("Default: the document's position, from 1."),
        text: z.string().min(1),
        format: textFormatSchema.optional(),
      }),
    )
    .min(1)
    .describe("The documents (resumes) to screen."),
  threshold: z.number().min(0).max(1).optional().describe("Keep only documents whose score reaches it."),
  top: z.number().int().min(1).optional().describe("Keep only the best `top` documents."),
  explain: z
    .number()
    .int()
    .min(0)
    .max(10)
    .optional()
    .describe("Supporting sentences per document (default 3)."),
});
export type ScreenRequest = z.infer<typeof screenRequestSchema>;

/** The options of a multipart screen request, as its form fields (strings). */
export const screenFormOptionsSchema = z.strictObject({
  threshold: z.coerce.number().min(0).max(1).optional(),
  top: z.coerce.number().int().min(1).optional(),
  explain: z.coerce.number().int().min(0).max(10).optional(),
});

export const screenResponseSchema = z.object({
  rows: z.array(
    z.object({
      rank: z.number().int(),
      id: z.string().describe("The file name or the given id."),
      score: z.number().describe("Probability of the model's positive label."),
      label: z.string().describe("The most probable label."),
      scores: z.record(z.string(), z.number()),
      sentences: z
        .array(z.object({ text: z.string(), score: z.number() }))
        .describe("The chunks that most support the label."),
    }),
  ),
  failures: z
    .array(z.object({ id: z.string(), reason: z.string() }))
    .describe("Files with no readable text (broken, encrypted, image-only), by name."),
  model: z.object({ labels: z.array(z.string()), positiveLabel: z.string(), student: z.string() }),
});

// The path and query parameters the OpenAPI document describes (src/server/openapi.ts).
export const runIdParamsSchema = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,15}$/, "a run id is a positive integer")
    .meta({ description: "The run's id." }),
});

export const screenQuerySchema = z.object({
  format: z.enum(["json", "csv"]).optional().meta({ description: "csv answers the ranking as CSV." }),
});
