import type { Command } from "commander";
import { z } from "zod";
import { JobdistillError } from "../../core/errors.ts";
import { runDemo } from "../../pipeline/run-demo.ts";
import { chooseTeacher, DEFAULT_DEMO_OPENAI_MODEL } from "../../workflows/index.ts";
import { type CliIo, withWorkspace } from "../context.ts";
import { parseCommandOptions } from "../options.ts";
import { serveWorkspace } from "./serve.ts";

const demoOptionsSchema = z.strictObject({
  serve: z.boolean(),
  teacher: z.enum(["auto", "bundled", "openai", "llama"]),
  model: z.string().min(1).optional(),
  baseUrl: z.string().url().optional(),
  threads: z.coerce.number().int().positive().optional(),
  contextSize: z.coerce.number().int().positive().optional(),
  seed: z.coerce.number().int().nonnegative(),
  corpus: z.string().min(1).optional(),
  host: z.string().min(1),
  port: z.coerce.number().int().min(0).max(65_535),
});
export function registerDemoCommand(program: Command, io: CliIo): void {
  program
    .command("demo")
    .description(
      "Run the whole loop on the built-in requirements corpus (263 real SkillSpan adverts, hand-annotated): " +
        "import, label the train and dev adverts with the teacher (without an LLM, a replay of their hand " +
        "annotations answers through the real teacher engine), build the dataset, train the students, evaluate " +
        "on the test adverts and on 40 hand-written ones, then serve the page. Needs no network and no API key.",
    )
    .option("--no-serve", "stop after the evaluation (for scripts and CI)")
    .option(
      "--teacher <kind>",
      "auto (an LLM when one is configured, else the replay of the hand annotations), bundled (the replay), openai or llama",
      "auto",
    )
    .option(
      "--model <name>",
      "teacher model: a name (openai; env JOBDISTILL_TEACHER_MODEL) or GGUF path (llama)",
    )
    .option(
      "--base-url <url>",
      "OpenAI-compatible endpoint (env OPENAI_BASE_URL); the key comes from OPENAI_API_KEY",
    )
    .option("--threads <n>", "llama: CPU threads (default 1)")
    .option("--context-size <n>", "llama: context window in tokens (default: as much as fits, up to 16384)")
    .option("--seed <n>", "seed for the split and the training", "13")
    .option(
      "--corpus <file>",
      "a requirements corpus in the shipped corpus's format (JSON lines of {id, split, text, spans}; default: corpus/requirements.jsonl)",
    )
    .option("--host <host>", "where to serve the page", "127.0.0.1")
    .option("--port <port>", "port to serve on (0 picks a free one)", "8787")
    .addHelpText(
      "after",
      [
        "",
        "Examples:",
        "  $ npx jobdistill demo                       # replayed hand annotations, then http://127.0.0.1:8787/",
        "  $ npx jobdistill demo --no-serve            # stop after printing the evaluation",
        "  $ OPENAI_API_KEY=… npx jobdistill demo --model gpt-4o-mini",
        "  $ npx jobdistill demo --teacher llama --model ./qwen2.5-1.5b-instruct-q4_k_m.gguf --threads 2",
        "",
        "The demo writes to the workspace (default ./.jobdistill); run it again and it reuses what is there.",
      ].join("\n"),
    )
    .action(async (raw: unknown, command: Command) => {
      const options = parseCommandOptions(demoOptionsSchema, raw);
      await withWorkspace(command, async (workspace) => {
        const teacher = await chooseTeacher({
          provider: options.teacher === "bundled" ? "none" : options.teacher,
          model: options.model,
          defaultOpenAiModel: DEFAULT_DEMO_OPENAI_MODEL,
          baseUrl: options.baseUrl,
          threads: options.threads,
          contextSize: options.contextSize,
        });
        const stop = new AbortController();
        const onSigint = (): void => {
          io.err("stopping: finishing the calls in flight");
          stop.abort();
        };
        process.once("SIGINT", onSigint);
        let result: Awaited<ReturnType<typeof runDemo>>;
        try {
          result = await runDemo(workspace, {
            ...(teacher ? { teacher } : {}),
            seed: options.seed,
            corpusPath: options.corpus,
            signal: stop.signal,
            log: io.out,
            onTeacherEvent: (event) => {
              if (event.type === "warning") io.err(`warning: ${event.message}`);
              if (event.type === "item-failed") io.err(`failed: ${event.itemId}: ${event.message}`);
            },
          });
        } finally {
          process.off("SIGINT", onSigint);
          await teacher?.close?.();
        }
        io.out("");
        io.out(result.evaluation.markdown);
        const handWritten = result.handWritten.report.results[0];
        if (handWritten) {
          const spans = handWritten.spans.highlight ?? handWritten.spans.tagger;
          const percent = (value: number): string => (100 * value).toFixed(1);
          io.out(
            `On the ${handWritten.documents} hand-written demo adverts (none trained on): highlight strict F1 ` +
              `${percent(spans.strict.micro.f1)}, loose F1 ${percent(spans.loose.micro.f1)} ` +
              `(report: ${result.handWritten.files.markdown})`,
          );
        }
        if (!options.serve) return;
        await serveWorkspace(workspace, { host: options.host, port: options.port }, io).catch(
          (cause: unknown) => {
            if (cause instanceof JobdistillError) throw cause;
            throw new JobdistillError(`cannot serve the page: ${String(cause)}`, { code: "serve", cause });
          },
        );
      });
    });
}
