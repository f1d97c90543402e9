import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { JobdistillError } from "../core/errors.ts";
import {
  decodeModelFile,
  encodeModelFile,
  loadModelFile,
  MODEL_FILE_FORMAT_VERSION,
  ModelFileError,
  type ModelFileProblem,
  saveModelFile,
} from "./model-file.ts";

const model = {
  kind: "segment-classifier" as const,
  config: { labels: ["a", "b"], note: "ünïcode ✓" },
  sections: {
    bytes: Uint8Array.of(1, 2, 3),
    weights: Float32Array.of(0.5, -1.25, 3),
    rows: Uint32Array.of(7, 4_000_000_000),
    names: ["", "java", "naïve\nbayes", "日本語"],
  },
};

/** Rewrites a valid file's JSON header (keeping its length fixed by padding with spaces). */
function withHeader(bytes: Uint8Array, edit: (header: Record<string, unknown>) => unknown): Uint8Array {
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
  const header = JSON.parse(Buffer.from(bytes.subarray(12, 12 + length)).toString("utf8"));
  const text = Buffer.from(JSON.stringify(edit(header)), "utf8");
  if (text.length > length) throw new Error("edited header is longer than the original");
  const copy = Uint8Array.from(bytes);
  copy.fill(0x20, 12, 12 + length);
  copy.set(text, 12);
  return copy;
}

function problemOf(run: () => unknown): { problem: ModelFileProblem; message: string } {
  try {
    run();
  } catch (error) {
    if (!(error instanceof ModelFileError)) throw error;
    expect(error).toBeInstanceOf(JobdistillError);
    expect(error.code).toBe("input");
    return { problem: error.problem, message: error.message };
  }
  throw new Error("expected a ModelFileError");
}

