import { UsageError } from "../core/errors.ts";
import type { TeacherTask } from "../core/task.ts";
import type { SourceDocument } from "../core/types.ts";

/** What a labelling run may tell a task; each task declares which of these it reads. */
export interface LabelTaskSettings {
  /** The label set (classify). */
  labels?: readonly string[] | undefined;
  /** Any number of labels per document (classify). */
  multi?: boolean | undefined;
  /** Extra guidance for the model (classify). */
  instructions?: string | undefined;
  /** Ask for a short reasoning first (stored, never a label). */
  reasoning?: boolean | undefined;
  /** Items per call, for tasks that batch (@default the task's `defaultBatchSize`). */
  batchSize?: number | undefined;
}
export type LabelTaskSetting = keyof LabelTaskSettings;

/** Where a task finds its items: the workspace's documents, and nothing else of the workspace. */
export interface DocumentSource {
  iterate(query?: { source?: string }): Iterable<SourceDocument>;
}

/** A task ready to run: the teacher task, its items, and settings worth recording with the run. */
export interface PreparedTask<I = unknown> {
  task: TeacherTask<I, unknown>;
  items: I[];
  /** Never secrets. */
  runParams?: Record<string, unknown>;
}

/** How a task registers itself: a stable name, what `label` can do with it, and how it is built. */
export interface TaskDefinition<I = unknown> {
  readonly name: string;
  /** One line for `label --help`. */
  readonly description: string;
  /** The label set when the task fixes it; undefined when the user gives it (`labels`). */
  readonly labels?: readonly string[];
  /** Items per call, for a task that batches. */
  readonly defaultBatchSize?: number;
  /** The settings this task reads; a run that gives any other is refused. */
  readonly settings: readonly LabelTaskSetting[];
  /** Builds the task and its items from the settings and the documents. */
  prepare(settings: LabelTaskSettings, documents: DocumentSource): PreparedTask<I>;
}

/**
 * Declares a task for the registry. The one place a task's item type is forgotten: the engine
 * pairs each task only with the items its own `prepare` made.
 */
export function defineTask<I>(definition: TaskDefinition<I>): TaskDefinition {
  return definition as unknown as TaskDefinition;
}

/** Tasks by name (after spacy-llm's task registry): adapters read it instead of keeping lists. */
export class TaskRegistry {
  private readonly byName = new Map<string, TaskDefinition>();

  constructor(definitions: readonly TaskDefinition[] = []) {
    for (const definition of definitions) this.register(definition);
  }

  register(definition: TaskDefinition): void {
    if (this.byName.has(definition.name)) {
      throw new UsageError(`a task named ${definition.name} is already registered`);
    }
    this.byName.set(definition.name, definition);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  list(): TaskDefinition[] {
    return [...this.byName.values()];
  }

  /** The task, or a usage error that lists every registered one. */
  get(name: string): TaskDefinition {
    const definition = this.byName.get(name);
    if (definition === undefined) {
      throw new UsageError(`unknown --task ${name}: use one of ${this.names().join(", ")}`);
    }
    return definition;
  }
}
