import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createApp } from "../../src/server/app.ts";
import { sampleAdvert, seedSampleRuns } from "../../src/server/fixtures.ts";
import { createKeywordPredictors } from "../../src/server/keyword-predictors.ts";
import { type RunningServer, startServer } from "../../src/server/start-server.ts";
import { openWorkspace, type Workspace } from "../../src/store/index.ts";
import { requirementCategoryIds } from "../../src/tasks/requirements/labels.ts";
import { chromiumPath, describeWithBrowser } from "../shared.ts";

/**
 * The web page in a real browser (Debian's chromium, driven by playwright-core) against a server
 * on a random loopback port with keyword predictors standing in for trained students.
 */
const outputDir = resolve(import.meta.dirname, "..", "..", "test-output");

describeWithBrowser("web page in chromium", () => {
  let browser: Browser;
  let server: RunningServer;
  let workspace: Workspace;
  let page: Page;
  const dialogs: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(outputDir, { recursive: true });
    workspace = openWorkspace(mkdtempSync(join(tmpdir(), "jobdistill-e2e-")));
    seedSampleRuns(workspace);
    server = await startServer({
      app: createApp({ predictors: createKeywordPredictors(), workspace }),
      port: 0,
    });
    browser = await chromium.launch({
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
    const context = await browser.newContext({
      viewport: { width: 1366, height: 900 },
      acceptDownloads: true,
    });
    page = await context.newPage();
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.goto(server.url);
    await page.waitForSelector("body[data-ready=true]");
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
    const python = page.locator("#advert mark.hl", { hasText: "Python" }).first();
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
    expect(lines).toHaveLength(1 + createKeywordPredictors().highlight({ text: sampleAdvert }).spans.length);
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
    await page.click('button[aria-label="Show run 1"]');
    await page.waitForFunction(() =>
      document.querySelector("#run-detail h2")?.textContent?.startsWith("Run #1"),
    );
    expect(await page.textContent("#run-detail")).toContain("$0.0044");
  });

  it("raised no script errors", () => {
    expect(pageErrors).toEqual([]);
  });
});
