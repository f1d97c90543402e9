import type Database from "better-sqlite3";
import { z } from "zod";
import type { NewAnnotation } from "../core/ports.ts";
import {
  type Annotation,
  type AnnotationSource,
  annotationPayloadSchema,
  annotationSourceKinds,
} from "../core/types.ts";

export type { NewAnnotation } from "../core/ports.ts";

export interface AnnotationQuery {
  task?: string;
  sourceKind?: AnnotationSource["kind"];
  sourceName?: string;
  documentId?: string;
  /** Only what one run stored. */
  runId?: number;
}

/** The column each query field filters on. */
const queryColumns = {
  task: "task",
  sourceKind: "source_kind",
  sourceName: "source_name",
  documentId: "document_id",
  runId: "run_id",
} as const satisfies Record<keyof AnnotationQuery, string>;

function whereClause(query: AnnotationQuery): { where: string; values: (string | number)[] } {
  const clauses: string[] = [];
  const values: (string | number)[] = [];
  for (const field of Object.keys(queryColumns) as (keyof AnnotationQuery)[]) {
    const value = query[field];
    if (value === undefined) continue;
    clauses.push(`${queryColumns[field]} = ?`);
    values.push(value);
  }
  return { where: clauses.length > 0 ? `WHERE ${clauses.join(" AND ")}` : "", values };
}

const annotationRowSchema = z.object({
  id: z.number(),
  document_id: z.string(),
  task: z.string(),
  task_version: z.string(),
  source_kind: z.enum(annotationSourceKinds),
  source_name: z.string(),
  source_version: z.string().nullable(),
  call_key: z.string().nullable(),
  run_id: z.number().nullable(),
  payload: z.string(),
  created_at: z.string(),
});

function rowToAnnotation(row: unknown): Annotation {
  const parsed = annotationRowSchema.parse(row);
  const source: AnnotationSource = { kind: parsed.source_kind, name: parsed.source_name };
  if (parsed.source_version !== null) source.version = parsed.source_version;
  const annotation: Annotation = {
    id: parsed.id,
    documentId: parsed.document_id,
    task: parsed.task,
    taskVersion: parsed.task_version,
    source,
    payload: annotationPayloadSchema.parse(JSON.parse(parsed.payload)),
    createdAt: parsed.created_at,
  };
  if (parsed.call_key !== null) annotation.callKey = parsed.call_key;
  if (parsed.run_id !== null) annotation.runId = parsed.run_id;
  return annotation;
}

export class AnnotationsStore {
  private readonly insertTeacher: Database.Statement;
  private readonly upsertStatic: Database.Statement;
  private readonly deleteStatic: Database.Statement;

  constructor(private readonly db: Database.Database) {
    const columns =
      "(document_id, task, task_version, source_kind, source_name, source_version, call_key, run_id, payload, created_at)";
    this.insertTeacher = db.prepare(
      `INSERT OR IGNORE INTO annotations ${columns} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.deleteStatic = db.prepare(
      "DELETE FROM annotations WHERE document_id = ? AND task = ? AND source_kind = ? AND source_name = ? AND call_key IS NULL",
    );
    this.upsertStatic = db.prepare(
      `INSERT INTO annotations ${columns} VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)`,
    );
  }

  /**
   * Stores an annotation. Teacher annotations (with a call key) are written at most once per call
   * and document; other sources (gold, human, lexicon) replace the previous annotation of the same
   * document, task and source, so re-importing a gold set does not duplicate it.
   */
  insert(annotation: NewAnnotation): void {
    const payload = JSON.stringify(annotationPayloadSchema.parse(annotation.payload));
    const now = new Date().toISOString();
    const { source } = annotation;
    if (annotation.callKey !== undefined) {
      this.insertTeacher.run(
        annotation.documentId,
        annotation.task,
        annotation.taskVersion,
        source.kind,
        source.name,
        source.version ?? null,
        annotation.callKey,
        annotation.runId ?? null,
        payload,
        now,
      );
      return;
    }
    this.db.transaction(() => {
      this.deleteStatic.run(annotation.documentId, annotation.task, source.kind, source.name);
      this.upsertStatic.run(
        annotation.documentId,
        annotation.task,
        annotation.taskVersion,
        source.kind,
        source.name,
        source.version ?? null,
        annotation.runId ?? null,
        payload,
        now,
      );
    })();
  }

  insertMany(annotations: readonly NewAnnotation[]): void {
    this.db.transaction(() => {
      for (const annotation of annotations) this.insert(annotation);
    })();
  }

  list(query: AnnotationQuery = {}): Annotation[] {
    const { where, values } = whereClause(query);
    return this.db
      .prepare(`SELECT * FROM annotations ${where} ORDER BY id`)
      .all(...values)
      .map(rowToAnnotation);
  }

  count(query: AnnotationQuery = {}): number {
    const { where, values } = whereClause(query);
    const row = this.db.prepare(`SELECT count(*) AS count FROM annotations ${where}`).get(...values);
    return z.object({ count: z.number() }).parse(row).count;
  }

  /** Which sources have annotated a task, with counts: for choosing a teacher or a gold set. */
  sources(task?: string): { task: string; kind: string; name: string; count: number }[] {
    const rows = this.db
      .prepare(
        `SELECT task, source_kind AS kind, source_name AS name, count(*) AS count FROM annotations
         ${task === undefined ? "" : "WHERE task = ?"} GROUP BY task, source_kind, source_name ORDER BY task, kind, name`,
      )
      .all(...(task === undefined ? [] : [task]));
    return z
      .array(z.object({ task: z.string(), kind: z.string(), name: z.string(), count: z.number() }))
      .parse(rows);
  }
}
