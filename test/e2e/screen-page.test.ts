import { readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createApp } from "../../src/server/app.ts";
import { sampleScreenModel } from "../../src/server/fixtures.ts";
import { createKeywordPredictors } from "../../src/server/keyword-predictors.ts";
import { type RunningServer, startServer } from "../../src/server/start-server.ts";
import { describeWithBrowser } from "../shared.ts";
import { launchChromium, openReadyPage } from "./browser.ts";

/**
 * The page's screening section in a real browser against a server with a small n-gram screen
 * model (src/server/fixtures.ts): upload resumes, see them ranked, download the CSV; file names and
 * contents that look like markup stay text.
 */
describeWithBrowser("screening section in chromium", () => {
  let browser: Browser;
  let server: RunningServer;
  let page: Page;
  const dialogs: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    server = await startServer({
      app: createApp({ predictors: createKeywordPredictors(), screen: await sampleScreenModel() }),
      port: 0,
    });
    browser = await launchChromium();
    page = await openReadyPage(browser, server.url, { dialogs, pageErrors });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const file = (name: string, text: string) => ({ name, mimeType: "text/plain", buffer: Buffer.from(text) });

  it("ranks uploaded resumes, shows why, lists the unreadable one, and keeps markup as text", async () => {
    await page.setInputFiles("#screen-files", [
      file("chef.txt", "Cooked for a busy restaurant kitchen.\nPlanned weekly menus with the head chef."),
      file(
        '<img src=x onerror="alert(1)">.md',
        "Ran Kubernetes clusters on AWS.\n<script>alert(2)</script> Built CI pipelines in GitHub Actions.",
      ),
      { name: "broken.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.7 not really") },
    ]);
    await page.click("#screen-button");
    await page.waitForSelector("#screen-result:not([hidden])");
    const rows = await page.$$eval("#screen-body tr", (trs) =>
      trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent ?? "")),
    );
    expect(rows.map((row) => row[0])).toEqual(["1", "2"]);
    expect(rows[0]?.[1]).toBe('<img src=x onerror="alert(1)">.md');
    expect(rows[0]?.[3]).toBe("devops");
    expect(rows[0]?.[4]).toContain("Ran Kubernetes clusters on AWS.");
    expect(rows[1]?.[1]).toBe("chef.txt");
    expect(await page.textContent("#screen-failures")).toMatch(/^broken\.pdf: unreadable PDF/);
    expect(await page.textContent("#screen-summary")).toMatch(
      /2 ranked by P\(devops\) \(ngram student\); 1 unreadable/,
    );
    expect(await page.$$("#screen-result img, #screen-result script")).toHaveLength(0);
  });

  it("downloads the ranking as CSV", async () => {
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#screen-csv")]);
    expect(download.suggestedFilename()).toBe("ranked.csv");
    const csv = readFileSync((await download.path()) as string, "utf8");
    const lines = csv.trim().split("\n");
    expect(lines[0]).toBe("rank,id,score,label,sentence_1,sentence_2,sentence_3");
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(/^2,chef\.txt,/);
  });

  it("says what to do when no file is chosen, and raised no script errors or dialogs", async () => {
    await page.setInputFiles("#screen-files", []);
    await page.click("#screen-button");
    expect(await page.textContent("#screen-status")).toMatch(/Choose one or more resumes/);
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
