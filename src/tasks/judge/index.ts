export {
  createJudgeTask,
  type JudgeAnnotationData,
  type JudgeBatch,
  type JudgeItem,
  type Judgement,
  type JudgeOutput,
  type JudgeTaskDefinition,
  judgeBatches,
  judgeOutputSchema,
  judgeTaskName,
} from "./task.ts";
