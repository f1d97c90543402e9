import { existsSync } from "node:fs";
import { describe, it } from "vitest";
import { sharedPath } from "../src/core/shared-data.ts";

/**
 * What a test needs that a user's fresh clone may not have. Missing, the test is skipped with one
 * line naming what was skipped and why; but where CI asks for it (`JOBDISTILL_REQUIRE_SHARED=1`,
 * `JOBDISTILL_REQUIRE_BROWSER=1`, set by `.ci/run`), a missing requirement fails instead, so CI can
 * never be green by skipping.
 */
export function describeOrSkip(
  name: string,
  missing: string | undefined,
  requiredBy: string,
  body: () => void,
): void {
  if (missing === undefined) {
    describe(name, body);
    return;
  }
  if (process.env[requiredBy] === "1") {
    describe(name, () => {
      it(`has what it needs (${missing})`, () => {
        throw new Error(`${name}: ${missing}, and ${requiredBy}=1 says this run must not skip it`);
      });
    });
    return;
  }
  console.log(`skipped: ${name} (${missing})`);
  describe.skip(name, body);
}

/** `describe` that runs only when a file under the shared folder exists. */
export function describeWithShared(name: string, relativePath: string, body: (path: string) => void): void {
  const path = sharedPath(...relativePath.split("/"));
  const missing =
    path === undefined
      ? `needs ../shared/${relativePath}; set JOBDISTILL_SHARED to point elsewhere`
      : undefined;
  describeOrSkip(name, missing, "JOBDISTILL_REQUIRE_SHARED", () => body(path ?? ""));
}

/** The Chromium the browser tests drive: `$JOBDISTILL_CHROMIUM`, else Debian's. */
export const chromiumPath = process.env.JOBDISTILL_CHROMIUM ?? "/usr/bin/chromium";

/** `describe` that runs only when Chromium is installed. */
export function describeWithBrowser(name: string, body: () => void): void {
  const missing = existsSync(chromiumPath)
    ? undefined
    : `no chromium at ${chromiumPath}; apt-get install chromium`;
  describeOrSkip(name, missing, "JOBDISTILL_REQUIRE_BROWSER", body);
}
