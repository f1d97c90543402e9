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
  // Provider batches of `label --batch` (src/store/batches-store.ts): each step recorded before and after it.
  `
  CREATE TABLE batches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_key TEXT NOT NULL UNIQUE,
    plan_key TEXT NOT NULL,
    plan TEXT NOT NULL,
    task TEXT NOT NULL,
    provider TEXT NOT NULL,
    model TEXT NOT NULL,
    state TEXT NOT NULL,
    requests INTEGER NOT NULL,
    input_bytes INTEGER NOT NULL,
    input_hash TEXT NOT NULL,
    input_file_id TEXT,
    provider_batch_id TEXT,
    provider_status TEXT,
    output_file_id TEXT,
    error_file_id TEXT,
    completed INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX batches_plan ON batches(plan_key, state);
  CREATE TABLE batch_requests (
    custom_id TEXT PRIMARY KEY,
    plan_key TEXT NOT NULL,
    call_key TEXT NOT NULL,
    body TEXT NOT NULL,
    answer TEXT,
    applied INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX batch_requests_call ON batch_requests(call_key);
  CREATE INDEX batch_requests_plan ON batch_requests(plan_key);
  CREATE TABLE batch_members (
    batch_id INTEGER NOT NULL REFERENCES batches(id),
    custom_id TEXT NOT NULL REFERENCES batch_requests(custom_id),
    position INTEGER NOT NULL,
    outcome TEXT,
    error TEXT,
    PRIMARY KEY (batch_id, custom_id)
  ) WITHOUT ROWID;
  CREATE INDEX batch_members_request ON batch_members(custom_id);
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
