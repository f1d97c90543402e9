/**
 * corpus/GUIDE.md is rendered from the requirements task's own rules (src/tasks/requirements/labels.ts
 * and guide.ts), the same text the teacher's prompt states. This prints the rendered guide; `--write`
 * replaces GUIDE.md with it; `--prompt` prints the teacher's system prompt instead. A test
 * (src/tasks/requirements/guide.test.ts) fails when GUIDE.md and the source drift apart.
 *
 *   node bin/run-ts.js corpus/guide.ts [--write | --prompt]
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { renderAnnotationGuide } from "../src/tasks/requirements/guide.ts";
import { buildRequirementsSystemPrompt } from "../src/tasks/requirements/prompt.ts";

const { values } = parseArgs({ options: { write: { type: "boolean" }, prompt: { type: "boolean" } } });
if (values.prompt) {
  process.stdout.write(`${buildRequirementsSystemPrompt()}\n`);
} else if (values.write) {
  const path = join(import.meta.dirname, "GUIDE.md");
  writeFileSync(path, renderAnnotationGuide());
  process.stderr.write(`wrote ${path}\n`);
} else {
  process.stdout.write(renderAnnotationGuide());
}
