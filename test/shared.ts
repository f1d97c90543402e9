import { describe } from "vitest";
import { sharedPath } from "../src/core/shared-data.ts";

/**
 * `describe` that runs only when a shared file exists, and otherwise skips with one line naming
 * what was skipped and why.
 */
export function describeWithShared(name: string, relativePath: string, body: (path: string) => void): void {
  const path = sharedPath(...relativePath.split("/"));
  if (path) {
    describe(name, () => body(path));
  } else {
    console.log(
      `skipped: ${name} (needs ../shared/${relativePath}; set JOBDISTILL_SHARED to point elsewhere)`,
    );
    describe.skip(name, () => body(""));
  }
}
