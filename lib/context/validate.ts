/**
 * `ctx validate`: the predecessor's pack rules (§2.4), a strict check of the
 * pack's shape, SQLite's integrity check of the pack database, and a check
 * that every chunk row belongs to a listed file. Source files are re-read
 * through the read boundary. Stale = some error says a file changed or does
 * not match. A pack this machine did not write (see `trust.ts`) fails with
 * `PACK_UNTRUSTED` before any of its content is looked at; paths named in
 * errors are shown with secrets masked.
 *
 * @module
 */
import { basename } from "../path.ts";
import { TrifectaError } from "../errors.ts";
import { maskSecrets } from "../secrets.ts";
import { isDenied, readInsideSync, type Segment } from "../segment/mod.ts";
import { type LoadedPack, readPackFile } from "./pack_io.ts";
import type { IndexReader } from "./fts.ts";
import { openIndex } from "./pair.ts";
import { OLD_INDEX_WARNING } from "./search.ts";
import { statMatches, textSha256 } from "./stale.ts";
import { codePointLength, normalizeNewlines } from "./text.ts";
import { type ContextPack, INDEX_REL, PACK_REL, type PackSourceFile } from "./types.ts";
import { assertSafeRelPath } from "./ids.ts";

/** Total characters above which validate warns. */
export const LARGE_PACK_CHARS = 2_000_000;

/** The result of {@linkcode validatePack}. */
export interface ValidationReport {
  /** True when there are no errors. */
  passed: boolean;
  /** Errors (any makes validation fail). */
  errors: string[];
  /**
   * Error codes of the errors, each once: `PACK_NOT_FOUND`, `PACK_CORRUPT`,
   * `PACK_TOO_LARGE`, `CTX_DIR_UNSAFE`, `INDEX_CORRUPT`,
   * `PACK_INDEX_MISMATCH`, `PACK_UNTRUSTED`, `SOURCE_CHANGED`, `SOURCE_MISSING`,
   * `SOURCE_REFUSED`, `UNSAFE_PATH`, `EMPTY_PACK`.
   */
  error_codes: string[];
  /** Warnings. */
  warnings: string[];
  /** True when an error says a file changed or mismatches. */
  stale_detected: boolean;
  /** First 16 hex digits of sha256 of the pack file, or null without a pack. */
  pack_sha: string | null;
  /** Pack file mtime (epoch ms), or null. */
  pack_mtime: number | null;
  /** Chunks in the pack. */
  chunks: number;
  /** Source files listed. */
  source_files: number;
}

/** A path from the pack, as an error message shows it (secrets masked). */
function shown(path: string): string {
  return maskSecrets(path).text;
}

/** The text of a source file through the boundary, or the error code that refused it. */
function readBounded(segment: Segment, rel: string): { text: string } | { code: string } {
  try {
    return { text: readInsideSync(segment, rel).text };
  } catch (err) {
    if (err instanceof TrifectaError) return { code: err.code };
    throw err;
  }
}

/** Errors, their codes and warnings, collected as validation goes. */
export class Findings {
  readonly errors: string[] = [];
  readonly codes = new Set<string>();
  readonly warnings: string[] = [];

  /** Record an error under `code`. */
  fail(code: string, message: string): void {
    this.codes.add(code);
    this.errors.push(message);
  }

  /** The report, with what is known of the pack. */
  report(extra: Partial<ValidationReport>): ValidationReport {
    return {
      passed: this.errors.length === 0,
      errors: this.errors,
      error_codes: [...this.codes],
      warnings: this.warnings,
      stale_detected: this.errors.some((e) => /changed|mismatch/i.test(e)),
      pack_sha: null,
      pack_mtime: null,
      chunks: 0,
      source_files: 0,
      ...extra,
    };
  }
}

/** The pack, or undefined when it cannot be read (the error is recorded). */
async function loadPack(segment: Segment, found: Findings): Promise<LoadedPack | undefined> {
  try {
    return await readPackFile(segment);
  } catch (err) {
    if (!(err instanceof TrifectaError)) throw err;
    found.fail(err.code, err.code === "PACK_NOT_FOUND" ? `Missing ${PACK_REL}` : err.message);
    return undefined;
  }
}

