/**
 * SQLite files as text to scan for leaks. trifecta's pack stores chunk texts
 * DEFLATE-compressed (issue 16), so a byte scan of the file cannot see an
 * absolute path or a secret inside them: every row is read, and every BLOB
 * that inflates (raw DEFLATE, zlib or gzip) is read inflated. Used by the
 * post-suite no-PII scan (`pii_scan.ts`) and the hostile tests' leak scanner.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { gunzipSync, inflateRawSync, inflateSync } from "node:zlib";

/** At most this much is inflated from one stored value (the pack caps a file's texts at 16 MiB). */
export const MAX_INFLATE = 64 * 1024 * 1024;

/** The 16-byte header every SQLite database file starts with. */
const HEADER = "SQLite format 3\0";

/** True when `head` (the first bytes of a file) is an SQLite database header. */
export function isSqliteHeader(head: Uint8Array): boolean {
  return head.length >= HEADER.length &&
    new TextDecoder("latin1").decode(head.subarray(0, HEADER.length)) === HEADER;
}

/**
 * `bytes` inflated as UTF-8 text, or undefined when they inflate with none of
 * raw DEFLATE, zlib or gzip (within {@linkcode MAX_INFLATE}).
 *
 * @example
 * ```ts
 * import { deflateRawSync } from "node:zlib";
 * import { equal } from "node:assert/strict";
 * import { inflatedText } from "./sqlite_text.ts";
 * equal(inflatedText(deflateRawSync(new TextEncoder().encode("hello"))), "hello");
 * ```
 */
export function inflatedText(bytes: Uint8Array): string | undefined {
  for (const inflate of [inflateRawSync, inflateSync, gunzipSync]) {
    try {
      return new TextDecoder().decode(inflate(bytes, { maxOutputLength: MAX_INFLATE }));
    } catch (err) {
      // Not this format (or damaged): try the next; undefined after the last.
      void err;
    }
  }
  return undefined;
}

/** A row as JSON, each BLOB replaced by `blob(value)`. */
export function rowText(row: unknown, blob: (bytes: Uint8Array) => string): string {
  return JSON.stringify(row, (_k, v) => {
    if (typeof v === "bigint") return String(v);
    if (v instanceof Uint8Array) return blob(v);
    return v;
  });
}

/**
 * The text of every compressed value (a BLOB that inflates) in every table
 * of the database at `path`, opened read-only: what a byte scan of the file
 * cannot see (plain values it sees as they are). An unreadable table is left
 * out; a file SQLite cannot open read-only (a WAL database without its -shm,
 * a hot journal) gives no text.
 *
 * @example
 * ```ts
 * import { DatabaseSync } from "node:sqlite";
 * import { deflateRawSync } from "node:zlib";
 * import { deepEqual } from "node:assert/strict";
 * import { inflatedValues } from "./sqlite_text.ts";
 * const path = Deno.makeTempFileSync({ suffix: ".db" });
 * const db = new DatabaseSync(path);
 * db.exec("CREATE TABLE t (plain TEXT, packed BLOB)");
 * db.prepare("INSERT INTO t VALUES (?, ?)").run("x", deflateRawSync(new TextEncoder().encode("hi")));
 * db.close();
 * deepEqual(inflatedValues(path), ["hi"]);
 * Deno.removeSync(path);
 * ```
 */
export function inflatedValues(path: string): string[] {
  let conn: DatabaseSync;
  try {
    // Read-only: the scan changes nothing it scans (no journal made, no rollback).
    conn = new DatabaseSync(path, { readOnly: true });
  } catch (err) {
    // Corrupt, not a database after all, or not openable read-only: the byte scan covered it.
    void err;
    return [];
  }
  const texts: string[] = [];
  try {
    const tables = conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all();
    for (const t of tables as { name: string }[]) {
      try {
        const q = `"${t.name.replaceAll('"', '""')}"`;
        for (const row of conn.prepare(`SELECT * FROM ${q}`).iterate()) {
          for (const v of Object.values(row as Record<string, unknown>)) {
            if (!(v instanceof Uint8Array)) continue;
            const text = inflatedText(v);
            if (text !== undefined) texts.push(text);
          }
        }
      } catch (err) {
        // A damaged or virtual table may not read: the byte scan covers its pages.
        void err;
      }
    }
  } catch (err) {
    // A damaged schema (a database set aside as corrupt): the byte scan covered it.
    void err;
  } finally {
    conn.close();
  }
  return texts;
}
