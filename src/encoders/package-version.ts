import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** The installed version of a package that lets its package.json be required (no `exports` map hiding it). */
export function installedVersion(packageName: string): string {
  const manifest = require(`${packageName}/package.json`) as { version?: unknown };
  return typeof manifest.version === "string" ? manifest.version : "unknown";
}
