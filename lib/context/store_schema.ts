/**
 * The pack's SQLite schema (`_ctx/context_pack.db`, `PRAGMA user_version` =
 * {@linkcode STORE_SCHEMA_VERSION}) and the row writes that a full build and
 * an incremental sync share: one table of chunks (their texts stored once
 * per file, compressed, in `source_files.texts`: `store_text.ts`), the
 * source-file records, the symbol table and a contentless FTS5 index whose
 * rows can be deleted (`contentless_delete`), so a sync replaces the rows of
 * one file without rebuilding the rest.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { SymbolDef } from "./definitions.ts";
import { identifierWords } from "./fts.ts";
import { createSymbolTable, insertSymbols } from "./symbol_index.ts";
import { packTexts } from "./store_text.ts";
import type { PackChunk, PackSourceFile } from "./types.ts";

/**
 * Schema version of the pack database: 3 (issue 16) holds the whole pack;
 * 2 and 1 were the search index next to a JSON pack.
 */
export const STORE_SCHEMA_VERSION = 3;

/** Create every table of an empty pack database. */
export function createStore(db: DatabaseSync): void {
  db.exec(`
    PRAGMA user_version = ${STORE_SCHEMA_VERSION};
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE chunks (
      rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
      path TEXT NOT NULL, symbol TEXT,
      token_est INTEGER NOT NULL, start_line INTEGER NOT NULL, end_line INTEGER NOT NULL,
      seq INTEGER NOT NULL, title_path TEXT NOT NULL,
      char_count INTEGER NOT NULL, method TEXT NOT NULL, symbol_kind TEXT, symbol_names TEXT);
    CREATE INDEX chunks_path ON chunks (path);
    CREATE TABLE source_files (
      path TEXT PRIMARY KEY, ord INTEGER NOT NULL, sha256 TEXT NOT NULL, mtime REAL NOT NULL,
      chars INTEGER NOT NULL, bytes INTEGER NOT NULL, target TEXT NOT NULL, texts BLOB NOT NULL);
    CREATE VIRTUAL TABLE chunks_fts USING fts5(
      symbols, path, title, text, content='', contentless_delete=1,
      tokenize = "unicode61 remove_diacritics 2");
  `);
  createSymbolTable(db);
}

/** The words of a chunk's symbol names (each name and its identifier parts), for FTS. */
function symbolsColumn(chunk: PackChunk): string {
  const words = new Set<string>();
  for (const n of chunk.symbol_names ?? []) {
    words.add(n);
    for (const w of identifierWords(n)) words.add(w);
  }
  return [...words].join(" ");
}

/** Set meta values (inside the caller's transaction). */
export function setMeta(db: DatabaseSync, values: Record<string, string>): void {
  const put = db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)");
  for (const [k, v] of Object.entries(values)) put.run(k, v);
}

/** What one file contributes to the pack. */
export interface FileRows {
  /** Its source-file record. */
  source: PackSourceFile;
  /** How discovery classed it (`primaryKind/cls`): a change re-chunks it. */
  target: string;
  /** Its chunks, in file order. */
  chunks: readonly PackChunk[];
  /** Its definitions (source files). */
  definitions: readonly SymbolDef[];
}

/** Prepared inserts, reused for every file of one write. */
export class RowWriter {
  #db: DatabaseSync;
  #chunk;
  #fts;
  #source;

  /** Prepare the inserts on `db`. */
  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#chunk = db.prepare(
      `INSERT INTO chunks (id, kind, path, symbol, token_est, start_line, end_line,
         seq, title_path, char_count, method, symbol_kind, symbol_names)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#fts = db.prepare(
      "INSERT INTO chunks_fts (rowid, symbols, path, title, text) VALUES (?, ?, ?, ?, ?)",
    );
    this.#source = db.prepare("INSERT INTO source_files VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  }

  /** Insert one file's record, chunks, FTS rows and definitions, at place `ord`. */
  add(file: FileRows, ord: number): void {
    const f = file.source;
    const texts = packTexts(file.chunks);
    this.#source.run(f.path, ord, f.sha256, f.mtime, f.chars, f.bytes, file.target, texts);
    const rowidOf = new Map<string, number>();
    file.chunks.forEach((c, seq) => {
      const r = this.#chunk.run(
        c.id,
        c.kind,
        c.source_path,
        c.symbol ?? null,
        c.token_est,
        c.start_line,
        c.end_line,
        seq,
        JSON.stringify(c.title_path),
        c.char_count,
        c.chunking_method,
        c.symbol_kind ?? null,
        c.symbol_names === undefined ? null : JSON.stringify(c.symbol_names),
      );
      const rowid = Number(r.lastInsertRowid);
      rowidOf.set(c.id, rowid);
      this.#fts.run(
        rowid,
        symbolsColumn(c),
        c.source_path,
        c.title_path.slice(1).join(" "),
        c.text,
      );
    });
    insertSymbols(this.#db, file.definitions, rowidOf);
  }
}

/** Delete every row of the files `paths` (record, chunks, FTS rows, definitions). */
export function deleteFiles(db: DatabaseSync, paths: Iterable<string>): void {
  const rowids = db.prepare("SELECT rowid FROM chunks WHERE path = ?");
  const fts = db.prepare("DELETE FROM chunks_fts WHERE rowid = ?");
  const chunks = db.prepare("DELETE FROM chunks WHERE path = ?");
  const symbols = db.prepare("DELETE FROM symbols WHERE path = ?");
  const source = db.prepare("DELETE FROM source_files WHERE path = ?");
  for (const p of paths) {
    for (const r of rowids.all(p) as { rowid: number }[]) fts.run(Number(r.rowid));
    chunks.run(p);
    symbols.run(p);
    source.run(p);
  }
}
