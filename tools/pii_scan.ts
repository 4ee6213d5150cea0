/**
 * The no-PII scan: every file under a directory is searched for what
 * trifecta must never store: absolute paths (temp, home, checkout), `file://`
 * URIs, secret values (the telemetry secret rules), and in telemetry
 * (`_ctx/telemetry/`) also file content and e-mail addresses. SQLite files
 * are scanned as bytes, big files in overlapping windows.
 *
 * Two uses: tests/no_pii_scan_test.ts scans a segment it drove through the
 * CLI and the MCP server itself; and the `test` task, after the suite, runs
 * `deno run --allow-read --allow-write tools/pii_scan.ts <dir>` over the
 * copies that every e2e run left in `$TRIFECTA_PII_SCAN_DIR`
 * (tests/e2e/helpers.ts `keepForPiiScan`). It prints one line,
 * `no-PII scan: ok, N files` (then removes the directory) or
 * `no-PII scan: FAILED, …` with each leak, and exits 1 on a leak or when
 * there was nothing to scan.
 *
 * @module
 */
import { inflatedValues, isSqliteHeader } from "./sqlite_text.ts";
import { join } from "node:path";
import { SECRET_RULES } from "../lib/telemetry/redact.ts";

/** Absolute paths and other personal data that must never be stored. */
export const FORBIDDEN: readonly (readonly [string, RegExp])[] = [
  ["temp dir path", /\/tmp\/[A-Za-z0-9]/],
  ["home directory", /\/(?:root|home\/[A-Za-z0-9_-]+)\//],
  ["checkout path", /\/work\/main\//],
  ["file:// URI", /file:\/\//i],
];

/**
 * E-mail addresses may stand in the pack and the AST cache (a file name is
 * repository content the agent is meant to see), never in telemetry.
 */
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/;

/** A line of fixtures/example source that telemetry must never hold (content). */
export const CONTENT_MARKER = "All items, keyed by SKU";

/** A file path (relative to the scanned directory) inside a telemetry directory. */
const TELEMETRY_PATH = /(?:^|\/)_ctx\/telemetry\//;

/**
 * A placeholder trifecta put in place of a secret, `<SECRET_REDACTED:rule>`,
 * also when a preview cut it short (`<SECRET_REDACTED:aws-secret...`).
 */
const PLACEHOLDER = /<[A-Z_]*REDACTED(?::[A-Za-z0-9_-]*)?(?:>|\.\.\.|…)?/g;

/** A value that is a type name of a typed parameter or field (`token: string`), nothing after it. */
const TYPE_WORD =
  /^\s*(?:string|number|boolean|bigint|any|unknown|str|bytes|int|float|bool|String|Option<String>|Optional\[str\]|&str)\s*$/;

/**
 * Whether a secret-rule match holds a value, not a placeholder trifecta put
 * there (`token=<SECRET_REDACTED:…>`), a count (`"github-token":1`) or the
 * binary bytes of a SQLite page after a cut placeholder (secret values are
 * printable ASCII).
 */
function looksLikeValue(match: string): boolean {
  // A secret value is contiguous printable text: what follows a control or
  // non-ASCII byte (a SQLite record header after a cut preview) is another
  // field, not the rest of the value.
  const field = match.split(/[^\x20-\x7e\t]/)[0] ?? "";
  const unmasked = field.replace(PLACEHOLDER, "");
  const value = unmasked.replace(/^[^:=]*[:=]/, "");
  // A quoted value is judged by what its quotes hold: in `token: string =
  // "<SECRET_REDACTED:…>"` (a typed parameter) the type is no value.
  // `token: string`, `password: str`: a type annotation in code is no value.
  if (TYPE_WORD.test(value)) return false;
  const quoted = [...value.matchAll(/["'`]([^"'`]*)["'`]/g)].map((m) => m[1] ?? "");
  if (quoted.length > 0) return quoted.some((q) => q.replace(/[\\\s0-9]/g, "").length >= 4);
  return value.replace(/[\\"'\s{}:,0-9]|[^\x21-\x7e]/g, "").length >= 4;
}

/**
 * The first match of `rule` in `text` that holds a value. A match is judged
 * on its first line (no secret value spans lines; a quote left open by a cut
 * placeholder makes some rules run on for pages), and the search goes on
 * from the next line, so the rest of the run is scanned too.
 */
function firstValue(rule: RegExp, text: string): string | undefined {
  const re = new RegExp(rule.source, rule.flags.includes("g") ? rule.flags : rule.flags + "g");
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const line = m[0].split("\n")[0] ?? "";
    if (looksLikeValue(line)) return line;
    if (line.length < m[0].length) re.lastIndex = m.index + line.length + 1;
    else if (m[0] === "") re.lastIndex++;
  }
  return undefined;
}

const WINDOW = 16 * 1024 * 1024;
const OVERLAP = 64 * 1024;

/** The file as latin1 text, in windows of 16 MiB that overlap by 64 KiB. */
async function* windows(path: string): AsyncGenerator<string> {
  const file = await Deno.open(path);
  try {
    const dec = new TextDecoder("latin1");
    let carry = new Uint8Array(0);
    const buf = new Uint8Array(WINDOW);
    for (;;) {
      let filled = 0;
      while (filled < WINDOW) {
        const n = await file.read(buf.subarray(filled));
        if (n === null) break;
        filled += n;
      }
      if (filled === 0) {
        if (carry.length > 0) yield dec.decode(carry);
        return;
      }
      const chunk = new Uint8Array(carry.length + filled);
      chunk.set(carry);
      chunk.set(buf.subarray(0, filled), carry.length);
      yield dec.decode(chunk);
      if (filled < WINDOW) return;
      carry = chunk.slice(Math.max(0, chunk.length - OVERLAP));
    }
  } finally {
    file.close();
  }
}

/** The leaks in `text`, a file (or window of one) at `rel`, one line each. */
export function scanText(rel: string, text: string): string[] {
  const problems: string[] = [];
  for (const [what, re] of FORBIDDEN) {
    const m = re.exec(text);
    if (m) {
      problems.push(`${rel}: ${what}: …${text.slice(Math.max(0, m.index - 40), m.index + 60)}…`);
    }
  }
  for (const rule of SECRET_RULES) {
    const found = firstValue(rule.re, text);
    if (found !== undefined) {
      problems.push(
        `${rel}: secret matching ${rule.re.source.slice(0, 30)}: ${found.slice(0, 12)}…`,
      );
    }
  }
  if (TELEMETRY_PATH.test(rel)) {
    if (text.includes(CONTENT_MARKER)) problems.push(`${rel}: file content in telemetry`);
    const mail = EMAIL.exec(text);
    if (mail) problems.push(`${rel}: e-mail address in telemetry: ${mail[0].slice(0, 6)}…`);
  }
  return problems;
}

async function* files(dir: string): AsyncGenerator<string> {
  for await (const e of Deno.readDir(dir)) {
    const p = join(dir, e.name);
    if (e.isDirectory) yield* files(p);
    else if (e.isFile) yield p;
  }
}

/** What a scan found. */
export interface ScanResult {
  /** Files scanned. */
  files: number;
  /** Leaks, one line each (paths relative to the scanned directory). */
  problems: string[];
}

/** Scans every file under `dir` (a missing `dir` holds no file). */
export async function scanTree(dir: string): Promise<ScanResult> {
  const result: ScanResult = { files: 0, problems: [] };
  try {
    await Deno.stat(dir);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return result;
    throw err;
  }
  for await (const path of files(dir)) {
    result.files++;
    const rel = path.slice(dir.length + 1);
    // Big files (a sparse 1 GiB pack, a huge events.jsonl) are scanned in
    // overlapping windows: one string of them would exceed V8's limit. One
    // leak per file is enough to report it.
    let leaked = false;
    for await (const text of windows(path)) {
      const found = scanText(rel, text);
      result.problems.push(...found);
      if (found.length > 0) {
        leaked = true;
        break;
      }
    }
    // The pack's chunk texts are compressed: read them inflated too (sqlite_text.ts).
    if (!leaked && await isSqliteFile(path)) {
      for (const text of inflatedValues(path)) {
        const found = scanText(`${rel} (rows)`, text);
        result.problems.push(...found);
        if (found.length > 0) break;
      }
    }
  }
  return result;
}

async function isSqliteFile(path: string): Promise<boolean> {
  const file = await Deno.open(path);
  try {
    const head = new Uint8Array(16);
    const n = await file.read(head);
    return n === 16 && isSqliteHeader(head);
  } finally {
    file.close();
  }
}

if (import.meta.main) {
  const dir = Deno.args[0];
  if (dir === undefined || dir === "") {
    console.log("no-PII scan: FAILED, no directory given (TRIFECTA_PII_SCAN_DIR unset?)");
    Deno.exit(1);
  }
  const { files: count, problems } = await scanTree(dir);
  if (count === 0) {
    await Deno.remove(dir, { recursive: true }).catch((err) => {
      // Nothing to clean up when the directory was never made.
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    });
    console.log(`no-PII scan: FAILED, the e2e tests left no file to scan in ${dir}`);
    Deno.exit(1);
  }
  if (problems.length > 0) {
    for (const p of problems) console.log(`  ${p}`);
    console.log(`no-PII scan: FAILED, ${problems.length} leaks in ${count} files (kept: ${dir})`);
    Deno.exit(1);
  }
  await Deno.remove(dir, { recursive: true });
  console.log(`no-PII scan: ok, ${count} files`);
}
