import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { runningTreeFolder } from "../core/shared-data.ts";

/** A file the web page needs, ready to send. */
export interface WebAsset {
  contentType: string;
  body: string;
}

/** src/web or dist/web: found from the project root, since the CLI's bundle runs this from elsewhere. */
const webDir = runningTreeFolder("web");

/** The pages' scripts are TypeScript (type-checked with the rest), bundled into one module each. */
export const webScriptEntries = {
  "advert-page.js": "advert-page.ts",
  "runs-page.js": "runs-page.ts",
  "roles-page.js": "roles-page.ts",
} as const;

const staticFiles = {
  "/": { file: "index.html", contentType: "text/html; charset=utf-8" },
  "/runs": { file: "runs.html", contentType: "text/html; charset=utf-8" },
  "/roles": { file: "roles.html", contentType: "text/html; charset=utf-8" },
  "/assets/style.css": { file: "style.css", contentType: "text/css; charset=utf-8" },
} as const;

interface EsbuildLike {
  buildSync(options: Record<string, unknown>): { outputFiles?: { text: string }[] };
}

/**
 * One page script as a browser module. The package ships them prebuilt (`npm run build` bundles them
 * into `web/assets/` beside this file); from the TypeScript sources they are bundled here, once, with
 * esbuild (a development dependency, loaded only then).
 */
function pageScript(name: keyof typeof webScriptEntries): string {
  const prebuilt = join(webDir, "assets", name);
  if (existsSync(prebuilt)) return readFileSync(prebuilt, "utf8");
  const esbuild = createRequire(import.meta.url)("esbuild") as EsbuildLike;
  const result = esbuild.buildSync(webScriptBuildOptions(join(webDir, "client", webScriptEntries[name])));
  const output = result.outputFiles?.[0];
  if (!output) throw new Error(`esbuild produced nothing for ${name}`);
  return output.text;
}

/** esbuild's options for a page script, shared with the package build. */
export function webScriptBuildOptions(entry: string): Record<string, unknown> {
  return {
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    target: "es2022",
    platform: "browser",
    write: false,
    legalComments: "none",
  };
}

let cached: ReadonlyMap<string, WebAsset> | undefined;

/** Every page, stylesheet and script by URL path, read once per process and kept in memory. */
export function webAssets(): ReadonlyMap<string, WebAsset> {
  if (cached) return cached;
  const assets = new Map<string, WebAsset>();
  for (const [path, { file, contentType }] of Object.entries(staticFiles)) {
    assets.set(path, { contentType, body: readFileSync(join(webDir, "static", file), "utf8") });
  }
  for (const name of Object.keys(webScriptEntries) as (keyof typeof webScriptEntries)[]) {
    assets.set(`/assets/${name}`, { contentType: "text/javascript; charset=utf-8", body: pageScript(name) });
  }
  cached = assets;
  return assets;
}
