import { describe, expect, it } from "vitest";
import { webAssets } from "./assets.ts";

describe("webAssets", () => {
  it("bundles each page script into one self-contained module", () => {
    const assets = webAssets();
    for (const path of ["/assets/advert-page.js", "/assets/runs-page.js"]) {
      const script = assets.get(path)?.body ?? "";
      expect(script.length, path).toBeGreaterThan(1000);
      expect(script, path).not.toMatch(/^\s*import\s/m);
    }
  });

  it("links every page to assets it serves", () => {
    const assets = webAssets();
    for (const page of ["/", "/runs"]) {
      const html = assets.get(page)?.body ?? "";
      for (const [, href] of html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)) {
        expect(assets.has(href ?? ""), `${page} links ${href}`).toBe(true);
      }
    }
  });
});
