import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/**
 * A package that synchronous code needs only on some paths (HTML input, CSV output), loaded the
 * first time it is used instead of at start-up: every command's cold start pays for what its
 * imports load, and `predict` of one plain-text advert needs neither. The package must ship a
 * CommonJS entry (`require` in its exports).
 */
export function lazyModule<T>(specifier: string): () => T {
  let loaded: T | undefined;
  return () => {
    loaded ??= require(specifier) as T;
    return loaded;
  };
}
