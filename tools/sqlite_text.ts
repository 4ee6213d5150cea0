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
 * Every row of every table of the database at `path`, as text (BLOBs
 * inflated where they inflate, else as latin1). The file is opened as is: scan
 * a copy. An unreadable table is left out (the byte scan still covers it);
 * a file SQLite cannot open gives no text.
 */
export function sqliteRowTexts(path: string): string[] {
  const latin1 = new TextDecoder("latin1");
  const blob = (b: Uint8Array) => inflatedText(b) ?? latin1.decode(b);
  let conn: DatabaseSync;
  try {
    conn = new DatabaseSync(path);
  } catch (err) {
    // Corrupt or not a database after all: the byte scan covered it.
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
          texts.push(rowText(row, blob));
        }
      } catch (err) {
        // A damaged or virtual table may not read: the byte scan covers its pages.
        void err;
      }
    }
  } finally {
    conn.close();
  }
  return texts;
}
