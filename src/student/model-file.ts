import { readFileSync, writeFileSync } from "node:fs";
import { endianness } from "node:os";
import { z } from "zod";
import { errorMessage, InputError } from "../core/errors.ts";

/**
 * The one file format of every student, after tfjs-core's `ModelArtifacts`: a JSON header (format
 * version, model kind, the model's config, a manifest of typed sections) and the sections' bytes.
 *
 *   bytes 0–7    magic `JDMODEL\0`
 *   bytes 8–11   uint32 header length H
 *   12 … 12+H    UTF-8 JSON header, padded with spaces so the body starts 8-byte aligned:
 *                `{ format: "jobdistill-model", formatVersion, kind, config, sections: [{ name,
 *                dtype, byteOffset, byteLength, length }] }` (byteOffset from the body's start,
 *                a multiple of 8; length in elements)
 *   body         the sections, little-endian, each at its byteOffset (zero padding between)
 *
 * Numeric sections are read as views of the file's bytes (no copy) when the platform is
 * little-endian and the bytes are aligned (a view keeps the whole file's bytes alive, so a model
 * copies what it keeps as is). A `string` section is, per string, a uint32 byte length
 * and the string's UTF-8 bytes. Each model declares only its config schema and its sections.
 */
export const MODEL_FILE_FORMAT_VERSION = 1;

/** Kinds of model this jobdistill reads (the model registry's `kind`). */
export const modelKinds = [
  "tagger",
  "segment-classifier",
  "skill-type",
  "skill-type-encoder",
  "encoder-segment-classifier",
  "screen-classifier",
  "roles",
] as const;
export type ModelKind = (typeof modelKinds)[number];

const magic = "JDMODEL\0";
const prefixLength = magic.length + 4;
const alignment = 8;

const numericTypes = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  uint32: Uint32Array,
  uint16: Uint16Array,
  uint8: Uint8Array,
} as const;
type NumericDtype = keyof typeof numericTypes;
export type SectionDtype = NumericDtype | "string";
export type NumericSection =
  | Float32Array
  | Float64Array
  | Int32Array
  | Uint32Array
  | Uint16Array
  | Uint8Array;
/** What a model stores besides its config: typed arrays and string lists, by name. */
export type SectionValue = NumericSection | readonly string[];

/** What went wrong with a model file (`data.problem` of the error). */
export type ModelFileProblem =
  | "unreadable"
  | "not-a-model"
  | "old-format"
  | "newer-version"
  | "unknown-kind"
  | "wrong-kind"
  | "truncated"
  | "bad-header"
  | "bad-section"
  | "damaged";

/** A model file that cannot be read: names the file and what is wrong with it (code "input"). */
export class ModelFileError extends InputError {
  readonly file: string;
  readonly problem: ModelFileProblem;
  /** What is wrong, without the file name or the remedy. */
  readonly reason: string;
  /** What to do about it, when the problem says (e.g. "upgrade jobdistill"). */
  readonly remedy: string | undefined;

  constructor(
    file: string,
    problem: ModelFileProblem,
    reason: string,
    options: { remedy?: string; cause?: unknown } = {},
  ) {
    super(`${file}: ${reason}${options.remedy === undefined ? "" : ` — ${options.remedy}`}`, {
      cause: options.cause,
      data: { file, problem },
    });
    this.name = "ModelFileError";
    this.file = file;
    this.problem = problem;
    this.reason = reason;
    this.remedy = options.remedy;
  }
}

const sectionSchema = z.object({
  name: z.string().min(1),
  dtype: z.enum([...(Object.keys(numericTypes) as NumericDtype[]), "string"]),
  byteOffset: z.number().int().nonnegative(),
  byteLength: z.number().int().nonnegative(),
  length: z.number().int().nonnegative(),
});
type SectionEntry = z.infer<typeof sectionSchema>;

const headerSchema = z.object({
  format: z.literal("jobdistill-model"),
  formatVersion: z.number().int().positive(),
  kind: z.string(),
  config: z.unknown(),
  sections: z.array(sectionSchema),
});

