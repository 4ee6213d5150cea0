/**
 * The index's symbol table: every definition of the pack's source files
 * (top-level symbols, methods, nested classes) with its name, qualified
 * name, kind, path, lines and the chunk that holds it. Search looks a query
 * up here by name before it asks FTS5, so the chunk that defines a symbol
 * ranks before the chunks that only use it.
 *
 * Added in index schema 2 (`PRAGMA user_version`); an index of an older
 * build has no such table, and search then ranks by BM25 alone, with a
 * warning naming `ctx build`.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { SymbolDef } from "./definitions.ts";

/** The most definitions one name lookup reads (`__init__` may have thousands). */
export const LOOKUP_CAP = 2000;

/** A definition as the index returns it: a {@linkcode SymbolDef} with its chunk's row id. */
export interface IndexedDef extends SymbolDef {
  /** Row id of the chunk in the index. */
  chunk_rowid: number;
}

/** Create the symbol table and its name index in a new index database. */
export function createSymbolTable(db: DatabaseSync): void {
  db.exec(`
    CREATE TABLE symbols (
      rowid INTEGER PRIMARY KEY, name TEXT NOT NULL, qualified_name TEXT NOT NULL,
      kind TEXT NOT NULL, path TEXT NOT NULL, start_line INTEGER NOT NULL,
      end_line INTEGER NOT NULL, depth INTEGER NOT NULL, chunk_rowid INTEGER NOT NULL);
    CREATE INDEX symbols_name ON symbols (name COLLATE NOCASE);
  `);
}

/**
 * Insert `defs` (inside the caller's transaction); `rowidOf` maps a chunk id
 * to its row. A definition whose chunk is not indexed is left out.
 */
export function insertSymbols(
  db: DatabaseSync,
  defs: readonly SymbolDef[],
  rowidOf: ReadonlyMap<string, number>,
): void {
  const row = db.prepare(
    `INSERT INTO symbols (name, qualified_name, kind, path, start_line, end_line, depth, chunk_rowid)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const d of defs) {
    const rowid = rowidOf.get(d.chunk_id);
    if (rowid === undefined) continue;
    row.run(d.name, d.qualified_name, d.kind, d.path, d.start_line, d.end_line, d.depth, rowid);
  }
}

/** Whether the database has the symbol table (an index of schema 2 or later). */
export function hasSymbolTable(db: DatabaseSync): boolean {
  const row = db.prepare(
    "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'symbols'",
  ).get() as { n: number } | undefined;
  return Number(row?.n ?? 0) > 0;
}

function str(v: unknown): string {
  return typeof v === "string" ? v : String(v ?? "");
}

/**
 * The definitions whose bare name equals `name` ignoring ASCII case (the
 * caller tells exact from case-insensitive matches), at most
 * {@linkcode LOOKUP_CAP}, with their chunk's id.
 */
export function definitionsNamed(db: DatabaseSync, name: string): IndexedDef[] {
  const rows = db.prepare(`
    SELECT s.name AS name, s.qualified_name AS qualified_name, s.kind AS kind, s.path AS path,
           s.start_line AS start_line, s.end_line AS end_line, s.depth AS depth,
           s.chunk_rowid AS chunk_rowid, c.id AS chunk_id
    FROM symbols AS s JOIN chunks AS c ON c.rowid = s.chunk_rowid
    WHERE s.name = ? COLLATE NOCASE ORDER BY s.rowid LIMIT ?`).all(name, LOOKUP_CAP) as Record<
    string,
    unknown
  >[];
  return rows.map((r) => ({
    name: str(r.name),
    qualified_name: str(r.qualified_name),
    kind: str(r.kind),
    path: str(r.path),
    start_line: Number(r.start_line),
    end_line: Number(r.end_line),
    depth: Number(r.depth),
    chunk_rowid: Number(r.chunk_rowid),
    chunk_id: str(r.chunk_id),
  }));
}
