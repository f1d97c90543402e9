import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createApp } from "../../src/server/app.ts";
import { createKeywordPredictors } from "../../src/server/keyword-predictors.ts";
import { type RunningServer, startServer } from "../../src/server/start-server.ts";
import { openWorkspace, type Workspace } from "../../src/store/index.ts";
import { createLanguageModel } from "../../src/teacher/index.ts";
import { adviseRoles } from "../../src/workflows/roles-advice.ts";
import { adviceQuestion, FakeRolesPredictor, scriptedAdvice } from "../fake-roles-predictor.ts";
import { type OpenAiTestServer, startOpenAiTestServer } from "../openai-test-server.ts";
import { describeWithBrowser } from "../shared.ts";
import { contrastFailures, launchChromium, watchedPage } from "./browser.ts";

/**
 * The roles page in Chromium against a server with a fake roles model and the real advisor workflow
 * talking to the local OpenAI-compatible test server, whose answers carry markup that must stay text.
 */
const outputDir = resolve(import.meta.dirname, "..", "..", "test-output");
const hostileRole = '<img src=x onerror="alert(1)">Growth Hacker';

describeWithBrowser("roles page in chromium", () => {
  let browser: Browser;
  let server: RunningServer;
  let llm: OpenAiTestServer;
  let workspace: Workspace;
  let dir: string;
  let page: Page;
  const dialogs: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    llm = await startOpenAiTestServer({
      defaultBehaviour: (request) => {
        const answer = scriptedAdvice(adviceQuestion(request), { replacement: hostileRole }) as {
          roles: { advice: string }[];
        };
        for (const role of answer.roles)
          role.advice = "<script>alert(2)</script>Practise SQL window functions.";
        // Slow enough for the spinner to be seen.
        return { kind: "slow", delayMs: 400, next: { kind: "json", value: answer } };
      },
    });
    const model = await createLanguageModel({
      provider: "openai",
      model: "gpt-4o-mini",
      baseUrl: llm.url,
      apiKey: "sk-test",
    });
    dir = mkdtempSync(join(tmpdir(), "jobdistill-roles-e2e-"));
    workspace = openWorkspace(dir);
    const predictor = new FakeRolesPredictor();
    server = await startServer({
      app: createApp({
        predictors: createKeywordPredictors(),
        workspace,
        rolesPredictor: predictor,
        adviseRoles: (query) =>
          adviseRoles({ predictor, model, cache: workspace.calls, recorder: workspace.runs, query }),
      }),
      port: 0,
    });
    browser = await launchChromium();
    page = await watchedPage(browser, { width: 1280, height: 900 }, { dialogs, pageErrors });
    await page.goto(new URL("/roles", server.url).toString());
    await page.waitForSelector("body[data-ready=true]");
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await llm?.close();
    workspace?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function fillForm(): Promise<void> {
    await page.fill("#current-role", "Data analyst");
    await page.fill("#skill-1", "Python");
    await page.fill("#skill-2", "SQL");
    await page.fill("#skill-3", "Tableau");
  }

  it("asks for at least one skill", async () => {
    await page.click("#suggest-button");
    expect(await page.textContent("#roles-status")).toBe("Enter at least one skill.");
  });

  it("suggests roles from the student alone, with the current role normalised", async () => {
    await fillForm();
    await page.click("#suggest-button");
    await page.waitForSelector("#roles-result:not([hidden])");
    expect(await page.locator("#role-cards article").count()).toBe(5);
    expect(await page.textContent("#role-cards")).toContain("Your current role “Data analyst” is 15-1211.00");
    expect(llm.requests).toHaveLength(0);
  });

  it("shows a spinner while the advisor works, then cards with the skill-match table, advice and flags", async () => {
    await page.click("#advise-button");
    await page.waitForSelector("#roles-status.busy .spinner");
    expect(await page.isDisabled("#advise-button")).toBe(true);
    await page.waitForFunction(() => !document.querySelector("#roles-status")?.classList.contains("busy"));
    expect(await page.textContent("#roles-summary")).toMatch(
      /5 roles analysed by openai\/gpt-4o-mini · \$0\.\d{4}/,
    );
    const first = page.locator("#role-cards article").first();
    expect(await first.locator("h3").textContent()).toBe("1. Data Scientists");
    expect(await first.locator("table.skill-match tbody tr").allTextContents()).toEqual([
      "PythonStrongPython is used by Data Scientists.",
      "SQLMediumSQL is used by Data Scientists.",
      "TableauWeakTableau is used by Data Scientists.",
    ]);
    expect(await page.textContent("#roles-flags")).toContain(hostileRole);
    expect(await page.locator("#role-cards .flag").count()).toBe(1);
  });

  it("meets WCAG AA contrast and axe's ARIA and form-label rules with the cards shown", async () => {
    const rules = [
      "label",
      "aria-allowed-attr",
      "aria-valid-attr-value",
      "list",
      "listitem",
      "th-has-data-cells",
    ];
    mkdirSync(outputDir, { recursive: true });
    await page.screenshot({ path: join(outputDir, "roles-page.png"), fullPage: true });
    const { violations, checked } = await contrastFailures(page, rules);
    expect(violations).toEqual([]);
    expect(checked).toBeGreaterThan(50);
  });

  it("keeps the advisor's markup as text and runs none of it", async () => {
    await page.hover("#role-cards");
    await page.waitForTimeout(200);
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(await page.locator("#role-cards img, #role-cards script, #roles-flags img").count()).toBe(0);
    expect(await page.locator("#role-cards article").last().locator("h3").textContent()).toBe(
      `5. ${hostileRole}`,
    );
    expect(await page.textContent("#role-cards")).toContain("<script>alert(2)</script>Practise SQL");
  });

  it("downloads the analysis as text and JSON", async () => {
    const [text] = await Promise.all([
      page.waitForEvent("download"),
      page.click('[data-download="roles:txt"]'),
    ]);
    expect(text.suggestedFilename()).toBe("roles.txt");
    const body = readFileSync(await text.path(), "utf8");
    expect(body).toMatch(/1\. Data Scientists\s+\[kept, score \d+%\]/);
    expect(body).toContain("Development advice:");
    expect(body).toContain("! unmapped-role:");
    const [json] = await Promise.all([
      page.waitForEvent("download"),
      page.click('[data-download="roles:json"]'),
    ]);
    expect(json.suggestedFilename()).toBe("roles.json");
    const advice = JSON.parse(readFileSync(await json.path(), "utf8")) as {
      roles: unknown[];
      flags: unknown[];
    };
    expect(advice.roles).toHaveLength(5);
    expect(advice.flags).toHaveLength(1);
  });
});
