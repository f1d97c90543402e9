/**
 * The application layer: the use cases every adapter (CLI, HTTP server, demo, benches, the library
 * entry) calls. A workflow wires the lower layers together — the store, the teacher, tasks, datasets,
 * students and evaluation — and returns plain results; adapters only parse arguments and print.
 * A capability reachable from one adapter is reachable from all, because each one calls the same
 * function here.
 */
// Labelling: the teacher, the run, and the run ledger
export {
  type LabellingPlan,
  type LabellingPlanOptions,
  type LabellingResult,
  labelWorkspace,
  planLabelling,
  type RunLabellingOptions,
  runLabelling,
} from "./label.ts";
export {
  listRunLedger,
  type RunLedgerDetail,
  type RunLedgerEntry,
  type RunLedgerSource,
  runLedgerDetail,
} from "./runs.ts";
export {
  chooseTeacher,
  createTeacher,
  DEFAULT_DEMO_OPENAI_MODEL,
  type TeacherChoice,
  type TeacherProvider,
} from "./teacher.ts";
