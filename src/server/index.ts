export {
  createPredictorPool,
  defaultPredictionThreads,
  type PredictorPool,
  type PredictorPoolOptions,
} from "../workflows/predictor-pool.ts";
export * from "./api-schemas.ts";
export { type CreateAppOptions, createApp, type TeacherHighlighter } from "./app.ts";
export { type ErrorBody, errorToResponse, HttpError } from "./http-errors.ts";
export { defaultServerLimits, type ServerLimits } from "./limits.ts";
export { openApiDocument } from "./openapi.ts";
export { loadServerStudents, type ServerPredictors, type ServerStudents } from "./predictor-pool.ts";
export { type ReportCharts, reportCharts } from "./report-charts.ts";
export { isLoopbackHost, type RunningServer, type StartServerOptions, startServer } from "./start-server.ts";
