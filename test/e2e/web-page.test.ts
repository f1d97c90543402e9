import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createApp } from "../../src/server/app.ts";
import { sampleAdvert, seedSampleRuns } from "../../src/server/fixtures.ts";
import { createKeywordPredictors } from "../../src/server/keyword-predictors.ts";
import { type RunningServer, startServer } from "../../src/server/start-server.ts";
import { openWorkspace, type Workspace } from "../../src/store/index.ts";
import type { HighlightSpan, Predictors } from "../../src/student/predictors.ts";
import { requirementCategories, requirementCategoryIds } from "../../src/tasks/requirements/labels.ts";
import { describeWithBrowser } from "../shared.ts";
import { launchChromium, openReadyPage } from "./launch-browser.ts";

/**
 * The web page in a real browser (Debian's chromium, driven by playwright-core) against a server
 * on a random loopback port with keyword predictors standing in for trained students.
 */
const outputDir = resolve(import.meta.dirname, "..", "..", "test-output");
const axeScript = resolve(import.meta.dirname, "..", "..", "node_modules", "axe-core", "axe.min.js");

/** The duty the sample advert's keyword rules leave out: it holds two hard skills, as the guide nests them. */
const nestedDuty = "Design and maintain data pipelines in Python and SQL";

/** Keyword predictors that also mark `nestedDuty` as a job duty, so the page gets nested spans. */
function predictorsWithNestedDuty(): Predictors {
  const keywords = createKeywordPredictors();
  return {
    ...keywords,
    async highlight(input) {
      const result = await keywords.highlight(input);
      const start = result.text.indexOf(nestedDuty);
      if (start === -1) return result;
      const duty: HighlightSpan = {
        start,
        end: start + nestedDuty.length,
        category: "job_duties",
        text: nestedDuty,
        score: 0.8,
      };
      return {
        text: result.text,
        spans: [...result.spans, duty].sort((a, b) => a.start - b.start || b.end - a.end),
      };
    },
  };
}

