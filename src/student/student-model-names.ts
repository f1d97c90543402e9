/** The tasks whose students `jobdistill train` makes, and the registry names it gives them. */
export const studentTasks = ["requirements", "skills", "skill-type"] as const;
export type StudentTask = (typeof studentTasks)[number];

/**
 * Registry names of a task's models. `prefix` is `--name` (default: the task), so
 * `jobdistill train --task requirements` registers `requirements-tagger` and `requirements-segments`.
 */
export function studentModelNames(
  task: StudentTask,
  prefix: string = task,
): { tagger: string; segments: string } {
  if (task === "skill-type") return { tagger: prefix, segments: prefix };
  return { tagger: `${prefix}-tagger`, segments: `${prefix}-segments` };
}

/** The command that makes a task's models, for error messages. */
export function trainCommandFor(task: StudentTask): string {
  return `jobdistill train --task ${task}`;
}
