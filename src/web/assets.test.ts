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
    const links = (page: string) =>
      [...(assets.get(page)?.body ?? "").matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map(
        (match) => match[1] ?? "",
      );
    // Each page links its stylesheet and its own script; a page that linked nothing would pass below.
    expect(links("/")).toEqual(["/assets/style.css", "/assets/advert-page.js"]);
    expect(links("/runs")).toEqual(["/assets/style.css", "/assets/runs-page.js"]);
    for (const href of [...links("/"), ...links("/runs")]) expect(assets.has(href), href).toBe(true);
  });
});