interface ContrastFailure {
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
async function contrastFailures(
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

describeWithBrowser("web page in chromium", () => {
  let browser: Browser;
  let server: RunningServer;
  let workspace: Workspace;
  let page: Page;
  const dialogs: string[] = [];
  const pageErrors: string[] = [];
  const predictors = predictorsWithNestedDuty();

  beforeAll(async () => {
    mkdirSync(outputDir, { recursive: true });
    workspace = openWorkspace(mkdtempSync(join(tmpdir(), "jobdistill-e2e-")));
    seedSampleRuns(workspace);
    server = await startServer({
      app: createApp({ predictors, workspace }),
      port: 0,
    });
    browser = await launchChromium();
    page = await openReadyPage(browser, server.url, { dialogs, pageErrors });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    workspace?.close();
  });

  async function highlight(text: string): Promise<void> {
    await page.fill("#advert-text", text);
    await page.click("#highlight-button");
    await page.waitForSelector("#result:not([hidden])");
    await page.waitForFunction(() => !document.querySelector("#status")?.classList.contains("busy"));
  }

  const shownCategories = () =>
    page.$$eval("#advert mark.hl", (marks) => [
      ...new Set(marks.map((mark) => mark.getAttribute("data-category"))),
    ]);

  it("highlights a pasted advert by category, with the score on hover and a side list", async () => {
    await highlight(sampleAdvert);
    expect(await page.textContent("#advert")).toBe(sampleAdvert);
    // The keyword predictors mark all ten categories in the sample advert.
    expect((await shownCategories()).sort()).toEqual([...requirementCategoryIds].sort());
    const python = page.locator('#advert mark.hl[data-category="hard_skills"]', { hasText: "Python" });
    expect(await python.getAttribute("title")).toBe("Hard skills · score 0.93");
    expect(await python.evaluate((mark) => getComputedStyle(mark).backgroundColor)).toBe(
      "rgb(153, 233, 242)",
    );
    const sideGroups = await page.$$eval("#side-list section.group h3", (headings) =>
      headings.map((heading) => heading.textContent),
    );
    expect(sideGroups).toContain("Hard skills3");
    await page.screenshot({ path: join(outputDir, "web-page.png"), fullPage: false });
  });

  it("draws a hard skill inside a duty, inside its mark and outlined, each category toggleable", async () => {
    const inner = page.locator(
      '#advert mark[data-category="job_duties"] > mark[data-category="hard_skills"]',
    );
    expect(await inner.allTextContents()).toEqual(["Python", "SQL"]);
    const duty = page.locator('#advert mark[data-category="job_duties"]', { hasText: nestedDuty });
    expect(await duty.textContent()).toBe(nestedDuty);
    const look = (selector: string) =>
      page.$eval(selector, (mark) => {
        const style = getComputedStyle(mark);
        return { border: style.borderTopStyle, background: style.backgroundColor };
      });
    const outerLook = await look('#advert mark[data-category="job_duties"]:has(> mark)');
    const innerLook = await look(
      '#advert mark[data-category="job_duties"] > mark[data-category="hard_skills"]',
    );
    expect(outerLook.border).toBe("none");
    expect(innerLook.border).toBe("solid");
    expect(innerLook.background).not.toBe(outerLook.background);

    const toggle = (category: string) => page.click(`#legend button[data-category="${category}"]`);
    await toggle("job_duties");
    expect(await page.locator('#advert mark[data-category="job_duties"]').count()).toBe(0);
    expect(await page.locator("#advert mark mark").count()).toBe(0);
    expect(await page.locator('#advert mark[data-category="hard_skills"]').count()).toBe(3);
    await toggle("job_duties");
    await toggle("hard_skills");
    expect(await duty.textContent()).toBe(nestedDuty);
    expect(await duty.locator("mark").count()).toBe(0);
    await toggle("hard_skills");
    expect(await inner.count()).toBe(2);
    expect(await page.textContent("#advert")).toBe(sampleAdvert);
  });

  it("reaches every highlight by keyboard in reading order, announced with its category, focus shown", async () => {
    const expected = (await predictors.highlight({ text: sampleAdvert })).spans
      .sort((a, b) => a.start - b.start || b.end - a.end)
      .map((span) => {
        const name = requirementCategories.find((category) => category.id === span.category)?.name;
        return `${name}: ${span.text}`;
      });
    await page.focus("#min-score");
    await page.keyboard.press("Tab");
    const focused = () =>
      page.evaluate(() => {
        const active = document.activeElement as HTMLElement;
        const style = getComputedStyle(active);
        return {
          tag: active.tagName,
          label: active.getAttribute("aria-label"),
          outline: `${style.outlineStyle} ${Number.parseFloat(style.outlineWidth) >= 2}`,
        };
      });
    const labels: string[] = [];
    for (let stop = 0; stop < expected.length; stop++) {
      const now = await focused();
      expect(now.tag).toBe("MARK");
      expect(now.outline).toBe("solid true");
      labels.push(now.label ?? "");
      await page.keyboard.press("ArrowRight");
    }
    expect(labels).toEqual(expected);
    expect((await focused()).label).toBe(expected.at(-1));
    await page.keyboard.press("Home");
    expect((await focused()).label).toBe(expected[0]);
    await page.keyboard.press("ArrowLeft");
    expect((await focused()).label).toBe(expected[0]);
    await page.keyboard.press("End");
    await page.keyboard.press("ArrowUp");
    expect((await focused()).label).toBe(expected.at(-2));
    // The advert is one Tab stop: Tab leaves it, Shift+Tab comes back to the highlight last visited.
    await page.keyboard.press("Tab");
    expect((await focused()).tag).not.toBe("MARK");
    await page.keyboard.press("Shift+Tab");
    expect((await focused()).label).toBe(expected.at(-2));
    expect(await page.textContent("#advert-help")).toContain("arrow keys");
    const ariaRules = [
      "aria-allowed-attr",
      "aria-prohibited-attr",
      "aria-allowed-role",
      "scrollable-region-focusable",
    ];
    expect((await contrastFailures(page, ariaRules)).violations).toEqual([]);
  });

  it("shows every category's definition without hovering", async () => {
    const definitions = page.locator("#definitions");
    expect(await definitions.isVisible()).toBe(false);
    await page.click("details.definitions summary");
    expect(await definitions.isVisible()).toBe(true);
    const shown = await page.$$eval("#definitions dt", (terms) =>
      terms.map((term) => [term.textContent, term.nextElementSibling?.textContent]),
    );
    expect(shown).toEqual(requirementCategories.map((category) => [category.name, category.definition]));
  });

  it("meets WCAG AA contrast on the advert page: highlights, nested marks, zero counts, hidden categories", async () => {
    await page.click('#legend button[data-category="benefits"]');
    const full = await contrastFailures(page);
    expect(full.violations).toEqual([]);
    expect(full.checked).toBeGreaterThan(60);
    await page.click('#legend button[data-category="benefits"]');
    // An advert with one category found: nine chips count 0.
    await highlight("Python developer");
    expect(await page.locator("#legend .count", { hasText: /^0$/ }).count()).toBe(9);
    expect((await contrastFailures(page)).violations).toEqual([]);
    await highlight(sampleAdvert);
  });

  it("toggles a category off and on from the keyboard", async () => {
    const toggle = page.locator('#legend button[data-category="soft_skills"]');
    expect(await toggle.getAttribute("aria-pressed")).toBe("true");
    await toggle.focus();
    await page.keyboard.press("Space");
    expect(
      await page.locator('#legend button[data-category="soft_skills"]').getAttribute("aria-pressed"),
    ).toBe("false");
    expect(await page.locator('#advert mark[data-category="soft_skills"]').count()).toBe(0);
    expect(await page.locator('#side-list [data-category="soft_skills"]').count()).toBe(0);
    expect(await page.textContent("#advert")).toBe(sampleAdvert);
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-category"))).toBe(
      "soft_skills",
    );
    await page.keyboard.press("Enter");
    expect(await page.locator('#advert mark[data-category="soft_skills"]').count()).toBe(2);
  });

  it("downloads the highlights as CSV", async () => {
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.click('[data-download="highlights:csv"]'),
    ]);
    expect(download.suggestedFilename()).toBe("highlights.csv");
    const csv = readFileSync(await download.path(), "utf8");
    const lines = csv.trim().split("\r\n");
    expect(lines[0]).toBe("category,category_name,start,end,score,text");
    expect(lines).toContain(
      `hard_skills,Hard skills,${sampleAdvert.indexOf("Python")},${sampleAdvert.indexOf("Python") + 6},0.9300,Python`,
    );
    // A header and one row per highlight the keyword predictors give the sample advert.
    expect(lines).toHaveLength(1 + (await predictors.highlight({ text: sampleAdvert })).spans.length);
  });

