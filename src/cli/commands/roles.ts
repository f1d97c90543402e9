import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { z } from "zod";
import { loadPrices } from "../../teacher/index.ts";
import {
  adviseRoles,
  cleanSkills,
  createTeacher,
  formatRoleSuggestionsText,
  formatRolesAdviceText,
  openRolesModel,
  suggestRoles,
} from "../../workflows/index.ts";
import { type CliIo, withWorkspace } from "../context.ts";
import { parseCommandOptions, positiveIntOption, teacherCallOptionFields } from "../options.ts";
import { addTeacherCallOptions } from "../teacher-options.ts";

const suggestOptionsSchema = z.strictObject({
  model: z.string({ error: "--model is required (a roles model file)" }).min(1),
  skills: z.string({ error: "--skills is required" }).min(1, "--skills: give at least one skill"),
  role: z.string().optional(),
  top: positiveIntOption("--top").max(50, "--top must be at most 50"),
  json: z.boolean().optional(),
  out: z.string().min(1).optional(),
  advisorModel: z.string().min(1).optional(),
  ...teacherCallOptionFields,
});

/** "Python, SQL; Tableau" → the skills, split on commas, semicolons and new lines. */
export function parseSkillsOption(text: string): string[] {
  return cleanSkills(text.split(/[,;\n]/));
}

export function registerRolesCommand(program: Command, io: CliIo): void {
  const roles = program
    .command("roles")
    .description(
      "Roles that fit a person's skills (O*NET occupations), from a roles model, and optionally an LLM career advisor's analysis.",
    );

  const suggest = roles
    .command("suggest")
    .description(
      "The top roles for a list of skills (and the current role, normalised to an O*NET occupation). " +
        "With --advisor-model an LLM checks each role (keep, or discard and replace), and writes for every " +
        "final role a description, the overall skill match, a Weak/Medium/Strong match per skill with a " +
        "reason, and development advice. Its answer goes through the teacher engine (call cache, retries, " +
        "re-asks, JSON repair) and the workspace's run ledger (kind roles-advice), so asking the same again " +
        "costs nothing. What fails the checks is flagged, never silently accepted: a skill the person did not " +
        "give is dropped, a role that maps to no occupation with confidence is marked.",
    )
    .requiredOption("--model <file>", "the roles model file (jobdistill roles train)")
    .requiredOption("--skills <list>", 'the skills, comma-separated: "Python, SQL, Tableau"')
    .option("--role <title>", "the current job title")
    .option("--top <n>", "roles to suggest (and to give the advisor)", "5")
    .option("--json", "print JSON instead of text")
    .option("--out <file>", "also write the text rendering to this file (.txt)")
    .option(
      "--advisor-model <name>",
      "ask this LLM for the analysis: a model name (openai) or a GGUF path (llama)",
    );
  // The advisor's answer is long: a longer timeout than labelling's.
  addTeacherCallOptions(suggest, { timeout: "120s" })
    .addHelpText(
      "after",
      [
        "",
        "Examples:",
        '  $ jobdistill roles suggest --model roles.model --skills "Python, SQL, Tableau, stakeholder management, A/B testing"',
        '  $ jobdistill roles suggest --model roles.model --skills "Python, SQL" --role "Data analyst" --top 3 --json',
        "  # with the advisor (OPENAI_API_KEY set); the analysis also written to advice.txt:",
        '  $ jobdistill roles suggest --model roles.model --skills "Python, SQL, Tableau" --role "Data analyst" \\',
        "      --advisor-model gpt-4o-mini --out advice.txt",
        "  # a local OpenAI-compatible server:",
        '  $ jobdistill roles suggest --model roles.model --skills "welding, blueprint reading" \\',
        "      --advisor-model qwen2.5:7b --base-url http://localhost:11434/v1 --api-key ollama",
        "",
        "The advisor's calls and cost are in the workspace's ledger: jobdistill runs (kind roles-advice).",
      ].join("\n"),
    )
    .action(async (raw: Record<string, unknown>, command: Command) => {
      const options = parseCommandOptions(suggestOptionsSchema, raw);
      const query = {
        skills: parseSkillsOption(options.skills),
        currentRole: options.role,
        top: options.top,
      };
      const predictor = await openRolesModel(options.model);
      if (options.advisorModel === undefined) {
        const suggestions = await suggestRoles(predictor, query);
        const text = formatRoleSuggestionsText(suggestions, query);
        if (options.out) writeFileSync(options.out, text);
        io.out(
          options.json
            ? JSON.stringify({ skills: query.skills, currentRole: query.currentRole, suggestions }, null, 2)
            : text.trimEnd(),
        );
        return;
      }
      const prices = loadPrices(options.prices);
      const model = await createTeacher({
        provider: options.provider,
        model: options.advisorModel,
        apiKey: options.apiKey,
        baseUrl: options.baseUrl,
        threads: options.threads,
        contextSize: options.contextSize,
        onDowngrade: (from, to) => io.err(`the endpoint rejected ${from} output: using ${to} for this call`),
      });
      try {
        await withWorkspace(command, async (workspace) => {
          const advice = await adviseRoles({
            predictor,
            model,
            cache: workspace.calls,
            recorder: workspace.runs,
            query,
            prices,
            limits: {
              timeoutMs: options.timeout,
              maxRetries: options.maxRetries,
              maxRepairs: options.maxRepairs,
            },
            params: { temperature: options.temperature, maxOutputTokens: options.maxOutputTokens },
            onEvent: (event) => {
              if (event.type === "warning") io.err(`warning: ${event.message}`);
              if (event.type === "retry")
                io.err(`retrying in ${Math.round(event.delayMs)} ms: ${event.message}`);
            },
          });
          const text = formatRolesAdviceText(advice);
          if (options.out) writeFileSync(options.out, text);
          io.out(options.json ? JSON.stringify(advice, null, 2) : text.trimEnd());
          if (advice.flags.length > 0) {
            io.err(
              `${advice.flags.length} flag(s) on the advisor's answer: see "Flags" (or .flags in --json)`,
            );
          }
        });
      } finally {
        await model.close?.();
      }
    });
}
