/**
 * The application layer: the use cases every adapter (CLI, HTTP server, demo, benches, the library
 * entry) calls. A workflow wires the lower layers together — the store, the teacher, tasks, datasets,
 * students and evaluation — and returns plain results; adapters only parse arguments and print.
 * A capability reachable from one adapter is reachable from all, because each one calls the same
 * function here.
 */
// predict: streaming batch prediction, and the worker-thread pool it (and the server) predicts on.
export * from "./predict.ts";
export * from "./predictor-pool.ts";
