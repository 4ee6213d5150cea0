/**
 * The leak scanner: every file under the segment's `_ctx/` and `.trifecta/`
 * (SQLite files as bytes and as rows — compressed BLOBs inflated — and FTS
 * terms, with their -wal/-shm)
 * and every output, searched for marker tokens and forbidden strings; and
 * soft assertions that collect every failed check of a test.
 *
 * @module
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join, relative } from "node:path";
import { inflatedText, rowText } from "../../../tools/sqlite_text.ts";
import { label, type Run } from "./run.ts";
import type { World } from "./world.ts";

/** Where a forbidden string was found. */
export interface Leak {
  /** The forbidden string. */
  needle: string;
  /** File or output it was found in. */
  where: string;
}

/** The strings to look for: marker tokens and other forbidden strings, lowercased. */
export function needlesOf(world: World): string[] {
  return [...world.markers.map((m) => m.token), ...world.forbidden].map((s) => s.toLowerCase());
}

function lowerAscii(bytes: Uint8Array): string {
  // latin1 keeps one char per byte, so any byte sequence can be searched.
  let s = "";
  const step = 0x8000;
  for (let i = 0; i < bytes.length; i += step) {
    s += String.fromCharCode(...bytes.subarray(i, i + step));
  }
  return s.toLowerCase();
}

async function scanFile(path: string, needles: readonly string[], where: string, leaks: Leak[]) {
  const file = await Deno.open(path, { read: true });
  try {
    const overlap = Math.max(0, ...needles.map((n) => n.length));
    const buf = new Uint8Array(1 << 20);
    let carry = "";
    const found = new Set<string>();
    while (true) {
      const n = await file.read(buf);
      if (n === null) break;
      const text = carry + lowerAscii(buf.subarray(0, n));
      for (const needle of needles) if (text.includes(needle)) found.add(needle);
      carry = text.slice(-overlap);
    }
    for (const needle of found) leaks.push({ needle, where });
  } finally {
    file.close();
  }
}

/** A BLOB as text to scan: inflated when it inflates (tools/sqlite_text.ts), else its bytes. */
function blobText(bytes: Uint8Array): string {
  return inflatedText(bytes) ?? lowerAscii(bytes);
}

/**
 * SQLite keeps FTS terms prefix-compressed in its pages, so a byte scan can
 * miss them: dump every table and the FTS vocabulary of a copy of `db`.
 */
function scanSqlite(db: string, needles: readonly string[], where: string, leaks: Leak[]): void {
  const dir = Deno.makeTempDirSync({ prefix: "trifecta-hostile-db-" });
  try {
    for (const ext of ["", "-wal", "-shm"]) {
      try {
        Deno.copyFileSync(db + ext, join(dir, "x.db" + ext));
      } catch (err) {
        if (!(err instanceof Deno.errors.NotFound)) throw err;
      }
    }
    let conn: DatabaseSync;
    try {
      conn = new DatabaseSync(join(dir, "x.db"));
    } catch (err) {
      // A corrupt or non-SQLite file: its bytes were scanned already.
      void err;
      return;
    }
    try {
      const tables = conn.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
        .all() as {
          name: string;
          sql: string | null;
        }[];
      const texts: string[] = [];
      for (const t of tables) {
        const q = `"${t.name.replaceAll('"', '""')}"`;
        try {
          for (const row of conn.prepare(`SELECT * FROM ${q}`).all()) {
            texts.push(rowText(row, blobText));
          }
        } catch (err) {
          // Shadow and virtual tables of a damaged file may not read: the byte scan covers them.
          void err;
        }
        if (/USING\s+fts5/i.test(t.sql ?? "")) {
          try {
            conn.exec(
              `CREATE VIRTUAL TABLE temp.v_${texts.length} USING fts5vocab(main, ${q}, 'row')`,
            );
            for (const row of conn.prepare(`SELECT term FROM temp.v_${texts.length}`).all()) {
              texts.push(String((row as { term: unknown }).term));
            }
          } catch (err) {
            // No fts5vocab on a damaged index: the byte scan still ran.
            void err;
          }
        }
      }
      const all = texts.join("\n").toLowerCase();
      for (const needle of needles) {
        if (all.includes(needle)) leaks.push({ needle, where: `${where} (sqlite rows/terms)` });
      }
    } finally {
      conn.close();
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

async function scanTree(root: string, base: string, needles: readonly string[], leaks: Leak[]) {
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(root));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory) return;
    throw err;
  }
  for (const e of entries) {
    const path = join(root, e.name);
    const where = relative(base, path);
    if (e.isSymlink) {
      // trifecta never writes links into _ctx/.trifecta; one there is a finding of its own.
      leaks.push({ needle: "<symlink>", where });
    } else if (e.isDirectory) {
      await scanTree(path, base, needles, leaks);
    } else if (e.isFile) {
      await scanFile(path, needles, where, leaks);
      const head = new Uint8Array(16);
      const f = await Deno.open(path);
      const n = await f.read(head);
      f.close();
      if (n === 16 && new TextDecoder().decode(head).startsWith("SQLite format 3")) {
        scanSqlite(path, needles, where, leaks);
      }
    }
  }
}

