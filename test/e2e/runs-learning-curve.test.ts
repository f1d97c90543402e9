import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createApp } from "../../src/server/app.ts";
import { seedActiveLearningRuns } from "../../src/server/fixtures.ts";
import { createKeywordPredictors } from "../../src/server/keyword-predictors.ts";
import { type RunningServer, startServer } from "../../src/server/start-server.ts";
import { openWorkspace, type Workspace } from "../../src/store/index.ts";
import { describeWithBrowser } from "../shared.ts";
import { contrastFailures, launchChromium, watchedPage } from "./browser.ts";

const outputDir = resolve(import.meta.dirname, "..", "..", "test-output");

describeWithBrowser("runs page: an active-learning job's learning curve", () => {
  let browser: Browser;
  let server: RunningServer;
  let workspace: Workspace;
  let page: Page;
  const dialogs: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(outputDir, { recursive: true });
    workspace = openWorkspace(mkdtempSync(join(tmpdir(), "jobdistill-e2e-curve-")));
    seedActiveLearningRuns(workspace);
    server = await startServer({
      app: createApp({ predictors: createKeywordPredictors(), workspace }),
      port: 0,
    });
    browser = await launchChromium();
    page = await watchedPage(browser, { width: 1366, height: 900 }, { dialogs, pageErrors });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    workspace?.close();
  });

  it("plots F1 against documents labelled for the job and its random control, as lines and as a table, in AA contrast", async () => {
    await page.goto(`${server.url}runs`);
    await page.waitForSelector("body[data-ready=true]");
    // The newest run (the random control's last round) opens first.
    await page.waitForSelector("#run-detail .learning-curve svg polyline");
    expect(await page.locator("#run-detail .learning-curve polyline").count()).toBe(2);
    expect(await page.locator("#run-detail .learning-curve circle").count()).toBe(6);
    const rows = await page.$$eval("#run-detail .learning-curve tbody tr", (trs) =>
      trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent)),
    );
    expect(rows[0]).toEqual(["this job: random, seed 1", "1", "4", "0.31", "#4"]);
    expect(rows).toHaveLength(6);
    expect(rows.slice(3).map((row) => row[3])).toEqual(["0.31", "0.48", "0.57"]);
    // The pick reasons are data: shown as text in the parameters, never run.
    expect(await page.textContent("#run-detail details pre")).toContain("<img src=x onerror=alert(1)>");
    expect(await page.locator("#run-detail img").count()).toBe(0);
    expect(dialogs).toEqual([]);
    await page.screenshot({ path: join(outputDir, "runs-learning-curve.png"), fullPage: true });
    expect((await contrastFailures(page)).violations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
