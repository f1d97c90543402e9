import type { Command } from "commander";
import { z } from "zod";
import { JobdistillError, UsageError } from "../../core/errors.ts";
import type { RolesPredictor } from "../../core/roles.ts";
import { createApp } from "../../server/app.ts";
import { loadServerStudents, type ServerPredictors } from "../../server/predictor-pool.ts";
import { startServer } from "../../server/start-server.ts";
import {
  defaultTeacherGuardLimits,
  modelHighlighter,
  type TeacherGuardLimits,
} from "../../server/teacher-guard.ts";
import type { Workspace } from "../../store/index.ts";
import type { ScreenClassifier } from "../../student/screen/index.ts";
import { type LanguageModel, providerNames } from "../../teacher/index.ts";
import { adviseRoles, chooseTeacher, openRolesModel, openScreenModel } from "../../workflows/index.ts";
import { type CliIo, withReadOnlyWorkspace } from "../context.ts";

const serveOptionsSchema = z.strictObject({
  host: z.string().min(1),
  port: z.coerce.number().int().min(0).max(65_535),
  teacherProvider: z.enum(providerNames),
  teacherModel: z.string().min(1).optional(),
  teacherBaseUrl: z.string().url().optional(),
  teacherThreads: z.coerce.number().int().positive().optional(),
  teacherContextSize: z.coerce.number().int().positive().optional(),
  threads: z.coerce.number().int().min(0).max(64).optional(),
  teacherConcurrency: z.coerce.number().int().positive().optional(),
  teacherRpm: z.coerce.number().int().positive().optional(),
  teacherSpendPerMinute: z.coerce.number().nonnegative().optional(),
  teacherCache: z.coerce.number().int().min(0).optional(),
  allowedHost: z.array(z.string().min(1)).optional(),
  rolesModel: z.string().min(1).optional(),
  maxAdviceRequests: z.coerce.number().int().min(1).max(64),
  screenModel: z.string().min(1).optional(),
});

function parseServeOptions(raw: unknown): z.infer<typeof serveOptionsSchema> {
  const parsed = serveOptionsSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const option = issue?.path[0];
  throw new UsageError(
    option === "port"
      ? `--port must be a whole number from 0 to 65535 (got ${JSON.stringify((raw as { port?: unknown }).port)})`
      : option === "threads"
        ? `--threads must be a whole number from 0 to 64 (got ${JSON.stringify((raw as { threads?: unknown }).threads)})`
        : `invalid option${option === undefined ? "" : ` --${String(option)}`}: ${issue?.message ?? "unknown"}`,
  );
}

/** Resolves on the first Ctrl+C or SIGTERM: for a server, that is the normal way to end. */
function untilStopSignal(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve(signal);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}

/**
 * Loads the workspace's students once and serves the page and API until Ctrl+C or SIGTERM
 * (`jobdistill serve`, and the end of `jobdistill demo`). Predictions run on worker threads (one
 * per CPU, at most 4, each with its own copy of the students) so requests that arrive together use
 * every core; `threads: 0`, or a workspace with no trained student, predicts on this thread.
 */
export async function serveWorkspace(
  workspace: Workspace,
  options: ServeOptions & {
    threads?: number | undefined;
    /** A registered screen model name or model file for `/v1/screen`. */
    screenModel?: string | undefined;
  },
  io: CliIo,
): Promise<void> {
  const screen =
    options.screenModel === undefined ? undefined : await openScreenModel(workspace, options.screenModel);
  try {
    await serveStudents(workspace, { ...options, screen }, io);
  } finally {
    await screen?.close?.();
  }
}

async function serveStudents(
  workspace: Workspace,
  options: ServeOptions & { threads?: number | undefined; screen?: ScreenClassifier | undefined },
  io: CliIo,
): Promise<void> {
  const students = await loadServerStudents(
    workspace,
    options.threads === undefined ? {} : { threads: options.threads },
  );
  try {
    await serveWith(workspace, students.predictors, students.threads, options, io);
  } finally {
    await students.close();
  }
}