/** Options for {@linkcode findLeaks}. */
export interface ScanOptions {
  /** Directories of the segment to scan (default `_ctx`, `.trifecta`). */
  dirs?: readonly string[];
  /** The strings to look for (default: every marker token and forbidden string). */
  needles?: readonly string[];
  /** Also scan these outputs. */
  runs?: readonly Run[];
  /** Other named texts to scan (MCP transcripts). */
  texts?: Record<string, string>;
}

/** Every place a forbidden string was found. */
export async function findLeaks(world: World, options: ScanOptions = {}): Promise<Leak[]> {
  const needles = (options.needles ?? needlesOf(world)).map((n) => n.toLowerCase());
  const leaks: Leak[] = [];
  if (needles.length === 0) return leaks;
  for (const d of options.dirs ?? ["_ctx", ".trifecta"]) {
    await scanTree(join(world.seg, d), world.seg, needles, leaks);
  }
  const check = (text: string, where: string) => {
    const low = text.toLowerCase();
    for (const n of needles) if (low.includes(n)) leaks.push({ needle: n, where });
  };
  for (const r of options.runs ?? []) {
    check(r.stdout, `${label(r)} stdout`);
    check(r.stderr, `${label(r)} stderr`);
  }
  for (const [where, text] of Object.entries(options.texts ?? {})) check(text, where);
  return leaks;
}

/** Name the marker a needle belongs to, for messages. */
function describe(world: World, needle: string): string {
  const m = world.markers.find((x) => x.token === needle);
  return m ? m.value : needle;
}

/** Fail listing every leak (marker and place). */
export async function assertNoLeaks(world: World, options: ScanOptions = {}): Promise<void> {
  const leaks = await findLeaks(world, options);
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const l of leaks) {
    const line = `${describe(world, l.needle)} in ${l.where}`;
    if (!seen.has(line)) lines.push(line);
    seen.add(line);
  }
  assert.equal(lines.length, 0, `leaked ${lines.length}:\n  ${lines.slice(0, 40).join("\n  ")}`);
}

/**
 * Soft assertions: a sweep checks many things, and the lead needs all of
 * what fails, not the first. `done()` fails with every problem listed.
 */
export class Checks {
  /** Failed checks, one message each. */
  problems: string[] = [];

  /** Run `fn`; an assertion failure is recorded, anything else thrown. */
  check<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (err) {
      if (!(err instanceof assert.AssertionError)) throw err;
      this.problems.push(
        err.message.length > 2000 ? err.message.slice(0, 2000) + " …" : err.message,
      );
      return undefined;
    }
  }

  /** The async form of {@linkcode Checks.check}. */
  async checkAsync<T>(fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof assert.AssertionError)) throw err;
      this.problems.push(
        err.message.length > 2000 ? err.message.slice(0, 2000) + " …" : err.message,
      );
      return undefined;
    }
  }

  /** Record the leak scan's findings. */
  async leaks(world: World, options: ScanOptions = {}): Promise<void> {
    await this.checkAsync(() => assertNoLeaks(world, options));
  }

  /** Fail with every recorded problem. */
  done(): void {
    if (this.problems.length === 0) return;
    throw new assert.AssertionError({
      message: `${this.problems.length} problem(s):\n- ${this.problems.join("\n- ")}`,
    });
  }
}