function dtypeOf(value: SectionValue): SectionDtype {
  if (Array.isArray(value)) return "string";
  for (const [dtype, type] of Object.entries(numericTypes)) {
    if (value instanceof type) return dtype as NumericDtype;
  }
  throw new TypeError(`model section of unsupported type ${Object.prototype.toString.call(value)}`);
}

const littleEndian = endianness() === "LE";
function requireLittleEndian(file: string): void {
  if (!littleEndian) {
    throw new ModelFileError(file, "unreadable", "model files are little-endian; this platform is not");
  }
}

const alignUp = (offset: number): number => Math.ceil(offset / alignment) * alignment;

function stringBytes(strings: readonly string[]): Uint8Array {
  const encoded = strings.map((text) => Buffer.from(text, "utf8"));
  const bytes = Buffer.alloc(encoded.reduce((total, part) => total + 4 + part.length, 0));
  let offset = 0;
  for (const part of encoded) {
    bytes.writeUInt32LE(part.length, offset);
    part.copy(bytes, offset + 4);
    offset += 4 + part.length;
  }
  return bytes;
}

/** The model as one file's bytes. `config` must be plain JSON; sections keep their insertion order. */
export function encodeModelFile(model: {
  kind: ModelKind;
  config: unknown;
  sections: Readonly<Record<string, SectionValue>>;
}): Uint8Array {
  requireLittleEndian("model file");
  const bodies: Uint8Array[] = [];
  const manifest: SectionEntry[] = [];
  let bodyLength = 0;
  for (const [name, value] of Object.entries(model.sections)) {
    const dtype = dtypeOf(value);
    const bytes =
      dtype === "string"
        ? stringBytes(value as readonly string[])
        : new Uint8Array(
            (value as NumericSection).buffer,
            (value as NumericSection).byteOffset,
            (value as NumericSection).byteLength,
          );
    const byteOffset = alignUp(bodyLength);
    manifest.push({ name, dtype, byteOffset, byteLength: bytes.byteLength, length: value.length });
    bodies.push(bytes);
    bodyLength = byteOffset + bytes.byteLength;
  }
  const header = {
    format: "jobdistill-model",
    formatVersion: MODEL_FILE_FORMAT_VERSION,
    kind: model.kind,
    config: model.config,
    sections: manifest,
  };
  const headerText = Buffer.from(JSON.stringify(header), "utf8");
  const bodyStart = alignUp(prefixLength + headerText.length);
  const file = Buffer.alloc(bodyStart + bodyLength);
  file.write(magic, 0, "latin1");
  file.writeUInt32LE(bodyStart - prefixLength, magic.length);
  headerText.copy(file, prefixLength);
  file.fill(0x20, prefixLength + headerText.length, bodyStart);
  manifest.forEach((entry, index) => {
    file.set(bodies[index] as Uint8Array, bodyStart + entry.byteOffset);
  });
  return file;
}

/** The prefixes of the per-student formats that came before this one. */
const oldFormats = [
  { prefix: "JDTAGGER", what: "a tagger" },
  { prefix: "JDSC", what: "a segment classifier" },
  { prefix: '{"format":"jobdistill-skill-type"', what: "a skill-type model" },
] as const;

/** A decoded model file: its config (checked by the model's own schema) and typed sections by name. */
export class ModelFile {
  private readonly entries: Map<string, SectionEntry>;

  constructor(
    readonly file: string,
    readonly kind: ModelKind,
    private readonly rawConfig: unknown,
    sections: readonly SectionEntry[],
    private readonly body: Uint8Array,
  ) {
    this.entries = new Map(sections.map((entry) => [entry.name, entry]));
  }

