import type { Command } from "commander";
import type { CliIo } from "./context.ts";

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let current: Command | null = command; current?.parent; current = current.parent)
    names.unshift(current.name());
  return names.join(" ");
}

/**
 * Marks `command` as an old name kept for `canonical` (e.g. "export label-studio"): its help says
 * so first, and each use says so on stderr, so scripts keep working while people learn the one name.
 */
export function markAsAlias(command: Command, canonical: string, io: CliIo, difference = ""): Command {
  const notice = `Alias of \`jobdistill ${canonical}\`${difference ? ` (${difference})` : ""}.`;
  return command
    .description(`${notice} ${command.description()}`)
    .summary(`alias of jobdistill ${canonical}`)
    .hook("preAction", (_self, action) => {
      io.err(`note: \`jobdistill ${commandPath(action)}\` is an alias of \`jobdistill ${canonical}\``);
    });
}
