import type Database from "better-sqlite3";
import { z } from "zod";
import { sha256Hex } from "../core/hash.ts";
import type { SourceDocument } from "../core/types.ts";

export type InsertDocumentStatus = "inserted" | "duplicate" | "id-conflict";

export interface InsertDocumentResult {
  status: InsertDocumentStatus;
  id: string;
  /** For duplicates: the id of the document that already holds this text. */
  existingId?: string;
}

const documentRowSchema = z.object({
  id: z.string(),
  text: z.string(),
  format: z.enum(["text", "html"]),
  source: z.string().nullable(),
  meta: z.string().nullable(),
});

const metaSchema = z.record(z.string(), z.unknown());

/** Hash of a document's content: the dedup key. Whitespace at the ends does not make a new document. */
export function contentHash(text: string): string {
  return sha256Hex(text.trim());
}

function rowToDocument(row: unknown): SourceDocument {
  const parsed = documentRowSchema.parse(row);
  const document: SourceDocument = { id: parsed.id, text: parsed.text, format: parsed.format };
  if (parsed.source !== null) document.source = parsed.source;
  if (parsed.meta !== null) document.meta = metaSchema.parse(JSON.parse(parsed.meta));
  return document;
}

export class DocumentsStore {
  private readonly insertStatement: Database.Statement;
  private readonly byHash: Database.Statement;
  private readonly byId: Database.Statement;
  private readonly insertAll: (documents: readonly SourceDocument[]) => InsertDocumentResult[];

  constructor(private readonly db: Database.Database) {
    // One statement per document: the unique content hash and id decide, and only a row that did
    // not go in costs a lookup (to tell a duplicate from an id conflict).
    this.insertStatement = db.prepare(
      "INSERT INTO documents (id, content_hash, text, format, source, meta, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
    );
    this.byHash = db.prepare("SELECT id FROM documents WHERE content_hash = ?");
    this.byId = db.prepare("SELECT id, text, format, source, meta FROM documents WHERE id = ?");
    this.insertAll = db.transaction((documents: readonly SourceDocument[]) => {
      const createdAt = new Date().toISOString();
      return documents.map((document) => this.insertAt(document, createdAt));
    });
  }

  /** Inserts a document unless its content is already stored (dedup by content hash). */
  insert(document: SourceDocument): InsertDocumentResult {
    return this.insertAt(document, new Date().toISOString());
  }

  private insertAt(document: SourceDocument, createdAt: string): InsertDocumentResult {
    const hash = contentHash(document.text);
    const { changes } = this.insertStatement.run(
      document.id,
      hash,
      document.text,
      document.format ?? "text",
      document.source ?? null,
      document.meta ? JSON.stringify(document.meta) : null,
      createdAt,
    );
    if (changes > 0) return { status: "inserted", id: document.id };
    // The same text wins over the same id, as a duplicate is harmless and an id conflict is not.
    const existing = this.byHash.get(hash) as { id: string } | undefined;
    if (existing) return { status: "duplicate", id: document.id, existingId: existing.id };
    return { status: "id-conflict", id: document.id };
  }

  /** Inserts many documents in one transaction (all of them, or none if it fails). */
  insertMany(documents: readonly SourceDocument[]): InsertDocumentResult[] {
    return this.insertAll(documents);
  }

  get(id: string): SourceDocument | undefined {
    const row = this.byId.get(id);
    return row === undefined ? undefined : rowToDocument(row);
  }

  has(id: string): boolean {
    return this.byId.get(id) !== undefined;
  }

  count(): number {
    return (this.db.prepare("SELECT count(*) AS n FROM documents").get() as { n: number }).n;
  }

  ids(): string[] {
    return (this.db.prepare("SELECT id FROM documents ORDER BY rowid").all() as { id: string }[]).map(
      (row) => row.id,
    );
  }

  /** All documents in insertion order, streamed from the database. */
  *iterate(options: { source?: string } = {}): Generator<SourceDocument> {
    const statement =
      options.source === undefined
        ? this.db.prepare("SELECT id, text, format, source, meta FROM documents ORDER BY rowid")
        : this.db.prepare(
            "SELECT id, text, format, source, meta FROM documents WHERE source = ? ORDER BY rowid",
          );
    const rows = options.source === undefined ? statement.iterate() : statement.iterate(options.source);
    for (const row of rows) yield rowToDocument(row);
  }

  list(options: { limit?: number; offset?: number } = {}): SourceDocument[] {
    return this.db
      .prepare("SELECT id, text, format, source, meta FROM documents ORDER BY rowid LIMIT ? OFFSET ?")
      .all(options.limit ?? -1, options.offset ?? 0)
      .map(rowToDocument);
  }
}
