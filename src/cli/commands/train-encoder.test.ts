import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { captureIo } from "../../../test/capture-io.ts";
import { describeWithShared } from "../../../test/shared.ts";
import { importDemoGold } from "../../dataset/gold/index.ts";
import { openWorkspace } from "../../store/index.ts";
import type { HighlightResult } from "../../student/predictors.ts";
import { runCli } from "../program.ts";

// The tiny-bert fixture (random weights, 32-d): the path through train, the model file and predict,
// not accuracy; it embeds the demo corpus's segments in seconds where USE-lite would take minutes.
describeWithShared(
  "train --encoder on the demo corpus",
  "fixtures/tiny-bert/onnx/model.onnx",
  (modelFile) => {
    const encoder = `hf:${dirname(dirname(modelFile))}`;
    let dir: string;
    const run = async (...args: string[]) => {
      const io = captureIo();
      const code = await runCli(["--workspace", dir, ...args], io);
      return { code, out: io.stdout, err: io.stderr };
    };

    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), "jobdistill-train-encoder-"));
      const workspace = openWorkspace(dir);
      try {
        importDemoGold(workspace);
      } finally {
        workspace.close();
      }
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it("trains an encoder-backed segment classifier, records its encoder, and predicts with it", async () => {
      const trained = await run(
        "train",
        "--task",
        "requirements",
        "--source",
        "gold",
        "--epochs",
        "2",
        "--encoder",
        encoder,
        "--encoder-features",
        "combined",
      );
      expect(trained.err.join("\n")).toMatch(/embedded \d+ distinct segments with hf:/);
      expect(trained.code, trained.err.join("\n")).toBe(0);
      expect(trained.out.join("\n")).toMatch(/segment classifier \(over hf:.*tiny-bert\)/);
      const workspace = openWorkspace(dir);
      try {
        const model = workspace.models.get("requirements-segments");
        expect(model?.kind).toBe("encoder-segment-classifier");
        expect(model?.path).toMatch(/requirements-segments\.jdes$/);
        expect((model?.metrics as { encoder?: { id: string } } | undefined)?.encoder?.id).toBe(encoder);
      } finally {
        workspace.close();
      }
      const predicted = await run(
        "predict",
        "--task",
        "requirements",
        "We offer a pension. You know Python.",
      );
      expect(predicted.code, predicted.err.join("\n")).toBe(0);
      const result = JSON.parse(predicted.out.join("")) as HighlightResult;
      expect(result.text).toBe("We offer a pension. You know Python.");
    }, 300_000);

    it("refuses --encoder where there is no segment classifier, and --encoder-features alone", async () => {
      const skills = await run("train", "--task", "skills", "--source", "gold", "--encoder", "use-lite");
      expect(skills.code).not.toBe(0);
      expect(skills.err.join("\n")).toMatch(/--encoder is for --task requirements or --task skill-type/);
      const alone = await run("train", "--task", "requirements", "--encoder-features", "combined");
      expect(alone.code).not.toBe(0);
      expect(alone.err.join("\n")).toMatch(/give --encoder too/);
    });
  },
);
