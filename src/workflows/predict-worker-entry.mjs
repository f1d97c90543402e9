// Entry point of a prediction worker thread: the sources are TypeScript, run through tsx as the
// CLI is (bin/jobdistill.js), so the worker registers tsx before it loads predict-worker.ts.
import { register } from "tsx/esm/api";

register();
const worker = await import("./predict-worker.ts");

export default worker.default;
