import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../core/shared-data.ts";
import { importDemoGold } from "../dataset/gold/index.ts";
import { openWorkspace, type Workspace } from "../store/index.ts";
import { modelPath } from "../student/load-predictors.ts";
import { trainSpanStudents } from "./index.ts";
import { type PredictOutputFormat, predictBatch } from "./predict.ts";

/**
 * Pins, byte for byte, what the requirement students trained on the demo gold with their default
 * settings (the predict-batch bench's students) write for every advert of the demo and requirements
 * corpora, and the model files themselves. The digests were taken from the code before prediction
 * was made faster: speed work must leave models and predictions exactly as they were.
 */
const pinned = {
  taggerFile: "4d97ae156c55a53fc02d77085f659ef02fe20678c74619fd4c25354f93ac5703",
  segmentsFile: "a658b5020932805f6551f1959ccf9ac9626fd0dcd3a7def536cca7f5cb927458",
  jsonl: "649a1d454d1a80bc1c219699fbfd5438c964a16071ff9210d20a798c6500ac89",
  csv: "8e1c486c327de707f590834ac8eb4ccd53734ae6c5356ce7e6d0d94bcdf03d83",
  conll: "9327488d23d329579628c93bc095c7250de23837f3077c517afa92e6f61b7fa4",
};

const sha256 = (data: string | Buffer): string => createHash("sha256").update(data).digest("hex");

function corpusLines(): string[] {
  return ["demo/adverts.jsonl", "corpus/requirements.jsonl"].flatMap((file) =>
    readFileSync(join(projectRoot, file), "utf8")
      .split("\n")
      .filter((line) => line.trim() !== ""),
  );
}

describe("requirement predictions stay byte-identical", () => {
  let dir: string;
  let workspace: Workspace;
  let input: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "jobdistill-predict-golden-"));
    workspace = openWorkspace(dir);
    importDemoGold(workspace);
    await trainSpanStudents(workspace, { task: "requirements", source: "gold" });
    input = join(dir, "adverts.jsonl");
    writeFileSync(input, `${corpusLines().join("\n")}\n`);
  }, 300_000);
  afterAll(() => {
    workspace.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("trains the same model files", () => {
    const digest = (name: string): string => {
      const model = workspace.models.get(name);
      if (!model) throw new Error(`no model ${name}`);
      return sha256(readFileSync(modelPath(workspace, model)));
    };
    expect(digest("requirements-tagger")).toBe(pinned.taggerFile);
    expect(digest("requirements-segments")).toBe(pinned.segmentsFile);
  });

  for (const format of ["jsonl", "csv", "conll"] as const satisfies readonly PredictOutputFormat[]) {
    it(`writes the same ${format} for every corpus advert`, async () => {
      const chunks: Buffer[] = [];
      const output = new Writable({
        write(chunk: Buffer | string, _encoding, done) {
          chunks.push(Buffer.from(chunk));
          done();
        },
      });
      const summary = await predictBatch(workspace, {
        task: "requirements",
        sources: [{ kind: "path", path: input }],
        format,
        output,
      });
      expect(summary.badRows).toBe(0);
      expect(summary.items).toBe(corpusLines().length);
      // JSON lines name the input file, which lives in a fresh temporary folder.
      const written = Buffer.concat(chunks)
        .toString("utf8")
        .replaceAll(JSON.stringify(input), '"adverts.jsonl"');
      expect(sha256(written)).toBe(pinned[format]);
    }, 120_000);
  }
});
