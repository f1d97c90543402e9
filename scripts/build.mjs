#!/usr/bin/env node
// Builds the package into dist/: tsc compiles src/ to JavaScript with .d.ts files, esbuild bundles the
// web page's scripts, and the page's static files are copied beside them. Plain node, no tsx.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
rmSync(dist, { recursive: true, force: true });
const require = createRequire(import.meta.url);
execFileSync(
  process.execPath,
  [require.resolve("typescript/bin/tsc"), "-p", join(root, "tsconfig.build.json")],
  {
    stdio: "inherit",
  },
);
const esbuild = require("esbuild");
// The page scripts and their bundling options come from the compiled module that serves them.
const { webScriptBuildOptions, webScriptEntries } = await import(join(dist, "web", "assets.js"));
const assetsDir = join(dist, "web", "assets");
mkdirSync(assetsDir, { recursive: true });
for (const [name, source] of Object.entries(webScriptEntries)) {
  const result = esbuild.buildSync(webScriptBuildOptions(join(root, "src", "web", "client", source)));
  writeFileSync(join(assetsDir, name), result.outputFiles[0].text);
}
cpSync(join(root, "src", "web", "static"), join(dist, "web", "static"), { recursive: true });
console.log("build: dist/ ready");
