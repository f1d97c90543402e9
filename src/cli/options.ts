import { z } from "zod";
import { UsageError } from "../core/errors.ts";
import { providerNames } from "../teacher/provider-names.ts";

/**
 * Validates a command's options with a strict schema; the first problem becomes a `UsageError`
 * that names the option as the user typed it (`--split`, not `split`).
 */
export function parseCommandOptions<Schema extends z.ZodType>(schema: Schema, raw: unknown): z.infer<Schema> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const option = issue?.path[0];
  const flag =
    typeof option === "string" ? `--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}` : "";
  const message = issue?.message ?? "invalid options";
  if (issue?.code === "unrecognized_keys") throw new UsageError(`unknown option: ${issue.keys.join(", ")}`);
  throw new UsageError(message.includes("--") ? message : `${flag}: ${message}`);
}

/** A whole, positive number option (`--top 5`), with messages that name the option. */
export const positiveIntOption = (option: string) =>
  z.coerce
    .number({ error: `${option} must be a whole number` })
    .int(`${option} must be a whole number`)
    .positive(`${option} must be positive`);

/** "60s", "500ms", "2m" or a bare number of seconds, in milliseconds. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m)?$/.exec(text.trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  const unit = match[2] ?? "s";
  return Math.round(value * (unit === "ms" ? 1 : unit === "s" ? 1000 : 60_000));
}

/** A positive duration option ("60s", "500ms", "2m"), in milliseconds; `message` when it is not one. */
export const durationOption = (message: string) =>
  z.string().transform((text, context) => {
    const ms = parseDuration(text);
    if (ms === undefined || ms <= 0) {
      context.addIssue({ code: "custom", message });
      return z.NEVER;
    }
    return ms;
  });

/**
 * The options of a command that calls a teacher LLM through the engine (label, roles suggest): the
 * provider and how to reach it, and the per-call limits. Spread into the command's strict schema.
 */
export const teacherCallOptionFields = {
  provider: z.enum(providerNames, { error: `--provider must be one of ${providerNames.join(", ")}` }),
  baseUrl: z.string().url("--base-url must be a URL").optional(),
  apiKey: z.string().optional(),
  threads: positiveIntOption("--threads").optional(),
  contextSize: positiveIntOption("--context-size").optional(),
  timeout: durationOption("--timeout must be a duration such as 60s, 500ms or 2m"),
  maxRetries: z.coerce
    .number()
    .int("--max-retries must be a whole number")
    .min(0, "--max-retries must be ≥ 0"),
  maxRepairs: z.coerce
    .number()
    .int("--max-repairs must be a whole number")
    .min(0, "--max-repairs must be ≥ 0"),
  maxOutputTokens: positiveIntOption("--max-output-tokens").optional(),
  temperature: z.coerce.number("--temperature must be a number").min(0).max(2).optional(),
  prices: z.string().optional(),
};
