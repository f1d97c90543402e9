import { type Browser, chromium, type Page } from "playwright-core";
import { chromiumPath } from "../shared.ts";

/** Headless Chromium as the browser tests run it: no sandbox, GPU, network chatter or updates. */
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

/**
 * A 1366 × 900 page (downloads allowed) at `url`, once the page says it is ready; every dialog is
 * dismissed and kept in `dialogs`, every script error in `pageErrors`, for the tests to assert on.
 */
export async function openReadyPage(
  browser: Browser,
  url: string,
  seen: { dialogs: string[]; pageErrors: string[] },
): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  page.on("dialog", (dialog) => {
    seen.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on("pageerror", (error) => seen.pageErrors.push(error.message));
  await page.goto(url);
  await page.waitForSelector("body[data-ready=true]");
  return page;
}
