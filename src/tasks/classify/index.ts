export { type ClassifyOutput, type ClassifyTaskOptions, createClassifyTask } from "./classify-task.ts";
