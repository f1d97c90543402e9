import { writeFileSync } from "node:fs";
import type { AnnotationReader } from "../../store/index.ts";
import { selectAnnotations } from "../select-annotations.ts";
import { type TaskLabel, taskLabels } from "../task-labels.ts";

export interface LabelStudioExportOptions {
  task: string;
  /** Annotation source (kind or name), as for `dataset build`. */
  source?: string | undefined;
  /** Where the tasks JSON goes; the labeling config is written beside it (`<out>.config.xml`). */
  out: string;
}

export interface LabelStudioExportSummary {
  tasks: number;
  spans: number;
  source: string;
  out: string;
  configPath: string;
}

/** The names the exported results and the labeling config agree on. */
export const labelStudioControl = { fromName: "label", toName: "text" } as const;

function escapeXml(value: string): string {
  return value
    .replaceAll("&", "&amp;")
    .replaceAll('"', "&quot;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;");
}

/** A Label Studio labeling config for span labels over `$text`. */
export function labelStudioConfig(labels: readonly TaskLabel[]): string {
  const lines = labels.map((label) => {
    const background = label.color ? ` background="${escapeXml(label.color)}"` : "";
    const hint = label.name === label.id ? "" : ` hint="${escapeXml(label.name)}"`;
    return `    <Label value="${escapeXml(label.id)}"${background}${hint}/>`;
  });
  return [
    "<View>",
    `  <Labels name="${labelStudioControl.fromName}" toName="${labelStudioControl.toName}">`,
    ...lines,
    "  </Labels>",
    `  <Text name="${labelStudioControl.toName}" value="$text"/>`,
    "</View>",
    "",
  ].join("\n");
}

/**
 * Writes stored annotations in Label Studio's import format, as predictions people can review and
 * correct: one task per document (`data.text` is the text the spans point into, HTML reduced;
 * `data.doc_id` lets a re-import attach the reviewed labels to the same document), and the
 * matching labeling config beside it.
 */
export function exportLabelStudio(
  workspace: AnnotationReader,
  options: LabelStudioExportOptions,
): LabelStudioExportSummary {
  const selection = selectAnnotations(workspace, options);
  const modelVersion = `${selection.source.kind}:${selection.source.name}`;
  let spans = 0;
  const tasks = selection.documents.map(({ document, text, spans: documentSpans }) => {
    spans += documentSpans.length;
    const data: Record<string, unknown> = { text, doc_id: document.id };
    if (typeof document.meta?.title === "string") data.title = document.meta.title;
    return {
      data,
      predictions: [
        {
          model_version: modelVersion,
          result: documentSpans.map((span, index) => ({
            id: `${document.id}-${index}`,
            from_name: labelStudioControl.fromName,
            to_name: labelStudioControl.toName,
            type: "labels",
            value: { start: span.start, end: span.end, text: span.text, labels: [span.label] },
            score: span.score,
          })),
        },
      ],
    };
  });
  const observed = selection.documents.flatMap((entry) => entry.spans.map((span) => span.label));
  const configPath = `${options.out.replace(/\.json$/i, "")}.config.xml`;
  writeFileSync(options.out, `${JSON.stringify(tasks, null, 2)}\n`);
  writeFileSync(configPath, labelStudioConfig(taskLabels(options.task, observed)));
  return { tasks: tasks.length, spans, source: modelVersion, out: options.out, configPath };
}
