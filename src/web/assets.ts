import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";

/** A file the web page needs, ready to send. */
export interface WebAsset {
  contentType: string;
  body: string;
}

const webDir = dirname(fileURLToPath(import.meta.url));

/** The pages' scripts are TypeScript (type-checked with the rest), bundled into one module each. */
const scriptEntries = {
  "/assets/advert-page.js": join(webDir, "client", "advert-page.ts"),
  "/assets/runs-page.js": join(webDir, "client", "runs-page.ts"),
} as const;

const staticFiles = {
  "/": { file: "index.html", contentType: "text/html; charset=utf-8" },
  "/runs": { file: "runs.html", contentType: "text/html; charset=utf-8" },
  "/assets/style.css": { file: "style.css", contentType: "text/css; charset=utf-8" },
} as const;

let cached: ReadonlyMap<string, WebAsset> | undefined;

/**
 * Every page, stylesheet and script by URL path. Built once per process (esbuild takes a few tens
 * of milliseconds) and kept in memory, so serving a page never touches the disk.
 */
export function webAssets(): ReadonlyMap<string, WebAsset> {
  if (cached) return cached;
  const assets = new Map<string, WebAsset>();
  for (const [path, { file, contentType }] of Object.entries(staticFiles)) {
    assets.set(path, { contentType, body: readFileSync(join(webDir, "static", file), "utf8") });
  }
  for (const [path, entry] of Object.entries(scriptEntries)) {
    const result = buildSync({
      entryPoints: [entry],
      bundle: true,
      format: "esm",
      target: "es2022",
      platform: "browser",
      write: false,
      legalComments: "none",
    });
    const output = result.outputFiles[0];
    if (!output) throw new Error(`esbuild produced nothing for ${entry}`);
    assets.set(path, { contentType: "text/javascript; charset=utf-8", body: output.text });
  }
  cached = assets;
  return assets;
}
