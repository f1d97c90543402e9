import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import Database from "better-sqlite3";
import { JobdistillError } from "../core/errors.ts";
import { AnnotationsStore } from "./annotations-store.ts";
import { CallsStore } from "./calls-store.ts";
import { DocumentsStore } from "./documents-store.ts";
import { migrate } from "./migrations.ts";
import { ModelsStore } from "./models-store.ts";
import { RunsStore } from "./runs-store.ts";

export const DEFAULT_WORKSPACE_DIR = ".jobdistill";

export interface Workspace {
  /** The workspace folder (absolute). */
  readonly dir: string;
  /** Where trained models are written. */
  readonly modelsDir: string;
  readonly db: Database.Database;
  readonly documents: DocumentsStore;
  readonly annotations: AnnotationsStore;
  readonly calls: CallsStore;
  readonly runs: RunsStore;
  readonly models: ModelsStore;
  close(): void;
}

/**
 * Opens (creating if needed) a workspace: one folder holding one SQLite database in WAL mode, so a
 * crash at any point leaves every committed write intact, plus the trained model files.
 */
export function openWorkspace(dir: string = DEFAULT_WORKSPACE_DIR): Workspace {
  const absolute = resolve(dir);
  const modelsDir = join(absolute, "models");
  let db: Database.Database;
  try {
    mkdirSync(modelsDir, { recursive: true });
    db = new Database(join(absolute, "jobdistill.db"));
  } catch (cause) {
    throw new JobdistillError(`cannot open the workspace at ${absolute}: ${(cause as Error).message}`, {
      code: "workspace",
      cause,
    });
  }
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  migrate(db);
  const annotations = new AnnotationsStore(db);
  return {
    dir: absolute,
    modelsDir,
    db,
    documents: new DocumentsStore(db),
    annotations,
    calls: new CallsStore(db, annotations),
    runs: new RunsStore(db),
    models: new ModelsStore(db),
    close: () => db.close(),
  };
}