export interface ServeOptions {
  host: string;
  port: number;
  teacher?: LanguageModel | undefined;
  teacherLimits?: Partial<TeacherGuardLimits> | undefined;
  /** Host names (besides the bound host and loopback) that requests may be addressed to. */
  allowedHosts?: readonly string[] | undefined;
  /** The roles model, for /v1/roles (and /v1/roles/advice with a teacher). */
  rolesPredictor?: RolesPredictor | undefined;
  /** Different advisor questions at once. @default 2 */
  maxAdviceRequests?: number | undefined;
}

async function serveWith(
  workspace: Workspace,
  predictors: ServerPredictors,
  /** Worker threads predicting (0: this thread). */
  threads: number,
  options: ServeOptions & { screen?: ScreenClassifier | undefined },
  io: CliIo,
): Promise<void> {
  const { teacher, rolesPredictor, screen } = options;
  const app = createApp({
    predictors,
    workspace,
    host: options.host,
    ...(options.allowedHosts ? { allowedHosts: options.allowedHosts } : {}),
    ...(teacher ? { llm: modelHighlighter(teacher), teacherLimits: options.teacherLimits ?? {} } : {}),
    ...(rolesPredictor ? { rolesPredictor } : {}),
    ...(screen ? { screen } : {}),
    ...(teacher && rolesPredictor
      ? {
          adviseRoles: (query) =>
            adviseRoles({
              predictor: rolesPredictor,
              model: teacher,
              cache: workspace.calls,
              recorder: workspace.runs,
              query,
              limits: { timeoutMs: 120_000 },
            }),
        }
      : {}),
    ...(options.maxAdviceRequests === undefined
      ? {}
      : { limits: { maxConcurrentAdvice: options.maxAdviceRequests } }),
  });
  const server = await startServer({ app, host: options.host, port: options.port, warn: io.err }).catch(
    (cause: unknown) => {
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new JobdistillError(
        `cannot listen on ${options.host}:${options.port}: ${reason} (choose another --port or --host)`,
        { code: "serve", cause },
      );
    },
  );
  const models = predictors.models();
  io.out(
    `jobdistill: serving ${models.length} model${models.length === 1 ? "" : "s"}` +
      `${models.length > 0 ? ` (${models.map((model) => model.name).join(", ")})` : ""} at ${server.url}`,
  );
  if (threads > 0) io.out(`predicting on ${threads} worker thread${threads === 1 ? "" : "s"}`);
  if (teacher)
    io.out(
      `teacher ${teacher.provider}/${teacher.modelId} answers requests that ask for it ("teacher": true)`,
    );
  if (rolesPredictor) {
    io.out(
      teacher
        ? `roles model loaded: /v1/roles, and /v1/roles/advice by ${teacher.provider}/${teacher.modelId} (concurrent questions: at most ${options.maxAdviceRequests ?? 2})`
        : "roles model loaded: /v1/roles (no teacher, so no /v1/roles/advice)",
    );
  }
  if (screen)
    io.out(
      `screening with the ${screen.config.student} screen model (labels ${screen.config.labels.join(", ")}) at /v1/screen`,
    );
  io.out("press Ctrl+C to stop");
  await untilStopSignal();
  await server.close();
  io.out("jobdistill: server stopped");
}

