#!/usr/bin/env node
// Builds the package into dist/: tsc compiles src/ to JavaScript with .d.ts files, esbuild bundles the
// web page's scripts, and the page's static files are copied beside them. Plain node, no tsx.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve, sep } from "node:path";
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
// The CLI as one bundle of the compiled modules (split where the commands load lazily), with zod
// inside it and every other package left to node_modules: a command starts by loading a handful of
// files instead of a few hundred (about 140 ms of a one-advert predict). bin/jobdistill.js runs it;
// the library (dist/index.js) and the worker threads stay as tsc wrote them. The chunks sit two
// levels below the package root, as dist/core/ does, so paths found from there still hold.
const bundledPackages = new Set(["zod"]);
await esbuild.build({
  entryPoints: [join(dist, "cli", "main.js")],
  outdir: join(dist, "cli-bundle"),
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  logLevel: "warning",
  plugins: [
    {
      // zod's `locales` namespace (every translation of its error messages, about half of what the
      // bundle takes from zod) is exported, never used here: errors stay in English, which zod sets
      // up from locales/en.js directly. Only that locale goes into the bundle.
      name: "zod-english-only",
      setup(build) {
        build.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
          args.importer.includes(`${sep}node_modules${sep}zod${sep}`)
            ? {
                path: join(dirname(args.importer), args.path.replace("index.js", "en.js")),
                namespace: "zod-en",
              }
            : undefined,
        );
        build.onLoad({ filter: /.*/, namespace: "zod-en" }, (args) => ({
          contents: `export { default as en } from ${JSON.stringify(args.path)};`,
          resolveDir: dirname(args.path),
        }));
      },
    },
    {
      name: "packages-stay-external",
      setup(build) {
        build.onResolve({ filter: /^[^./]/ }, (args) => {
          const name = args.path.startsWith("@")
            ? args.path.split("/").slice(0, 2).join("/")
            : args.path.split("/")[0];
          return bundledPackages.has(name) ? undefined : { path: args.path, external: true };
        });
      },
    },
  ],
});
console.log("build: dist/ ready");
