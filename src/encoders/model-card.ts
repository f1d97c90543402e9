import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { z } from "zod";
import { errorMessage, UsageError } from "../core/errors.ts";
import type { EncoderSpec, Pooling } from "./encoder-id.ts";

/**
 * What a sentence-transformers model folder says about pooling and normalisation: `modules.json`
 * lists the modules (a `…Pooling` module with its folder, a `…Normalize` module or none), and the
 * pooling folder's `config.json` sets `pooling_mode_cls_token` or `pooling_mode_mean_tokens`.
 * A field is absent when the folder does not say.
 */
export interface ModelCardPooling {
  pooling?: Pooling;
  normalize?: boolean;
}

/** Lenient: these are others' files, with more fields than we read. */
const modulesSchema = z.array(z.object({ path: z.string(), type: z.string() }).loose());
const poolingConfigSchema = z
  .object({
    pooling_mode_cls_token: z.boolean().optional(),
    pooling_mode_mean_tokens: z.boolean().optional(),
    pooling_mode_max_tokens: z.boolean().optional(),
    pooling_mode_mean_sqrt_len_tokens: z.boolean().optional(),
    pooling_mode_weightedmean_tokens: z.boolean().optional(),
    pooling_mode_lasttoken: z.boolean().optional(),
  })
  .loose();

function readJson<T>(path: string, schema: z.ZodType<T>): T {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (cause) {
    throw new UsageError(`cannot read the encoder's ${path}: ${errorMessage(cause)}`, { cause });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new UsageError(
      `the encoder's ${path} is not a sentence-transformers file: ${parsed.error.issues[0]?.message ?? ""}`,
    );
  }
  return parsed.data;
}

/** The pooling module's folder as modules.json names it: a plain folder name only, never a path out of the model's folder. */
function poolingFolderOf(modules: z.infer<typeof modulesSchema> | undefined): string {
  const path = modules?.find((module) => module.type.endsWith("Pooling"))?.path;
  return path && /^[\w.-]+$/.test(path) && !path.includes("..") ? path : "1_Pooling";
}

/** Reads `modules.json` and the pooling config of a model folder; `{}` when it has neither. */
export function readModelCardPooling(folder: string): ModelCardPooling {
  const modulesPath = join(folder, "modules.json");
  const modules = existsSync(modulesPath) ? readJson(modulesPath, modulesSchema) : undefined;
  const poolingPath = join(folder, poolingFolderOf(modules), "config.json");
  const card: ModelCardPooling = {};
  if (modules !== undefined) card.normalize = modules.some((module) => module.type.endsWith("Normalize"));
  if (!existsSync(poolingPath)) return card;
  const config = readJson(poolingPath, poolingConfigSchema);
  const modes = Object.entries(config)
    .filter(([key, value]) => key.startsWith("pooling_mode_") && value === true)
    .map(([key]) => key.slice("pooling_mode_".length));
  if (modes.length === 1 && modes[0] === "cls_token") card.pooling = "cls";
  else if (modes.length === 1 && modes[0] === "mean_tokens") card.pooling = "mean";
  else {
    throw new UsageError(
      `the encoder's ${poolingPath} pools by ${modes.join(" + ") || "nothing"}; jobdistill pools by mean or cls only: give ?pooling=mean or ?pooling=cls in the hf: id to choose`,
    );
  }
  return card;
}

type HfSpec = Extract<EncoderSpec, { kind: "hf" }>;
export type ResolvedHfSpec = HfSpec & { pooling: Pooling; normalize: boolean };

/** The id's options where it gives them, else the model card's, else mean pooling and unit length. */
export function resolveHfSpec(spec: HfSpec, card: ModelCardPooling): ResolvedHfSpec {
  return {
    ...spec,
    pooling: spec.pooling ?? card.pooling ?? "mean",
    normalize: spec.normalize ?? card.normalize ?? true,
  };
}

export interface FetchModelCardOptions {
  /** The hub id, e.g. `Xenova/bge-small-en-v1.5`. */
  model: string;
  /** The library's cache folder for the model, where the files are written. */
  folder: string;
  /** transformers.js's `env.remoteHost` and `env.remotePathTemplate`. */
  remoteHost: string;
  remotePathTemplate: string;
  /** @default globalThis.fetch */
  fetch?: typeof fetch | undefined;
}

/**
 * For a hub id: downloads `modules.json` and the pooling module's `config.json` into the model's
 * cache folder when they are not there yet (transformers.js fetches only what its pipeline needs),
 * so `readModelCardPooling` then sees the card. A file the hub does not have (404), or a failed
 * request, is left out: the defaults apply, and the id records what was used.
 */
export async function fetchModelCardFiles(options: FetchModelCardOptions): Promise<void> {
  const get = options.fetch ?? fetch;
  const base = `${options.remoteHost.replace(/\/?$/, "/")}${options.remotePathTemplate
    .replaceAll("{model}", options.model)
    .replaceAll("{revision}", "main")}`.replace(/\/?$/, "/");
  const download = async (file: string): Promise<boolean> => {
    const path = join(options.folder, file);
    if (existsSync(path)) return true;
    try {
      const response = await get(`${base}${file}`);
      if (!response.ok) return false;
      const text = await response.text();
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
      return true;
    } catch {
      return false;
    }
  };
  let modules: z.infer<typeof modulesSchema> | undefined;
  if (await download("modules.json")) {
    const parsed = modulesSchema.safeParse(
      safeJson(readFileSync(join(options.folder, "modules.json"), "utf8")),
    );
    if (parsed.success) modules = parsed.data;
  }
  await download(`${poolingFolderOf(modules)}/config.json`);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
