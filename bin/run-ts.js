#!/usr/bin/env node
// Runs a TypeScript entry point (benchmarks, scripts) through tsx: `node bin/run-ts.js FILE [ARGS…]`.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { register } from "tsx/esm/api";

const entry = process.argv[2];
if (!entry) {
  console.error("usage: node bin/run-ts.js FILE.ts [ARGS…]");
  process.exit(2);
}
process.argv.splice(2, 1);
// Lets a script tell whether it is the entry point (bench/invoked-directly.ts).
process.env.JOBDISTILL_ENTRY = resolve(entry);
register();
await import(pathToFileURL(resolve(entry)).href);
