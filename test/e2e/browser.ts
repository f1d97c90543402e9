import { type Browser, chromium, type Page } from "playwright-core";
import { chromiumPath } from "../shared.ts";

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