/** The predecessor's rules on the pack's segment label and its size (all chunks' characters). */
export function checkLabelAndSize(label: string, totalChars: number, found: Findings): void {
  if (label.includes("..") || label.startsWith("/")) {
    found.fail("UNSAFE_PATH", "Invalid or unsafe segment path");
  }
  if (totalChars > LARGE_PACK_CHARS) {
    found.warnings.push(`Context pack is quite large (${totalChars} chars)`);
  }
}

/** The predecessor's rules on the pack itself: its segment label, its size, its index. */
function checkPackRules(pack: ContextPack, found: Findings): void {
  const totalChars = pack.chunks.reduce((n, c) => n + c.char_count, 0);
  checkLabelAndSize(pack.segment, totalChars, found);
  const ids = new Set(pack.chunks.map((c) => c.id));
  for (const e of pack.index) {
    if (!ids.has(e.id)) {
      found.fail("PACK_CORRUPT", `Index references missing chunk ID: ${shown(e.id)}`);
    }
  }
}

/** Whether a listed path may be read at all (recorded as `UNSAFE_PATH` when not). */
function safeSourcePath(path: string, found: Findings): boolean {
  try {
    assertSafeRelPath(path, "source path");
  } catch (err) {
    // Named as a validation error, not thrown: validate lists every problem.
    if (!(err instanceof TrifectaError)) throw err;
    found.fail("UNSAFE_PATH", `Source path leaves the segment: ${shown(path)}`);
    return false;
  }
  if (isDenied(path)) {
    found.fail("UNSAFE_PATH", `Source path is on the denylist: ${shown(path)}`);
    return false;
  }
  return true;
}

/**
 * The text of a listed file (falling back to its basename at the root, as
 * the predecessor did) and the path it was read under, or undefined with the
 * refusal recorded.
 */
function readSource(
  segment: Segment,
  path: string,
  found: Findings,
): { text: string; used: string } | undefined {
  let read = readBounded(segment, path);
  let used = path;
  if ("code" in read && read.code === "FILE_NOT_FOUND" && path.includes("/")) {
    used = basename(path);
    read = readBounded(segment, used);
  }
  if (!("code" in read)) return { text: read.text, used };
  if (read.code === "FILE_NOT_FOUND") {
    found.fail(
      "SOURCE_MISSING",
      `Source file listed in pack but missing from disk: ${shown(path)}`,
    );
  } else {
    found.fail(
      "SOURCE_REFUSED",
      `Source file changed: the read boundary now refuses it (${read.code}): ${shown(path)}`,
    );
  }
  return undefined;
}

/** Modification time of `rel` (epoch s), or `fallback` when it cannot be stat'ed now. */
async function mtimeOf(segment: Segment, rel: string, fallback: number): Promise<number> {
  try {
    return ((await Deno.stat(`${segment.root}/${rel}`)).mtime?.getTime() ?? 0) / 1000;
  } catch (err) {
    // Read a moment ago: a stat failing now is a race with an edit, which
    // the next validate reports; the mtime warning is all that is lost.
    if (!(err instanceof Error)) throw err;
    return fallback;
  }
}

/**
 * One listed file against the disk: readable, same hash, same size; mtime
 * drift warned. `quick`: not re-read when stat shows it unchanged.
 */
export async function checkSource(
  segment: Segment,
  f: PackSourceFile,
  found: Findings,
  quick = false,
): Promise<void> {
  if (!safeSourcePath(f.path, found)) return;
  // The rule sync compares by: a file that stat shows unchanged is not re-read.
  if (quick && statMatches(`${segment.root}/${f.path}`, f)) return;
  const read = readSource(segment, f.path, found);
  if (!read) return;
  if (textSha256(read.text) !== f.sha256) {
    found.fail("SOURCE_CHANGED", `Source file content changed (Hash mismatch): ${shown(f.path)}`);
    return;
  }
  const mtime = await mtimeOf(segment, read.used, f.mtime);
  if (Math.abs(mtime - f.mtime) > 1.0) {
    found.warnings.push(`Source file mtime changed but hash matches: ${shown(f.path)}`);
  }
  const chars = codePointLength(normalizeNewlines(read.text));
  if (chars !== f.chars) {
    found.fail(
      "SOURCE_CHANGED",
      `Source file size mismatch: ${shown(f.path)} (${chars} vs ${f.chars})`,
    );
  }
}