  /** The config, validated by the model's schema. */
  config<Schema extends z.ZodType>(schema: Schema): z.infer<Schema> {
    const parsed = schema.safeParse(this.rawConfig);
    if (!parsed.success) {
      throw new ModelFileError(
        this.file,
        "bad-header",
        `the ${this.kind} config is invalid: ${z.prettifyError(parsed.error)}`,
      );
    }
    return parsed.data;
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  float32(name: string): Float32Array {
    return this.numeric(name, "float32") as Float32Array;
  }

  uint32(name: string): Uint32Array {
    return this.numeric(name, "uint32") as Uint32Array;
  }

  uint8(name: string): Uint8Array {
    return this.numeric(name, "uint8") as Uint8Array;
  }

  strings(name: string): string[] {
    const entry = this.entry(name, "string");
    const bytes = Buffer.from(this.body.buffer, this.body.byteOffset + entry.byteOffset, entry.byteLength);
    const strings: string[] = [];
    let offset = 0;
    while (offset + 4 <= bytes.length) {
      const end = offset + 4 + bytes.readUInt32LE(offset);
      if (end > bytes.length) break;
      strings.push(bytes.toString("utf8", offset + 4, end));
      offset = end;
    }
    if (offset !== bytes.length || strings.length !== entry.length) {
      throw this.damaged(
        `section "${name}" does not hold ${entry.length} strings in ${entry.byteLength} bytes`,
      );
    }
    return strings;
  }

  /** An error for content that contradicts the config (an index out of range, a count that differs). */
  damaged(reason: string): ModelFileError {
    return new ModelFileError(this.file, "damaged", reason);
  }

  private entry(name: string, dtype: SectionDtype): SectionEntry {
    const entry = this.entries.get(name);
    if (!entry) throw this.damaged(`the ${this.kind} model has no section "${name}"`);
    if (entry.dtype !== dtype) {
      throw new ModelFileError(this.file, "bad-section", `section "${name}" is ${entry.dtype}, not ${dtype}`);
    }
    return entry;
  }

  /** A view of the file's bytes when aligned, else an aligned copy. */
  private numeric(name: string, dtype: NumericDtype): NumericSection {
    const entry = this.entry(name, dtype);
    const type = numericTypes[dtype];
    const start = this.body.byteOffset + entry.byteOffset;
    if (start % type.BYTES_PER_ELEMENT === 0)
      return new type(this.body.buffer as ArrayBuffer, start, entry.length);
    return new type(this.body.slice(entry.byteOffset, entry.byteOffset + entry.byteLength).buffer);
  }
}

function parseHeader(
  file: string,
  bytes: Uint8Array,
): { header: z.infer<typeof headerSchema>; bodyStart: number } {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length < prefixLength || buffer.toString("latin1", 0, magic.length) !== magic) {
    const start = buffer.toString("latin1", 0, 64);
    const old = oldFormats.find((format) => start.startsWith(format.prefix));
    if (old) {
      throw new ModelFileError(
        file,
        "old-format",
        `${old.what} in the file format of an earlier jobdistill, which this one no longer reads`,
        { remedy: "retrain it with `jobdistill train`" },
      );
    }
    throw new ModelFileError(
      file,
      "not-a-model",
      "not a jobdistill model file (it does not start with JDMODEL)",
    );
  }
  const headerLength = buffer.readUInt32LE(magic.length);
  if (prefixLength + headerLength > buffer.length) {
    throw new ModelFileError(
      file,
      "truncated",
      `the file is truncated: its header needs ${prefixLength + headerLength} bytes, the file has ${buffer.length}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(buffer.toString("utf8", prefixLength, prefixLength + headerLength));
  } catch (cause) {
    throw new ModelFileError(file, "bad-header", `the header is not valid JSON (${errorMessage(cause)})`, {
      cause,
    });
  }
  // The version first: a newer file may have a header this version cannot validate.
  const version = z.object({ formatVersion: z.number() }).safeParse(json);
  if (version.success && version.data.formatVersion > MODEL_FILE_FORMAT_VERSION) {
    throw new ModelFileError(
      file,
      "newer-version",
      `written by format version ${version.data.formatVersion}; this jobdistill reads up to ${MODEL_FILE_FORMAT_VERSION}`,
      { remedy: "upgrade jobdistill" },
    );
  }
  const header = headerSchema.safeParse(json);
  if (!header.success) {
    throw new ModelFileError(file, "bad-header", `the header is invalid: ${z.prettifyError(header.error)}`);
  }
  return { header: header.data, bodyStart: prefixLength + headerLength };
}

function checkSection(file: string, entry: SectionEntry, bodyLength: number): void {
  if (entry.dtype !== "string") {
    const size = numericTypes[entry.dtype].BYTES_PER_ELEMENT;
    if (entry.byteLength !== entry.length * size) {
      throw new ModelFileError(
        file,
        "bad-section",
        `section "${entry.name}" has ${entry.byteLength} bytes, which is not ${entry.length} ${entry.dtype} values`,
      );
    }
    if (entry.byteOffset % size !== 0) {
      throw new ModelFileError(
        file,
        "bad-section",
        `section "${entry.name}" starts at byte ${entry.byteOffset}, not aligned for ${entry.dtype}`,
      );
    }
  }
  if (entry.byteOffset + entry.byteLength > bodyLength) {
    throw new ModelFileError(
      file,
      "truncated",
      `the file is truncated: section "${entry.name}" ends at body byte ${entry.byteOffset + entry.byteLength}, ` +
        `the body has ${bodyLength}`,
    );
  }
}

/**
 * Reads a model file's bytes as a model of `kind`. `file` names it in errors. Every defect
 * (another format, a newer version, another kind, missing or inconsistent bytes) is a ModelFileError.
 */
export function decodeModelFile(bytes: Uint8Array, kind: ModelKind, file = "model file"): ModelFile {
  requireLittleEndian(file);
  const { header, bodyStart } = parseHeader(file, bytes);
  if (!(modelKinds as readonly string[]).includes(header.kind)) {
    throw new ModelFileError(
      file,
      "unknown-kind",
      `holds a model of kind "${header.kind}", which this jobdistill does not know (it knows ${modelKinds.join(", ")})`,
      { remedy: "upgrade jobdistill" },
    );
  }
  if (header.kind !== kind) {
    throw new ModelFileError(file, "wrong-kind", `holds a ${header.kind} model, not a ${kind} model`);
  }
  const body = bytes.subarray(bodyStart);
  const names = new Set<string>();
  for (const entry of header.sections) {
    if (names.has(entry.name))
      throw new ModelFileError(file, "bad-header", `section "${entry.name}" appears twice`);
    names.add(entry.name);
    checkSection(file, entry, body.length);
  }
  return new ModelFile(file, kind, header.config, header.sections, body);
}

export function saveModelFile(path: string, model: Parameters<typeof encodeModelFile>[0]): void {
  writeFileSync(path, encodeModelFile(model));
}

export function loadModelFile(path: string, kind: ModelKind): ModelFile {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (cause) {
    throw new ModelFileError(path, "unreadable", `cannot read the ${kind} model (${errorMessage(cause)})`, {
      cause,
    });
  }
  return decodeModelFile(bytes, kind, path);
}

/** How one kind of model is saved and loaded: only its mapping to and from {config, sections}. */
export interface ModelCodec<Model> {
  encode(model: Model): Uint8Array;
  /** `origin` names the bytes in errors. */
  decode(bytes: Uint8Array, origin?: string): Model;
  save(model: Model, path: string): void;
  load(path: string): Model;
}

export function modelCodec<Model>(
  kind: ModelKind,
  toFile: (model: Model) => { config: unknown; sections: Readonly<Record<string, SectionValue>> },
  fromFile: (file: ModelFile) => Model,
): ModelCodec<Model> {
  return {
    encode: (model) => encodeModelFile({ kind, ...toFile(model) }),
    decode: (bytes, origin = `${kind} model`) => fromFile(decodeModelFile(bytes, kind, origin)),
    save: (model, path) => saveModelFile(path, { kind, ...toFile(model) }),
    load: (path) => fromFile(loadModelFile(path, kind)),
  };
}