  it("shows markup in an advert as text and runs none of it", async () => {
    const hostile =
      'Python developer <script>alert(1)</script> wanted.\n<img src=x onerror=alert(1)> and <b onmouseover="alert(2)">SQL</b>';
    await highlight(hostile);
    await page.hover("#advert");
    await page.waitForTimeout(300);
    expect(dialogs).toEqual([]);
    expect(await page.textContent("#advert")).toBe(hostile);
    expect(await page.locator("#advert script, #advert img, #advert b").count()).toBe(0);
    await expect(
      page.getByText("<script>alert(1)</script>", { exact: false }).first().isVisible(),
    ).resolves.toBe(true);
    expect(await page.textContent("#side-list")).toContain("SQL");
  });

  it("reads an uploaded HTML advert as HTML: its visible text, highlighted, no script run", async () => {
    await page.setInputFiles("#advert-file", {
      name: "advert.html",
      mimeType: "text/html",
      buffer: Buffer.from(
        "<html><body><h1>Nurse</h1><script>alert('upload')</script><p>We need Python &amp; SQL.</p>" +
          '<img src="x" onerror="alert(3)"></body></html>',
      ),
    });
    await page.waitForFunction(() =>
      document.querySelector("#advert")?.textContent?.includes("Python & SQL"),
    );
    expect(await page.inputValue("#advert-format")).toBe("html");
    expect(await page.textContent("#advert")).toBe("Nurse We need Python & SQL.");
    expect(await page.locator('#advert mark[data-category="hard_skills"]').count()).toBe(2);
    expect(dialogs).toEqual([]);
  });

