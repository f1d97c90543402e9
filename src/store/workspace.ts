import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import Database from "better-sqlite3";
import { JobdistillError } from "../core/errors.ts";
import { AnnotationsStore } from "./annotations-store.ts";
import { BatchesStore } from "./batches-store.ts";
import { CallsStore } from "./calls-store.ts";
import { DocumentsStore } from "./documents-store.ts";
import { EmbeddingsStore } from "./embeddings-store.ts";
import { LeasesStore } from "./leases-store.ts";
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
  /** Sentence-encoder vectors, shared by every student trained in this workspace. */
  readonly embeddings: EmbeddingsStore;
  /** Leases on items, so several processes on this workspace split a labelling run's items. */
  readonly leases: LeasesStore;
  /** Provider batches of `label --batch`: what was sent in which batch, and what came back. */
  readonly batches: BatchesStore;
  /** Runs `work` in one SQLite transaction: all of its writes land, or (if it throws) none. */
  transaction<T>(work: () => T): T;
  close(): void;
}

/** What gold importers need: documents and annotations, written in one transaction. */
export type GoldImportStore = Pick<Workspace, "documents" | "annotations" | "transaction">;
/** What reading a task's annotations (and their documents) needs. */
export type AnnotationReader = Pick<Workspace, "documents" | "annotations">;

export interface OpenWorkspaceOptions {
  /**
   * Create the folder and database when they are missing. A caller that only reads passes false,
   * so a mistyped folder is an error (code "workspace", data.missing true) instead of a new, empty
   * workspace.
   * @default true
   */
  create?: boolean | undefined;
}

const DATABASE_FILE = "jobdistill.db";

/**
 * Opens (creating if needed, unless told not to) a workspace: one folder holding one SQLite
 * database in WAL mode, so a crash at any point leaves every committed write intact, plus the
 * trained model files.
 */
export function openWorkspace(
  dir: string = DEFAULT_WORKSPACE_DIR,
  options: OpenWorkspaceOptions = {},
): Workspace {
  const absolute = resolve(dir);
  const modelsDir = join(absolute, "models");
  const databaseFile = join(absolute, DATABASE_FILE);
  if (options.create === false && !existsSync(databaseFile)) {
    throw new JobdistillError(`no workspace at ${dir} (no ${DATABASE_FILE} in ${absolute})`, {
      code: "workspace",
      data: { dir: absolute, missing: true },
    });
  }
  let db: Database.Database;
  try {
    mkdirSync(modelsDir, { recursive: true });
    db = new Database(databaseFile, { fileMustExist: options.create === false });
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
  const leases = new LeasesStore(db);
  return {
    dir: absolute,
    modelsDir,
    db,
    documents: new DocumentsStore(db),
    annotations,
    calls: new CallsStore(db, annotations),
    runs: new RunsStore(db, (holder) => leases.holderIsAlive(holder)),
    models: new ModelsStore(db),
    embeddings: new EmbeddingsStore(db),
    leases,
    batches: new BatchesStore(db),
    transaction: (work) => db.transaction(work)(),
    close: () => db.close(),
  };
}
