/**
 * The search index: an SQLite FTS5 table (BM25) over each chunk's symbol
 * names, path, title and text, inside the pack's database
 * (`_ctx/context_pack.db`, see `store_schema.ts`). Column weights make
 * symbol-name and path matches rank above text matches. The database also
 * holds the symbol table (`symbol_index.ts`): every definition and the chunk
 * that holds it. {@linkcode IndexReader} is the one read handle on it.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { TrifectaError } from "../errors.ts";
import { INDEX_REL } from "./types.ts";
import { definitionsNamed, hasSymbolTable, type IndexedDef } from "./symbol_index.ts";

/** BM25 weights of the FTS columns, in column order. */
export const COLUMN_WEIGHTS = { symbols: 10, path: 5, title: 3, text: 1 } as const;
/** FTS column names, in order. */
export const FTS_COLUMNS = ["symbols", "path", "title", "text"] as const;
/** An FTS column. */
export type FtsColumn = typeof FTS_COLUMNS[number];
/**
 * Schema version of the pack database (`PRAGMA user_version`): 3 (issue 16)
 * holds the whole pack; 2 added the symbol table to the index of a JSON pack.
 */
export const INDEX_SCHEMA_VERSION = 3;

/** Split an identifier into its camelCase and snake_case words. */
export function identifierWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w.length > 0);
}

/** A row the index returns for a hit. */
export interface IndexHit {
  /** Row id in the index. */
  rowid: number;
  /** Chunk id. */
  id: string;
  /** Chunk kind. */
  kind: string;
  /** Segment-relative path. */
  path: string;
  /** Symbol qualified name, if any. */
  symbol: string | null;
  /** Token estimate. */
  token_est: number;
  /** 1-based first line. */
  start_line: number;
  /** 1-based last line. */
  end_line: number;
  /** Raw BM25 value (lower is better; SQLite returns it negative). */
  bm25: number;
}

/** A source file as the index recorded it. */
export interface IndexedSource {
  /** Segment-relative path. */
  path: string;
  /** sha256 of the normalised text. */
  sha256: string;
  /** mtime, epoch seconds. */
  mtime: number;
  /** Size in bytes. */
  bytes: number;
}

/** SQLite result codes (primary) that mean the file is damaged or not a database. */
const CORRUPT_CODES: ReadonlySet<number> = new Set([11, 26]);

function sqliteCode(err: unknown): number | undefined {
  const code = (err as { errcode?: unknown } | null)?.errcode;
  return typeof code === "number" ? code & 0xff : undefined;
}

/** The error for an index SQLite cannot read (`INDEX_CORRUPT`, exit 1). */
export function indexCorrupt(reason: string, cause?: unknown): TrifectaError {
  return new TrifectaError(
    "INDEX_CORRUPT",
    `Context pack database ${INDEX_REL} is corrupt: ${reason}`,
    {
      cause,
      nextSteps: ["Rebuild it with: trifecta ctx build -s <segment>"],
    },
  );
}

/** Map a failure of SQLite on the index to a named error. */
export function indexError(err: unknown): TrifectaError {
  if (err instanceof TrifectaError) return err;
  const code = sqliteCode(err);
  if (code !== undefined && CORRUPT_CODES.has(code)) {
    return indexCorrupt(code === 26 ? "not a database" : "the database image is malformed", err);
  }
  if (err instanceof Deno.errors.NotCapable || err instanceof Deno.errors.PermissionDenied) {
    return new TrifectaError("PERMISSION_NOT_GRANTED", `Cannot open ${INDEX_REL}: permission`, {
      cause: err,
      nextSteps: ["Grant --allow-read=<segment> (see docs/security.md)"],
    });
  }
  // Anything else SQLite says about our own file (a missing table, a wrong
  // column) also means it is not the index a build wrote.
  return indexCorrupt(
    code === undefined ? "unreadable" : `SQLite error ${code}`,
    err,
  );
}

/** Read access to an index database; every failure is a named error. */
export class IndexReader {
  #db: DatabaseSync;

