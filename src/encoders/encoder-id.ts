import { UsageError } from "../core/errors.ts";

export const poolings = ["mean", "cls"] as const;
export type Pooling = (typeof poolings)[number];

/**
 * What an encoder id names, parsed (see README.md in this folder for the forms). An `hf:` id without
 * `pooling` or `normalize` leaves them to the model folder's sentence-transformers config
 * (`resolveHfSpec` in model-card.ts), else mean pooling and unit length.
 */
export type EncoderSpec =
  | { kind: "use-lite" }
  | { kind: "hf"; model: string; pooling?: Pooling; normalize?: boolean; dtype: string }
  | { kind: "openai"; model: string };

export const encoderIdForms = [
  "use-lite",
  "hf:<hub id or folder>[?pooling=mean|cls&normalize=1|0&dtype=fp32|q8|…]",
  "openai:<model>",
] as const;

function invalid(id: string, reason: string): UsageError {
  return new UsageError(`invalid encoder id "${id}": ${reason}; valid forms: ${encoderIdForms.join(", ")}`, {
    id,
  });
}

function parseHfOptions(
  id: string,
  query: string,
): Omit<Extract<EncoderSpec, { kind: "hf" }>, "kind" | "model"> {
  const options: { pooling?: Pooling; normalize?: boolean; dtype: string } = { dtype: "fp32" };
  for (const [key, value] of new URLSearchParams(query)) {
    if (key === "pooling") {
      if (!(poolings as readonly string[]).includes(value))
        throw invalid(id, `pooling must be ${poolings.join(" or ")}`);
      options.pooling = value as Pooling;
    } else if (key === "normalize") {
      if (value !== "0" && value !== "1") throw invalid(id, "normalize must be 1 or 0");
      options.normalize = value === "1";
    } else if (key === "dtype") {
      if (!/^[a-z0-9]+$/.test(value))
        throw invalid(id, "dtype must be a transformers.js dtype such as fp32 or q8");
      options.dtype = value;
    } else {
      throw invalid(id, `unknown option "${key}" (hf: takes pooling, normalize, dtype)`);
    }
  }
  return options;
}

/** Parses an encoder id; a UsageError lists the valid forms. */
export function parseEncoderId(id: string): EncoderSpec {
  if (id === "use-lite") return { kind: "use-lite" };
  const colon = id.indexOf(":");
  const scheme = colon < 0 ? id : id.slice(0, colon);
  const rest = colon < 0 ? "" : id.slice(colon + 1);
  if (scheme === "hf") {
    const question = rest.indexOf("?");
    const model = question < 0 ? rest : rest.slice(0, question);
    if (model === "") throw invalid(id, "hf: needs a hub id or a folder");
    return { kind: "hf", model, ...parseHfOptions(id, question < 0 ? "" : rest.slice(question + 1)) };
  }
  if (scheme === "openai") {
    if (rest.trim() === "") throw invalid(id, "openai: needs a model name");
    return { kind: "openai", model: rest };
  }
  throw invalid(id, "unknown encoder");
}

/**
 * The one spelling of a spec: what `encoder.id` and a model file record. An option is left out when
 * it is the default (mean pooling, normalised, fp32) and the model card (`card`, when read) does not
 * say otherwise, so an id never reads back as another choice: `hf:X` is mean and normalised, and an
 * id that overrides its card spells the override out even when it is the default.
 */
export function formatEncoderId(
  spec: EncoderSpec,
  card: { pooling?: Pooling; normalize?: boolean } = {},
): string {
  switch (spec.kind) {
    case "use-lite":
      return "use-lite";
    case "openai":
      return `openai:${spec.model}`;
    case "hf": {
      const query = new URLSearchParams();
      const { pooling, normalize } = spec;
      if (pooling !== undefined && (pooling !== "mean" || (card.pooling ?? "mean") !== "mean"))
        query.set("pooling", pooling);
      if (normalize !== undefined && (!normalize || card.normalize === false))
        query.set("normalize", normalize ? "1" : "0");
      if (spec.dtype !== "fp32") query.set("dtype", spec.dtype);
      const text = query.toString();
      return `hf:${spec.model}${text === "" ? "" : `?${text}`}`;
    }
  }
}
