#!/usr/bin/env node
// The CLI, from the compiled package (dist/, built by `npm run build`, which `npm ci` runs): its
// bundle (dist/cli-bundle/, fewer files to load at start) when there, else the compiled modules.
// JOBDISTILL_FROM_SOURCE=1 runs the TypeScript sources through tsx instead (a checkout's tests do).
import { existsSync } from "node:fs";

const bundled = new URL("../dist/cli-bundle/main.js", import.meta.url);
const compiled = existsSync(bundled) ? bundled : new URL("../dist/cli/main.js", import.meta.url);
if (process.env.JOBDISTILL_FROM_SOURCE === "1") {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/cli/main.ts");
} else if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  console.error("jobdistill: the package is not built (no dist/); run `npm run build` in its folder");
  process.exit(1);
}