  /**
   * Open `path` read-only. The caller checks first that it is a regular
   * file (see `ctx_files.ts`).
   *
   * @throws {TrifectaError} `INDEX_CORRUPT`.
   */
  constructor(path: string) {
    try {
      this.#db = new DatabaseSync(path, { readOnly: true });
    } catch (err) {
      throw indexError(err);
    }
  }

  #run<T>(fn: (db: DatabaseSync) => T): T {
    try {
      return fn(this.#db);
    } catch (err) {
      throw indexError(err);
    }
  }

  /** Run `fn` on the database; a failure of SQLite is a named error (see {@linkcode indexError}). */
  query<T>(fn: (db: DatabaseSync) => T): T {
    return this.#run(fn);
  }

  /** A value of the meta table. */
  meta(key: string): string | undefined {
    return this.#run((db) => {
      const row = db.prepare("SELECT value FROM meta WHERE key = ?").get(key) as
        | { value: unknown }
        | undefined;
      return typeof row?.value === "string" ? row.value : undefined;
    });
  }

  /** Number of chunks indexed. */
  count(): number {
    return this.#run((db) =>
      Number((db.prepare("SELECT count(*) AS n FROM chunks").get() as { n: number }).n)
    );
  }

  /** Chunk ids in pack order (files in indexing order, chunks in file order). */
  ids(): string[] {
    return this.#run((db) =>
      (db.prepare(
        `SELECT c.id AS id FROM chunks AS c JOIN source_files AS f ON f.path = c.path
         ORDER BY f.ord, c.seq`,
      ).all() as { id: unknown }[]).map((r) => String(r.id))
    );
  }

  /**
   * SQLite's own consistency check (`PRAGMA integrity_check`: every page and
   * record readable, indexes consistent, and — SQLite 3.44 and later — the
   * FTS5 table's structure). Returns the problems found (empty when sound),
   * at most `max`.
   */
  integrity(max = 10): string[] {
    return this.#run((db) => {
      const rows = db.prepare(`PRAGMA integrity_check(${Math.max(1, Math.floor(max))})`)
        .all() as { integrity_check: unknown }[];
      return rows.map((r) => String(r.integrity_check)).filter((m) => m !== "ok");
    });
  }

  /** Best hits for an FTS5 MATCH expression. */
  search(match: string, limit: number): IndexHit[] {
    const w = COLUMN_WEIGHTS;
    return this.#run((db) => {
      const rows = db.prepare(`
      SELECT c.rowid AS rowid, c.id AS id, c.kind AS kind, c.path AS path,
             c.symbol AS symbol, c.token_est AS token_est,
             c.start_line AS start_line, c.end_line AS end_line, h.s AS bm25
      FROM (SELECT rowid, bm25(chunks_fts, ${w.symbols}, ${w.path}, ${w.title}, ${w.text}) AS s
            FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY s LIMIT ?) AS h
      JOIN chunks AS c ON c.rowid = h.rowid
      ORDER BY h.s, c.rowid`).all(match, limit);
      return rows as unknown as IndexHit[];
    });
  }

  /**
   * The rows of the chunks `rowids`, each with its BM25 for `match` (0 when
   * the chunk does not match it), in the order given. `match` is evaluated
   * once (see {@linkcode IndexReader.matching}).
   */
  rows(match: string, rowids: readonly number[]): IndexHit[] {
    if (rowids.length === 0) return [];
    const marks = rowids.map(() => "?").join(",");
    const w = COLUMN_WEIGHTS;
    return this.#run((db) => {
      const scores = new Map<number, number>();
      if (match !== "") {
        const hits = db.prepare(`
          SELECT rowid, bm25(chunks_fts, ${w.symbols}, ${w.path}, ${w.title}, ${w.text}) AS s
          FROM chunks_fts WHERE chunks_fts MATCH ? AND +rowid IN (${marks})`)
          .all(match, ...rowids) as { rowid: number; s: number }[];
        for (const h of hits) scores.set(Number(h.rowid), Number(h.s));
      }
      const rows = db.prepare(`
        SELECT rowid, id, kind, path, symbol, token_est, start_line, end_line
        FROM chunks WHERE rowid IN (${marks})`).all(...rowids) as unknown as IndexHit[];
      const byRowid = new Map(rows.map((r) => [Number(r.rowid), r]));
      return rowids.flatMap((id) => {
        const r = byRowid.get(id);
        return r ? [{ ...r, bm25: scores.get(id) ?? 0 }] : [];
      });
    });
  }

  /** Whether the index has the symbol table (built by index schema 2 or later). */
  hasSymbols(): boolean {
    return this.#run((db) => hasSymbolTable(db));
  }

  /**
   * Definitions named `name`, ignoring ASCII case (see
   * {@linkcode definitionsNamed}); none when the index has no symbol table.
   */
  definitions(name: string): IndexedDef[] {
    return this.#run((db) => hasSymbolTable(db) ? definitionsNamed(db, name) : []);
  }

  /**
   * Number of chunks matching an FTS5 expression (all of them, not just the
   * best), leaving out the chunks of the files `except` names.
   */
  countMatches(match: string, except: readonly string[] = []): number {
    return this.#run((db) => {
      if (except.length === 0) {
        const row = db.prepare("SELECT count(*) AS n FROM chunks_fts WHERE chunks_fts MATCH ?")
          .get(match) as { n: number };
        return Number(row.n);
      }
      // Counted here, not with `NOT IN (?, …)`: the list may pass SQLite's cap on parameters.
      const left = new Set(except);
      let n = 0;
      const paths = db.prepare("SELECT path FROM chunks_fts WHERE chunks_fts MATCH ?");
      for (const r of paths.iterate(match)) if (!left.has(String(r.path))) n++;
      return n;
    });
  }

  /**
   * Which of `rowids` match `match`: one evaluation of `match`, the rowids
   * filtered after it (`+rowid`: a `rowid IN` constraint would evaluate a
   * prefix phrase once per rowid).
   */
  matching(match: string, rowids: readonly number[]): Set<number> {
    if (rowids.length === 0) return new Set();
    const marks = rowids.map(() => "?").join(",");
    return this.#run((db) => {
      const rows = db.prepare(
        `SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH ? AND +rowid IN (${marks})`,
      ).all(match, ...rowids) as { rowid: number }[];
      return new Set(rows.map((r) => Number(r.rowid)));
    });
  }

  /**
   * Which of `rowids` match `match`, each with the columns it matches in:
   * one evaluation of `match` (not one per column), the columns told by a
   * BM25 that weighs only that column (below 0 exactly when a phrase
   * occurs there: FTS5 keeps every IDF above 0).
   */
  matchingColumns(match: string, rowids: readonly number[]): Map<number, FtsColumn[]> {
    if (rowids.length === 0) return new Map();
    const marks = rowids.map(() => "?").join(",");
    const only = FTS_COLUMNS.map((_, i) =>
      `bm25(chunks_fts, ${FTS_COLUMNS.map((_, j) => (i === j ? 1 : 0)).join(", ")}) AS col${i}`
    ).join(", ");
    return this.#run((db) => {
      const rows = db.prepare(
        `SELECT rowid, ${only} FROM chunks_fts WHERE chunks_fts MATCH ? AND +rowid IN (${marks})`,
      ).all(match, ...rowids) as Record<string, unknown>[];
      return new Map(rows.map((r) => [
        Number(r.rowid),
        FTS_COLUMNS.filter((_, i) => Number(r[`col${i}`]) < 0),
      ]));
    });
  }

  /** The source files the index was built from. */
  sources(): IndexedSource[] {
    return this.#run((db) =>
      db.prepare("SELECT path, sha256, mtime, bytes FROM source_files")
        .all() as unknown as IndexedSource[]
    );
  }

  /** Close the database. */
  close(): void {
    try {
      this.#db.close();
    } catch (err) {
      // Closing twice or after a failed open: nothing is held any more.
      if (!(err instanceof Error)) throw err;
    }
  }
}
