import type Database from "better-sqlite3";
import { z } from "zod";

export interface ModelEntry {
  name: string;
  task: string;
  /** Which student: "tagger", "segment-classifier", "skill-type", … */
  kind: string;
  /** The model file, relative to the workspace folder or absolute. */
  path: string;
  runId?: number;
  metrics?: unknown;
}

export interface StoredModel extends ModelEntry {
  id: number;
  createdAt: string;
}

const modelRowSchema = z.object({
  id: z.number(),
  name: z.string(),
  task: z.string(),
  kind: z.string(),
  path: z.string(),
  run_id: z.number().nullable(),
  metrics: z.string().nullable(),
  created_at: z.string(),
});

function rowToModel(row: unknown): StoredModel {
  const parsed = modelRowSchema.parse(row);
  const model: StoredModel = {
    id: parsed.id,
    name: parsed.name,
    task: parsed.task,
    kind: parsed.kind,
    path: parsed.path,
    createdAt: parsed.created_at,
  };
  if (parsed.run_id !== null) model.runId = parsed.run_id;
  if (parsed.metrics !== null) model.metrics = JSON.parse(parsed.metrics);
  return model;
}

/** The registry of trained students in a workspace (the files themselves live under `models/`). */
export class ModelsStore {
  constructor(private readonly db: Database.Database) {}

  /** Registers a model; a model of the same name is replaced (retraining overwrites). */
  register(entry: ModelEntry): void {
    this.db
      .prepare(
        `INSERT INTO models (name, task, kind, path, run_id, metrics, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(name) DO UPDATE SET task = excluded.task, kind = excluded.kind, path = excluded.path,
         run_id = excluded.run_id, metrics = excluded.metrics, created_at = excluded.created_at`,
      )
      .run(
        entry.name,
        entry.task,
        entry.kind,
        entry.path,
        entry.runId ?? null,
        entry.metrics === undefined ? null : JSON.stringify(entry.metrics),
        new Date().toISOString(),
      );
  }

  get(name: string): StoredModel | undefined {
    const row = this.db.prepare("SELECT * FROM models WHERE name = ?").get(name);
    return row === undefined ? undefined : rowToModel(row);
  }

  list(): StoredModel[] {
    return this.db.prepare("SELECT * FROM models ORDER BY task, name").all().map(rowToModel);
  }
}
