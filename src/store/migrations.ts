import type Database from "better-sqlite3";

/**
 * Versioned schema. Each entry moves the database from version `index` to `index + 1`; the current
 * version lives in SQLite's `user_version`. Never edit a released migration: append a new one.
 */
export const migrations: readonly string[] = [
  `
  CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL UNIQUE,
    text TEXT NOT NULL,
    format TEXT NOT NULL DEFAULT 'text',
    source TEXT,
    meta TEXT,
    created_at TEXT NOT NULL
  );
  CREATE TABLE runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    task TEXT,
    provider TEXT,
    model TEXT,
    params TEXT,
    status TEXT NOT NULL,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    items_total INTEGER NOT NULL DEFAULT 0,
    items_done INTEGER NOT NULL DEFAULT 0,
    items_skipped INTEGER NOT NULL DEFAULT 0,
    items_failed INTEGER NOT NULL DEFAULT 0,
    report TEXT,
    error TEXT
  );
  CREATE TABLE calls (
    key TEXT PRIMARY KEY,
    run_id INTEGER REFERENCES runs(id),
    task TEXT NOT NULL,
    task_version TEXT NOT NULL,
    provider TEXT NOT NULL,
    model TEXT NOT NULL,
    item_id TEXT NOT NULL,
    output TEXT NOT NULL,
    raw_text TEXT,
    finish_reason TEXT,
    tokens_in INTEGER NOT NULL DEFAULT 0,
    tokens_out INTEGER NOT NULL DEFAULT 0,
    cost_usd REAL NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 1,
    latency_ms REAL,
    created_at TEXT NOT NULL
  );
  CREATE INDEX calls_run ON calls(run_id);
  CREATE TABLE call_failures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL,
    run_id INTEGER REFERENCES runs(id),
    task TEXT NOT NULL,
    provider TEXT NOT NULL,
    model TEXT NOT NULL,
    item_id TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    final INTEGER NOT NULL DEFAULT 0,
    error_code TEXT NOT NULL,
    message TEXT NOT NULL,
    raw_text TEXT,
    finish_reason TEXT,
    tokens_in INTEGER NOT NULL DEFAULT 0,
    tokens_out INTEGER NOT NULL DEFAULT 0,
    cost_usd REAL NOT NULL DEFAULT 0,
    issues TEXT,
    created_at TEXT NOT NULL
  );
  CREATE INDEX call_failures_run ON call_failures(run_id);
  CREATE TABLE annotations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id TEXT NOT NULL REFERENCES documents(id),
    task TEXT NOT NULL,
    task_version TEXT NOT NULL,
    source_kind TEXT NOT NULL,
    source_name TEXT NOT NULL,
    source_version TEXT,
    call_key TEXT,
    run_id INTEGER,
    payload TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE INDEX annotations_task ON annotations(task, source_kind, document_id);
  CREATE UNIQUE INDEX annotations_call ON annotations(call_key, document_id) WHERE call_key IS NOT NULL;
  CREATE UNIQUE INDEX annotations_static ON annotations(document_id, task, source_kind, source_name)
    WHERE call_key IS NULL;
  CREATE TABLE models (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    task TEXT NOT NULL,
    kind TEXT NOT NULL,
    path TEXT NOT NULL,
    run_id INTEGER,
    metrics TEXT,
    created_at TEXT NOT NULL
  );
  `,
  // Sentence-encoder vectors, reusable across students: one float32 blob per (encoder, version, text).
  `
  CREATE TABLE embeddings (
    encoder_id TEXT NOT NULL,
    encoder_version TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    dimensions INTEGER NOT NULL,
    vector BLOB NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (encoder_id, encoder_version, text_hash)
  ) WITHOUT ROWID;
  `,
  // Leases, so several processes labelling one workspace split the items (src/store/leases-store.ts).
  `
  CREATE TABLE lease_holders (
    holder TEXT PRIMARY KEY,
    pid INTEGER NOT NULL,
    host TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE leases (
    scope TEXT NOT NULL,
    item_key TEXT NOT NULL,
    holder TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    given_up INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (scope, item_key)
  ) WITHOUT ROWID;
  CREATE INDEX leases_holder ON leases(holder);
  ALTER TABLE runs ADD COLUMN holder TEXT;
  `,
];

export function migrate(db: Database.Database): { from: number; to: number } {
  const from = db.pragma("user_version", { simple: true }) as number;
  if (from > migrations.length) {
    throw new Error(
      `the workspace database has schema version ${from}, newer than this jobdistill knows (${migrations.length}); upgrade jobdistill`,
    );
  }
  for (let version = from; version < migrations.length; version++) {
    const sql = migrations[version] as string;
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
  return { from, to: migrations.length };
}
