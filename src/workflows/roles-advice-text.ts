import type { RoleSuggestions } from "../core/roles.ts";
import type { RolesAdvice } from "./roles-advice.ts";

/**
 * Plain-text renderings of the roles student's suggestions and the advisor's analysis: what
 * `roles suggest` prints and `--out FILE.txt` writes, and what the page downloads as .txt. Pure
 * (type imports only), so the page's script bundles it as it is.
 */

const percent = (score: number): string => `${Math.round(score * 100)}%`;

export function formatRoleSuggestionsText(
  suggestions: RoleSuggestions,
  query: { skills: readonly string[]; currentRole?: string | undefined },
): string {
  const lines = [`Skills: ${query.skills.join(", ")}`];
  if (query.currentRole) {
    const current = suggestions.currentRole;
    lines.push(
      `Current role: ${query.currentRole}` +
        (current
          ? ` → ${current.code} ${current.title}${current.confident ? "" : " (not confident)"}`
          : " (no occupation found)"),
    );
  }
  lines.push("", "Roles that fit (roles student):");
  for (const [index, role] of suggestions.roles.entries()) {
    lines.push(
      `  ${String(index + 1).padStart(2)}. ${role.title} (${role.code})  score ${percent(role.score)}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** Wraps a paragraph at about `width` characters, each line indented. */
function wrap(text: string, indent: string, width = 88): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line !== "" && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  if (line !== "") lines.push(indent + line);
  return lines;
}

export function formatRolesAdviceText(advice: RolesAdvice): string {
  const lines = [formatRoleSuggestionsText(advice.suggestions, advice).trimEnd(), ""];
  lines.push(`Advisor (${advice.advisor}) on the candidates:`);
  for (const decision of advice.decisions) {
    const verdict =
      decision.decision === "discard"
        ? `discard → ${decision.replacement ?? "no replacement"}`
        : decision.decision;
    lines.push(
      `  - ${decision.title} (${decision.code}): ${verdict}${decision.reason ? `. ${decision.reason}` : ""}`,
    );
  }
  for (const [index, role] of advice.roles.entries()) {
    const rule = "─".repeat(60);
    const occupation = role.occupation
      ? `${role.occupation.code} ${role.occupation.title}${role.mapped ? "" : " (NOT CONFIDENT)"}`
      : "no O*NET occupation";
    lines.push(
      "",
      rule,
      `${index + 1}. ${role.title}  [${role.origin}${role.score === undefined ? "" : `, score ${percent(role.score)}`}]`,
      `   O*NET: ${occupation}`,
      rule,
      ...wrap(role.description, "   "),
      "",
      "   Skill match:",
      ...wrap(role.skillMatch, "     "),
      "",
    );
    const width = Math.max(5, ...role.skills.map((entry) => entry.skill.length));
    lines.push(`   ${"Skill".padEnd(width)}  Match   Why`);
    for (const entry of role.skills) {
      lines.push(`   ${entry.skill.padEnd(width)}  ${entry.level.padEnd(6)}  ${entry.justification}`);
    }
    lines.push("", "   Development advice:", ...wrap(role.advice, "     "));
  }
  if (advice.flags.length > 0) {
    lines.push("", `Flags (${advice.flags.length}): checks the advisor's answer did not pass`);
    for (const flag of advice.flags) lines.push(`  ! ${flag.kind}: ${flag.message}`);
  }
  const spend = advice.spend;
  lines.push(
    "",
    spend.cached
      ? `Answered from the call cache (run ${spend.runId}): no tokens spent.`
      : `Spent ${spend.tokensIn} input + ${spend.tokensOut} output tokens, $${spend.costUsd.toFixed(4)} (run ${spend.runId}).`,
  );
  return `${lines.join("\n")}\n`;
}
