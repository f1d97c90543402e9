export {
  buildJudgeReport,
  type JudgedItem,
  type JudgeReport,
  renderJudgeReportMarkdown,
} from "./judge-report.ts";
export {
  type JudgeableTask,
  type JudgeRunResult,
  judgeableTasks,
  type RunJudgeOptions,
  runJudge,
  stratifiedSample,
} from "./run-judge.ts";
