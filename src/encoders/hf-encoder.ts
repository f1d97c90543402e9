import { createHash } from "node:crypto";
import { createReadStream, existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { errorMessage, JobdistillError, UsageError } from "../core/errors.ts";
import type { SentenceEncoder } from "./encoder.ts";
import { type EncoderSpec, formatEncoderId } from "./encoder-id.ts";
import { encoderFailed } from "./errors.ts";
import {
  fetchModelCardFiles,
  type ModelCardPooling,
  readModelCardPooling,
  resolveHfSpec,
} from "./model-card.ts";
import { chunks } from "./vectors.ts";

type HfSpec = Extract<EncoderSpec, { kind: "hf" }>;

export interface HfEncoderOptions {
  /** Texts per call into the ONNX session. @default 32 */
  batchSize?: number | undefined;
  /** Where JOBDISTILL_OFFLINE is read. @default process.env */
  env?: Record<string, string | undefined> | undefined;
}

/** The part of transformers.js this file uses, typed narrowly (its own types are overloaded per task). */
interface FeatureTensor {
  dims: readonly number[];
  data: ArrayLike<number>;
}
interface FeatureExtractor {
  (texts: string[], options: { pooling: "mean" | "cls"; normalize: boolean }): Promise<FeatureTensor>;
  dispose(): Promise<void>;
}
interface ProgressEvent {
  status: string;
  file?: string;
}
interface Transformers {
  env: {
    version: string;
    allowRemoteModels: boolean;
    allowLocalModels: boolean;
    cacheDir: string | null;
    logLevel: number;
    remoteHost: string;
    remotePathTemplate: string;
  };
  LogLevel: { ERROR: number };
  pipeline(
    task: "feature-extraction",
    model: string,
    options: { dtype: string; device: "cpu"; progress_callback: (event: ProgressEvent) => void },
  ): Promise<unknown>;
}

async function importTransformers(): Promise<Transformers> {
  try {
    return (await import("@huggingface/transformers")) as unknown as Transformers;
  } catch (cause) {
    throw new UsageError(
      `hf: encoders need the optional packages @huggingface/transformers and onnxruntime-node: npm install @huggingface/transformers onnxruntime-node (${errorMessage(cause)})`,
    );
  }
}

/** A folder on disk when it looks like a path or exists; otherwise a Hugging Face hub id. */
export function localFolder(model: string): string | undefined {
  if (model.startsWith(".") || model.startsWith("/")) return resolve(model);
  return existsSync(model) && statSync(model).isDirectory() ? resolve(model) : undefined;
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** A hash over the weight files the library loaded (found in the folder, or in its download cache). */
export async function weightsHash(files: readonly string[], roots: readonly string[]): Promise<string> {
  const hash = createHash("sha256");
  let found = 0;
  for (const file of [...files].sort()) {
    const path = roots.map((root) => join(root, file)).find((candidate) => existsSync(candidate));
    if (path === undefined) continue;
    hash.update(`${file}\u0000${await sha256File(path)}\n`);
    found++;
  }
  return found === 0 ? "unhashed" : hash.digest("hex").slice(0, 16);
}

/**
 * Any ONNX encoder transformers.js can run for `feature-extraction`, on onnxruntime-node: a local
 * folder (never downloads: `allowRemoteModels` is off) or a hub id (downloaded and cached by the
 * library, unless JOBDISTILL_OFFLINE=1). Pooling and normalisation come from the id, else from the
 * folder's sentence-transformers config (`modules.json`, `1_Pooling/config.json`; for a hub id, when
 * the library's cache holds them), else mean and normalised; the id records the choice.
 */
export async function createHfEncoder(
  spec: HfSpec,
  options: HfEncoderOptions = {},
): Promise<SentenceEncoder> {
  const batchSize = options.batchSize ?? 32;
  const environment = options.env ?? process.env;
  const transformers = await importTransformers();
  const folder = localFolder(spec.model);
  const { env } = transformers;
  // Settings of the library are process-wide: each load sets the ones it depends on.
  env.logLevel = transformers.LogLevel.ERROR;
  env.allowLocalModels = true;
  env.allowRemoteModels = folder === undefined && environment.JOBDISTILL_OFFLINE !== "1";
  if (folder !== undefined && !existsSync(folder)) {
    throw new UsageError(`encoder ${formatEncoderId(spec)}: no model folder at ${folder}`);
  }
  const cardFolder = folder ?? join(env.cacheDir ?? "", spec.model);
  const silent = spec.pooling === undefined || spec.normalize === undefined;
  if (folder === undefined && env.allowRemoteModels && env.cacheDir !== null && silent) {
    await fetchModelCardFiles({
      model: spec.model,
      folder: cardFolder,
      remoteHost: env.remoteHost,
      remotePathTemplate: env.remotePathTemplate,
    });
  }
  const card: ModelCardPooling = existsSync(cardFolder) ? readModelCardPooling(cardFolder) : {};
  const resolved = resolveHfSpec(spec, card);
  const id = formatEncoderId(resolved, card);
  const weightFiles = new Set<string>();
  let extractor: FeatureExtractor;
  try {
    extractor = (await transformers.pipeline("feature-extraction", folder ?? spec.model, {
      dtype: spec.dtype,
      device: "cpu",
      progress_callback: (event) => {
        if (event.status === "done" && event.file !== undefined && /\.onnx(_data)?$/.test(event.file)) {
          weightFiles.add(event.file);
        }
      },
    })) as FeatureExtractor;
  } catch (cause) {
    const offline = env.allowRemoteModels
      ? ""
      : " (downloads are off: a local folder, or JOBDISTILL_OFFLINE=1)";
    throw encoderFailed(id, `cannot load the model${offline}: ${errorMessage(cause)}`, { cause });
  }
  const roots = folder === undefined ? [join(env.cacheDir ?? "", spec.model)] : [folder];
  const version = `transformers@${env.version}+weights@${await weightsHash([...weightFiles], roots)}`;

  const embedBatch = async (texts: string[]): Promise<Float32Array[]> => {
    const output = await extractor(texts, { pooling: resolved.pooling, normalize: resolved.normalize });
    const [rows, width] = output.dims;
    if (output.dims.length !== 2 || rows !== texts.length || width === undefined) {
      throw encoderFailed(
        id,
        `the pipeline returned shape [${output.dims.join(", ")}] for ${texts.length} texts`,
      );
    }
    const data = output.data instanceof Float32Array ? output.data : Float32Array.from(output.data);
    return texts.map((_, row) => data.slice(row * width, (row + 1) * width));
  };

  let dimensions: number;
  try {
    dimensions = (await embedBatch(["a"]))[0]?.length ?? 0;
  } catch (cause) {
    await extractor.dispose();
    throw JobdistillError.is(cause)
      ? cause
      : encoderFailed(id, `the model cannot embed: ${errorMessage(cause)}`, { cause });
  }
  let closed = false;
  return {
    id,
    version,
    dimensions,
    normalized: resolved.normalize,
    async embed(texts) {
      if (closed) throw encoderFailed(id, "embed was called after close");
      const vectors: Float32Array[] = [];
      for (const batch of chunks(texts, batchSize)) {
        try {
          vectors.push(...(await embedBatch(batch)));
        } catch (error) {
          if (JobdistillError.is(error)) throw error;
          throw encoderFailed(id, `embedding failed: ${errorMessage(error)}`, { cause: error });
        }
      }
      return vectors;
    },
    async close() {
      if (closed) return;
      closed = true;
      await extractor.dispose();
    },
  };
}