export function registerServeCommand(program: Command, io: CliIo): void {
  program
    .command("serve")
    .description(
      "Serve the trained students over HTTP: the web page at / (highlight an advert, type skills, " +
        "browse runs) and a JSON API under /v1 (OpenAPI document at /v1/openapi.json). " +
        "Models are loaded once at start; no LLM is called on any request.",
    )
    .option(
      "--host <host>",
      "interface to listen on; anything but loopback exposes an API without authentication",
      "127.0.0.1",
    )
    .option("--port <port>", "port to listen on (0 picks a free one)", "8787")
    .option(
      "--threads <n>",
      "prediction worker threads, each with its own copy of the models (0: predict on the server's own thread; default: one per CPU, at most 4)",
    )
    .option(
      "--teacher-model <name>",
      'let requests ask the teacher LLM with "teacher": true (a model name, or a GGUF path with --teacher-provider llama)',
    )
    .option("--teacher-provider <name>", providerNames.join(" or "), "openai")
    .option(
      "--teacher-base-url <url>",
      "OpenAI-compatible endpoint (env OPENAI_BASE_URL); the key comes from OPENAI_API_KEY",
    )
    .option(
      "--teacher-concurrency <n>",
      `teacher requests answered at once; more get 429 (default ${defaultTeacherGuardLimits.maxConcurrent})`,
    )
    .option(
      "--teacher-rpm <n>",
      `teacher requests a minute; more get 429 with retry-after (default ${defaultTeacherGuardLimits.requestsPerMinute})`,
    )
    .option(
      "--teacher-spend-per-minute <usd>",
      `dollars of teacher calls a minute; past it 429 (default ${defaultTeacherGuardLimits.spendPerMinuteUsd})`,
    )
    .option(
      "--teacher-cache <n>",
      `teacher answers kept for identical requests (default ${defaultTeacherGuardLimits.cacheEntries})`,
    )
    .option(
      "--allowed-host <name...>",
      "host names requests may be addressed to besides --host and loopback (others get 421: DNS rebinding)",
    )
    .option("--teacher-threads <n>", "llama: CPU threads (default 1)")
    .option(
      "--teacher-context-size <n>",
      "llama: context window in tokens (default: as much as fits, up to 16384)",
    )
    .option(
      "--roles-model <file>",
      "a roles model (jobdistill roles train): /v1/roles, and with a teacher /v1/roles/advice",
    )
    .option("--max-advice-requests <n>", "different /v1/roles/advice questions at once (429 beyond)", "2")
    .option(
      "--screen-model <name>",
      "a screen model (registered name or file) for /v1/screen and the page's screening section",
    )
    .addHelpText(
      "after",
      "\nExamples:\n" +
        "  jobdistill serve                      # http://127.0.0.1:8787/\n" +
        "  jobdistill -w ./my-workspace serve --port 9000\n" +
        "  jobdistill serve --roles-model roles.model --teacher-model gpt-4o-mini   # the roles page at /roles\n" +
        '  curl -s localhost:8787/v1/highlight -H "content-type: application/json" \\\n' +
        '       -d \'{"text": "We need Python and a valid driving licence."}\'\n' +
        "\nLimits per request: 1 MB body, 100,000 characters of text, 5,000 skills.",
    )
    .action(async (rawOptions: unknown, command: Command) => {
      const options = parseServeOptions(rawOptions);
      const teacher = await chooseTeacher({
        provider: options.teacherModel === undefined ? "none" : options.teacherProvider,
        model: options.teacherModel,
        baseUrl: options.teacherBaseUrl,
        threads: options.teacherThreads,
        contextSize: options.teacherContextSize,
      });
      try {
        const rolesPredictor =
          options.rolesModel === undefined ? undefined : await openRolesModel(options.rolesModel);
        await withReadOnlyWorkspace(command, (workspace) =>
          serveWorkspace(
            workspace,
            {
              host: options.host,
              port: options.port,
              ...(teacher ? { teacher } : {}),
              teacherLimits: {
                ...(options.teacherConcurrency === undefined
                  ? {}
                  : { maxConcurrent: options.teacherConcurrency }),
                ...(options.teacherRpm === undefined ? {} : { requestsPerMinute: options.teacherRpm }),
                ...(options.teacherSpendPerMinute === undefined
                  ? {}
                  : { spendPerMinuteUsd: options.teacherSpendPerMinute }),
                ...(options.teacherCache === undefined ? {} : { cacheEntries: options.teacherCache }),
              },
              allowedHosts: options.allowedHost,
              threads: options.threads,
              rolesPredictor,
              maxAdviceRequests: options.maxAdviceRequests,
              screenModel: options.screenModel,
            },
            io,
          ),
        );
      } finally {
        await teacher?.close?.();
      }
    });
}