  it("types an uploaded CSV of skills", async () => {
    await page.setInputFiles("#skills-file", {
      name: "skills.csv",
      mimeType: "text/csv",
      buffer: Buffer.from('id,skill\n1,"Python, advanced"\n2,teamwork\n'),
    });
    await page.waitForFunction(() => document.querySelectorAll("#skills-body tr").length === 2);
    const labels = await page.$$eval("#skills-body tr td:nth-child(2)", (cells) =>
      cells.map((cell) => cell.textContent),
    );
    expect(labels).toEqual(["Hard", "Soft"]);
  });

  it("types a pasted skill list into a hard/soft table", async () => {
    await page.fill("#skills-text", "Python\nexcellent communication skills\norigami");
    await page.click("#skills-button");
    // The table of the previous test is still shown: wait for this answer's three rows.
    await page.waitForFunction(() => document.querySelectorAll("#skills-body tr").length === 3);
    const rows = await page.$$eval("#skills-body tr", (trs) =>
      trs.map((tr) => [...tr.querySelectorAll("td")].slice(0, 2).map((td) => td.textContent)),
    );
    expect(rows).toEqual([
      ["Python", "Hard"],
      ["excellent communication skills", "Soft"],
      ["origami", "Unknown"],
    ]);
    expect(await page.textContent("#skills-summary")).toBe("1 hard, 1 soft, 1 unknown");
  });

  it("shows runs with cost, failures, F1 bars and a confusion matrix", async () => {
    await page.goto(`${server.url}runs`);
    await page.waitForSelector("body[data-ready=true]");
    expect(await page.locator("#runs-body tr").count()).toBe(3);
    expect(await page.locator("#cost-chart svg rect").count()).toBe(1);
    await page.waitForSelector("#run-detail:not([hidden]) svg");
    expect(await page.locator("#run-detail svg rect").count()).toBe(5);
    expect(await page.locator("#run-detail table.confusion tbody tr").count()).toBe(3);
    await page.screenshot({ path: join(outputDir, "runs-page.png"), fullPage: true });
    const runsContrast = await contrastFailures(page);
    expect(runsContrast.violations).toEqual([]);
    expect(await page.locator("#run-detail table.confusion td.zero").count()).toBeGreaterThan(0);
    await page.click('button[aria-label="Show run 1"]');
    await page.waitForFunction(() =>
      document.querySelector("#run-detail h2")?.textContent?.startsWith("Run #1"),
    );
    expect(await page.textContent("#run-detail")).toContain("$0.0044");
    expect((await contrastFailures(page)).violations).toEqual([]);
  });

  it("has no page-wide horizontal scroll at 390 px wide, on either page", async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const small = await phone.newPage();
    small.on("pageerror", (error) => pageErrors.push(error.message));
    const pageWidth = () => small.evaluate(() => document.documentElement.scrollWidth);
    await small.goto(server.url);
    await small.waitForSelector("body[data-ready=true]");
    await small.fill("#advert-text", sampleAdvert);
    await small.click("#highlight-button");
    await small.waitForSelector("#result:not([hidden]) mark.hl");
    await small.click("details.definitions summary");
    await small.fill("#skills-text", "Python\nexcellent communication skills");
    await small.click("#skills-button");
    await small.waitForSelector("#skills-body tr");
    expect(await pageWidth()).toBeLessThanOrEqual(390);
    await small.goto(`${server.url}runs`);
    await small.waitForSelector("body[data-ready=true]");
    await small.waitForSelector("#run-detail:not([hidden]) table.confusion");
    await small.click('button[aria-label="Show run 1"]');
    await small.waitForSelector("#run-detail table.data");
    expect(await pageWidth()).toBeLessThanOrEqual(390);
    // The wide tables scroll inside their own box instead.
    const runsTable = await small.$eval(".table-scroll", (box) => box.scrollWidth > box.clientWidth);
    expect(runsTable).toBe(true);
    await small.screenshot({ path: join(outputDir, "runs-page-390.png"), fullPage: true });
    await phone.close();
  });

  it("raised no script errors", () => {
    expect(pageErrors).toEqual([]);
  });
});
