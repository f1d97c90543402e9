import { JobdistillError } from "../core/errors.ts";
import { type JudgeRunResult, type RunJudgeOptions, runJudge } from "../evaluate/judge/index.ts";
import { createLanguageModel, type LanguageModel, type ProviderOptions } from "../teacher/index.ts";
import { runLedgerDetail } from "./runs.ts";

export interface JudgeLabelsOptions extends Omit<RunJudgeOptions, "model"> {
  /** The judge: a model already open (the caller closes it), or how to open one (closed here). */
  judge: LanguageModel | ProviderOptions;
}

/** What the judge run spent, from the run ledger (failed attempts are billed too). */
export interface JudgeSpend {
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
}

export interface JudgeLabelsResult extends JudgeRunResult {
  spend: JudgeSpend;
}

const isOpenModel = (judge: LanguageModel | ProviderOptions): judge is LanguageModel =>
  "generate" in judge && typeof judge.generate === "function";

export function formatJudgeSpend(spend: JudgeSpend): string {
  return `${spend.tokensIn} input + ${spend.tokensOut} output tokens, $${spend.costUsd.toFixed(4)}`;
}

/**
 * `judge`: a second model grades a sample of the labeller's stored labels (see runJudge). A run in
 * which no sampled label got a verdict is a failure, not an empty report: it throws, saying what
 * the run spent and where its failed calls are listed.
 */
export async function judgeLabels(options: JudgeLabelsOptions): Promise<JudgeLabelsResult> {
  const { judge, ...rest } = options;
  const model = isOpenModel(judge) ? judge : await createLanguageModel(judge);
  try {
    const result = await runJudge({ ...rest, model });
    const ledger =
      result.summary.runId > 0 ? runLedgerDetail(options.workspace, result.summary.runId) : undefined;
    const spend: JudgeSpend = {
      tokensIn: ledger?.tokensIn ?? 0,
      tokensOut: ledger?.tokensOut ?? 0,
      costUsd: ledger?.costUsd ?? 0,
    };
    if (result.report.judged === 0) {
      const { runId, failed, interrupted } = result.summary;
      const why = interrupted
        ? "the run was interrupted"
        : failed > 0
          ? `${failed} judge calls failed (see: jobdistill failures --run ${runId})`
          : "the judge answered none of the sampled items";
      throw new JobdistillError(
        `judge run ${runId} judged nothing: 0 of ${result.report.sampled} sampled labels got a verdict; ` +
          `${why}. It spent ${formatJudgeSpend(spend)}; rerun the same command to resume`,
        { code: interrupted ? "interrupted" : "judge-failed", data: { runId, failed, spend } },
      );
    }
    return { ...result, spend };
  } finally {
    if (!isOpenModel(judge)) await model.close?.();
  }
}