describe("model file", () => {
  const folder = mkdtempSync(join(tmpdir(), "jobdistill-model-file-"));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it("round-trips config and every section type, 8-byte aligned", () => {
    const bytes = encodeModelFile(model);
    expect(Buffer.from(bytes.subarray(0, 8)).toString("latin1")).toBe("JDMODEL\0");
    const file = decodeModelFile(bytes, "segment-classifier", "m.jdm");
    expect(file.config(z.object({ labels: z.array(z.string()), note: z.string() }))).toEqual(model.config);
    expect(problemOf(() => file.config(z.object({ labels: z.number() }))).problem).toBe("bad-header");
    expect(Array.from(file.uint8("bytes"))).toEqual([1, 2, 3]);
    expect(Array.from(file.float32("weights"))).toEqual([0.5, -1.25, 3]);
    expect(Array.from(file.uint32("rows"))).toEqual([7, 4_000_000_000]);
    expect(file.strings("names")).toEqual(model.sections.names);
    expect(file.has("weights")).toBe(true);
    expect(file.has("absent")).toBe(false);
  });

  it("reads sections as views of the file's bytes when aligned, and copies when not", () => {
    const bytes = encodeModelFile(model);
    const view = decodeModelFile(bytes, "segment-classifier").float32("weights");
    expect(view.buffer).toBe(bytes.buffer);
    const shifted = new Uint8Array(bytes.length + 1).subarray(1);
    shifted.set(bytes);
    const copy = decodeModelFile(shifted, "segment-classifier").float32("weights");
    expect(copy.buffer).not.toBe(shifted.buffer);
    expect(Array.from(copy)).toEqual([0.5, -1.25, 3]);
  });

  it("saves and loads through a file, naming the file in errors", () => {
    const path = join(folder, "model.jdm");
    saveModelFile(path, model);
    expect(loadModelFile(path, "segment-classifier").strings("names")).toEqual(model.sections.names);
    const missing = problemOf(() => loadModelFile(join(folder, "absent.jdm"), "tagger"));
    expect(missing.problem).toBe("unreadable");
    expect(missing.message).toContain("absent.jdm");
  });

  it("says a newer format version needs a newer jobdistill", () => {
    // A newer header need not validate against this version's schema: the version is read first.
    const newer = withHeader(encodeModelFile(model), (header) => ({
      format: header.format,
      formatVersion: MODEL_FILE_FORMAT_VERSION + 2,
      blocks: [],
    }));
    const { problem, message } = problemOf(() => decodeModelFile(newer, "segment-classifier", "model.bin"));
    expect(problem).toBe("newer-version");
    expect(message).toBe(
      `model.bin: written by format version ${MODEL_FILE_FORMAT_VERSION + 2}; this jobdistill reads up to ` +
        `${MODEL_FILE_FORMAT_VERSION} — upgrade jobdistill`,
    );
  });

  it("rejects an unknown kind and a model of another kind", () => {
    const unknown = withHeader(encodeModelFile(model), (header) => ({ ...header, kind: "crf" }));
    const first = problemOf(() => decodeModelFile(unknown, "segment-classifier", "m.jdm"));
    expect(first.problem).toBe("unknown-kind");
    expect(first.message).toMatch(/^m\.jdm: holds a model of kind "crf".*knows tagger, segment-classifier/);
    const other = problemOf(() => decodeModelFile(encodeModelFile(model), "tagger", "m.jdm"));
    expect(other).toEqual({
      problem: "wrong-kind",
      message: "m.jdm: holds a segment-classifier model, not a tagger model",
    });
  });

  it("rejects a truncated file, in the header or in a section", () => {
    const bytes = encodeModelFile(model);
    expect(problemOf(() => decodeModelFile(bytes.subarray(0, 40), "segment-classifier", "m")).problem).toBe(
      "truncated",
    );
    const cut = problemOf(() =>
      decodeModelFile(bytes.subarray(0, bytes.length - 1), "segment-classifier", "m"),
    );
    expect(cut.problem).toBe("truncated");
    expect(cut.message).toMatch(/^m: the file is truncated: section "names"/);
  });

  it("rejects a wrong magic, and names the old per-student formats with the command that remakes them", () => {
    const other = problemOf(() => decodeModelFile(Buffer.from("PK\x03\x04 a zip file"), "tagger", "x.zip"));
    expect(other).toEqual({
      problem: "not-a-model",
      message: "x.zip: not a jobdistill model file (it does not start with JDMODEL)",
    });
    expect(problemOf(() => decodeModelFile(new Uint8Array(3), "tagger", "tiny")).problem).toBe("not-a-model");
    for (const old of [
      "JDTAGGER\x10\0\0\0{}",
      "JDSC\x02\0\0\0{}",
      '{"format":"jobdistill-skill-type","version":1}',
    ]) {
      const { problem, message } = problemOf(() =>
        decodeModelFile(Buffer.from(old, "latin1"), "tagger", "old"),
      );
      expect(problem).toBe("old-format");
      expect(message).toMatch(
        /^old: a .* in the file format of an earlier jobdistill.* — retrain it with `jobdistill train`$/,
      );
    }
  });

  it("rejects a section whose length does not match its dtype, or that is misaligned or missing", () => {
    const bytes = encodeModelFile(model);
    const edit = (change: Record<string, unknown>) =>
      withHeader(bytes, (header) => ({
        ...header,
        sections: (header.sections as { name: string }[]).map((entry) =>
          entry.name === "weights" ? { ...entry, ...change } : entry,
        ),
      }));
    const odd = problemOf(() => decodeModelFile(edit({ byteLength: 10 }), "segment-classifier", "m"));
    expect(odd).toEqual({
      problem: "bad-section",
      message: 'm: section "weights" has 10 bytes, which is not 3 float32 values',
    });
    expect(problemOf(() => decodeModelFile(edit({ byteOffset: 2 }), "segment-classifier", "m")).problem).toBe(
      "bad-section",
    );
    const file = decodeModelFile(bytes, "segment-classifier", "m");
    expect(problemOf(() => file.uint32("weights")).message).toBe(
      'm: section "weights" is float32, not uint32',
    );
    expect(problemOf(() => file.float32("absent")).problem).toBe("damaged");
    const strings = withHeader(bytes, (header) => ({
      ...header,
      sections: (header.sections as { name: string }[]).map((entry) =>
        entry.name === "names" ? { ...entry, length: 5 } : entry,
      ),
    }));
    expect(
      problemOf(() => decodeModelFile(strings, "segment-classifier", "m").strings("names")).problem,
    ).toBe("damaged");
  });

  it("rejects a header that is not JSON or not a model header", () => {
    const bytes = encodeModelFile(model);
    const broken = Uint8Array.from(bytes);
    broken[12] = 0x7d; // "}" where "{" was
    expect(problemOf(() => decodeModelFile(broken, "segment-classifier", "m")).problem).toBe("bad-header");
    const noSections = withHeader(bytes, ({ sections: _, ...header }) => header);
    expect(problemOf(() => decodeModelFile(noSections, "segment-classifier", "m")).problem).toBe(
      "bad-header",
    );
    writeFileSync(join(folder, "empty.jdm"), "");
    expect(problemOf(() => loadModelFile(join(folder, "empty.jdm"), "tagger")).problem).toBe("not-a-model");
  });
});
