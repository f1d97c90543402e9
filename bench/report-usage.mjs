// Preloaded into a bench's child process (`node --import ./bench/report-usage.mjs …`): at exit it
// writes the process's own resource usage (CPU seconds of every thread, peak RSS) as JSON to the
// file named by JOBDISTILL_USAGE_FILE, so the parent measures the child alone.
import { writeFileSync } from "node:fs";

const target = process.env.JOBDISTILL_USAGE_FILE;
if (target) {
  process.on("exit", () => {
    const usage = process.resourceUsage();
    writeFileSync(
      target,
      JSON.stringify({
        userSeconds: usage.userCPUTime / 1e6,
        systemSeconds: usage.systemCPUTime / 1e6,
        maxRssKb: usage.maxRSS,
      }),
    );
  });
}
