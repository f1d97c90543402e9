import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { type Browser, chromium, type Page } from "playwright-core";
import { chromiumPath } from "../shared.ts";

// Resolved as a package (not as ../../node_modules), so it is found from Stryker's sandbox copies too.
const axeScript = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

/** Headless Chromium as the page tests drive it: no sandbox, GPU, background traffic or QUIC. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-sync",
      "--disable-quic",
    ],
  });
}

/** A page that accepts downloads and keeps every dialog it opened (dismissed) and every script error. */
export async function watchedPage(
  browser: Browser,
  viewport: { width: number; height: number },
  seen: { dialogs: string[]; pageErrors: string[] },
): Promise<Page> {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  page.on("dialog", (dialog) => {
    seen.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on("pageerror", (error) => seen.pageErrors.push(error.message));
  return page;
}

/** A 1366 × 900 watched page at `url`, once the page says it is ready. */
export async function openReadyPage(
  browser: Browser,
  url: string,
  seen: { dialogs: string[]; pageErrors: string[] },
): Promise<Page> {
  const page = await watchedPage(browser, { width: 1366, height: 900 }, seen);
  await page.goto(url);
  await page.waitForSelector("body[data-ready=true]");
  return page;
}

export interface ContrastFailure {
  html: string;
  summary: string;
}

/**
 * WCAG AA colour contrast of the page as it is now, by axe-core (read from node_modules: no
 * network). axe cannot place the text of an inline SVG chart over a background ("contains an image
 * node"), so that text is measured here with axe's own colour functions: its fill against the first
 * opaque background up the tree, 4.5:1. Any other undecided element counts as a failure.
 * `alsoRules` adds other axe rules to the same run.
 */
export async function contrastFailures(
  page: Page,
  alsoRules: readonly string[] = [],
): Promise<{ violations: ContrastFailure[]; checked: number }> {
  // Evaluated through the devtools protocol, which the page's content security policy does not govern.
  await page.evaluate(readFileSync(axeScript, "utf8"));
  return page.evaluate(async (rules) => {
    interface AxeColor {
      alpha: number;
      parseString(css: string): AxeColor;
    }
    interface AxeNode {
      html: string;
      target: string[];
      failureSummary?: string;
    }
    interface AxeResults {
      violations: { nodes: AxeNode[] }[];
      incomplete: { nodes: AxeNode[] }[];
      passes: { nodes: AxeNode[] }[];
    }
    const axe = (
      window as unknown as {
        axe: {
          run(context: Document, options: unknown): Promise<AxeResults>;
          commons: { color: { Color: new () => AxeColor; getContrast(bg: AxeColor, fg: AxeColor): number } };
        };
      }
    ).axe;
    const color = (css: string): AxeColor => new axe.commons.color.Color().parseString(css);
    const backgroundOf = (element: Element): string => {
      for (let at: Element | null = element; at; at = at.parentElement) {
        const background = getComputedStyle(at).backgroundColor;
        if (color(background).alpha > 0) return background;
      }
      return "rgb(255, 255, 255)";
    };
    const results = await axe.run(document, {
      runOnly: { type: "rule", values: ["color-contrast", ...rules] },
    });
    const failures = results.violations.flatMap((rule) =>
      rule.nodes.map((node) => ({ html: node.html, summary: node.failureSummary ?? "" })),
    );
    let checked = results.passes.reduce((sum, rule) => sum + rule.nodes.length, 0);
    for (const node of results.incomplete.flatMap((rule) => rule.nodes)) {
      const element = document.querySelector(node.target[0] ?? "");
      if (element instanceof SVGTextElement) {
        const ratio = axe.commons.color.getContrast(
          color(backgroundOf(element)),
          color(getComputedStyle(element).fill),
        );
        checked++;
        if (ratio >= 4.5) continue;
        failures.push({ html: node.html, summary: `SVG text at ${ratio.toFixed(2)}:1` });
      } else failures.push({ html: node.html, summary: node.failureSummary ?? "undecided" });
    }
    return { violations: failures, checked };
  }, alsoRules);
}