/** Options for {@linkcode validatePack}. */
export interface ValidateOptions {
  /**
   * Re-read only the files whose size or mtime moved (the rule `ctx sync`
   * compares by), and skip SQLite's integrity check: what `ctx sync`
   * validates with, right after writing the pack. Default: everything.
   */
  quick?: boolean;
}

/** Check the pack of `segment` against its files and its database. */
export async function validatePack(
  segment: Segment,
  options: ValidateOptions = {},
): Promise<ValidationReport> {
  const found = new Findings();
  const loaded = await loadPack(segment, found);
  if (!loaded) return found.report({});
  const { pack } = loaded;
  const base = {
    pack_sha: loaded.packSha,
    pack_mtime: loaded.mtimeMs,
    chunks: pack.chunks.length,
    source_files: pack.source_files.length,
  };
  checkPackRules(pack, found);
  for (const f of pack.source_files) await checkSource(segment, f, found, options.quick);
  if (pack.chunks.length === 0) found.fail("EMPTY_PACK", "Context pack contains no chunks");
  checkIndex(segment, loaded, { found, quick: options.quick === true });
  return found.report(base);
}

/** SQLite's integrity check, and every chunk row of the database in the pack. */
function checkIndex(
  segment: Segment,
  loaded: LoadedPack,
  how: { found: Findings; quick: boolean },
): void {
  const { found } = how;
  const fail = (code: string, message: string) => found.fail(code, message);
  let db;
  try {
    db = openIndex(segment);
  } catch (err) {
    if (!(err instanceof TrifectaError)) throw err;
    fail(err.code, `Context pack ${INDEX_REL} is missing or unreadable: ${err.message}`);
    return;
  }
  try {
    // Quick (after a sync): the file was just written whole by this process;
    // SQLite's page-by-page check is for `ctx validate`.
    const problems = how.quick ? [] : db.integrity(5);
    if (problems.length > 0) {
      fail(
        "INDEX_CORRUPT",
        `Context pack ${INDEX_REL} failed SQLite's integrity check (${problems.length} problem(s), e.g. ${
          (problems[0] ?? "").slice(0, 120)
        })`,
      );
      return;
    }
    if (db.meta("build_id") !== loaded.pack.build_id) {
      fail("PACK_INDEX_MISMATCH", `Context pack ${INDEX_REL} changed while it was validated`);
      return;
    }
    checkRowCounts(db, loaded.pack.chunks.length, found);
  } catch (err) {
    if (!(err instanceof TrifectaError)) throw err;
    fail(err.code, err.message);
  } finally {
    db.close();
  }
}

/**
 * The database's row counts against the `listed` chunks (those of listed
 * files the denylist serves): every chunk row is one of them, and has its
 * one search row; and the symbol table is there (warned when not).
 *
 * @throws {TrifectaError} `INDEX_CORRUPT` when SQLite cannot count them.
 */
export function checkRowCounts(db: IndexReader, listed: number, found: Findings): void {
  const rows = db.count();
  if (rows !== listed) {
    found.fail(
      "PACK_INDEX_MISMATCH",
      `Context pack ${INDEX_REL} holds ${rows} chunk rows, ${
        rows - listed
      } of them of no listed file (mismatch)`,
    );
  }
  const searchRows = db.query((d) =>
    Number((d.prepare("SELECT count(*) AS n FROM chunks_fts").get() as { n: number }).n)
  );
  if (searchRows !== rows) {
    found.fail(
      "PACK_INDEX_MISMATCH",
      `Context pack ${INDEX_REL} holds ${searchRows} search rows for ${rows} chunk rows (mismatch)`,
    );
  }
  // A pack without the symbol table still serves search, by BM25 alone (see search.ts).
  if (!db.hasSymbols()) found.warnings.push(OLD_INDEX_WARNING);
}
