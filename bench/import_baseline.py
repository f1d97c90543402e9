"""Baseline for bench/import.ts: Python's csv module feeding sqlite3.executemany.

Reads a postings CSV (id, title, text) and inserts every row into the `documents` table of a
workspace database that bench/import.ts created with the store's own migrations (so the schema and
indexes are the store's), with the store's pragmas, the same content hash (SHA-256 of the trimmed
text), the other columns as JSON meta, duplicates skipped by the unique content hash, all in one
transaction. Prints one JSON line: rows, inserted, wall and CPU seconds.

    python3 bench/import_baseline.py POSTINGS.csv WORKSPACE.db
"""

import csv
import hashlib
import json
import sqlite3
import sys
import time
from datetime import datetime, timezone


def documents(reader, header, source, created_at, counter):
    id_at = header.index("id")
    text_at = header.index("text")
    others = [(index, name) for index, name in enumerate(header) if index not in (id_at, text_at)]
    for record in reader:
        counter[0] += 1
        text = record[text_at]
        meta = {name: record[index] for index, name in others if record[index] != ""}
        yield (
            record[id_at],
            hashlib.sha256(text.strip().encode("utf-8")).hexdigest(),
            text,
            "text",
            source,
            json.dumps(meta, ensure_ascii=False, separators=(",", ":")) if meta else None,
            created_at,
        )


def main() -> None:
    csv_path, db_path = sys.argv[1], sys.argv[2]
    csv.field_size_limit(1 << 30)
    started_wall = time.perf_counter()
    started_cpu = time.process_time()
    connection = sqlite3.connect(db_path, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")
    connection.execute("PRAGMA foreign_keys = ON")
    counter = [0]
    with open(csv_path, newline="", encoding="utf-8") as file:
        reader = csv.reader(file)
        header = [name.strip() for name in next(reader)]
        created_at = datetime.now(timezone.utc).isoformat()
        connection.execute("BEGIN")
        connection.executemany(
            "INSERT INTO documents (id, content_hash, text, format, source, meta, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            documents(reader, header, csv_path.rsplit("/", 1)[-1], created_at, counter),
        )
        connection.execute("COMMIT")
    inserted = connection.execute("SELECT count(*) FROM documents").fetchone()[0]
    connection.close()
    print(
        json.dumps(
            {
                "rows": counter[0],
                "inserted": inserted,
                "wallSeconds": time.perf_counter() - started_wall,
                "cpuSeconds": time.process_time() - started_cpu,
            }
        )
    )


if __name__ == "__main__":
    main()
