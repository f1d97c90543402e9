import { z } from "zod";
import { UsageError } from "../core/errors.ts";

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
