import { existsSync } from "node:fs";
import { JobdistillError } from "../core/errors.ts";
import { exportModelAsOnnx, type OnnxExportSummary } from "../export/index.ts";
import type { Workspace } from "../store/index.ts";
import { modelPath } from "../student/load-predictors.ts";

export { type EncoderHeadExportOptions, exportEncoderHead, type OnnxExportSummary } from "../export/index.ts";

/**
 * `jobdistill export onnx MODEL OUT/`: MODEL is a model file, or (when no such file exists) the name
 * of a model registered in the workspace `openWorkspace` opens; only then is the workspace read.
 */
export async function exportStudentAsOnnx(
  model: string,
  outDir: string,
  openWorkspace: <T>(body: (workspace: Workspace) => T) => Promise<T>,
): Promise<OnnxExportSummary> {
  const path = existsSync(model)
    ? model
    : await openWorkspace((workspace) => {
        const stored = workspace.models.get(model);
        if (!stored) {
          const names = workspace.models.list().map((entry) => entry.name);
          throw new JobdistillError(
            `no model file ${model}, and no model of that name in the workspace${names.length > 0 ? ` (it has ${names.join(", ")})` : ""}`,
            { code: "not_found", data: { model } },
          );
        }
        return modelPath(workspace, stored);
      });
  return exportModelAsOnnx(path, outDir);
}
