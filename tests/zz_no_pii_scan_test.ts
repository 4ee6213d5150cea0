/**
 * The no-PII scan: runs after every other test file (Deno orders test files
 * by path, and `tests/zz_…` sorts last) over every file the e2e runs left in
 * a segment's `_ctx/` and `.trifecta/`, which tests/e2e/helpers.ts runCli
 * copies to `$TRIFECTA_PII_SCAN_DIR` (set by the `test` task). SQLite files
 * are scanned as bytes.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { SECRET_RULES } from "../lib/telemetry/redact.ts";

const SCAN_DIR = Deno.env.get("TRIFECTA_PII_SCAN_DIR");

async function* files(dir: string): AsyncGenerator<string> {
  for await (const e of Deno.readDir(dir)) {
    const p = join(dir, e.name);
    if (e.isDirectory) yield* files(p);
    else if (e.isFile) yield p;
  }
}

/** Absolute paths and other personal data that must never be stored. */
const FORBIDDEN: [string, RegExp][] = [
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

/**
 * Whether a secret-rule match holds a value, not a placeholder trifecta put
 * there (`token=<SECRET_REDACTED:…>`) or a count (`"github-token":1`).
 */
function looksLikeValue(match: string): boolean {
  // A match may end inside a placeholder (`TOKEN = "<SECRET_REDACTED:gith`).
  const unmasked = match.replace(/<[A-Z_]*REDACTED[^>]*>?/g, "");
  const value = unmasked.replace(/^[^:=]*[:=]/, "").replace(/[\\"'\s{}:,0-9]/g, "");
  return value.length >= 4;
}

/** A line of fixture source that telemetry must never hold (content). */
const CONTENT_MARKER = "All items, keyed by SKU";

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

function scanText(rel: string, text: string, problems: string[]): void {
  for (const [what, re] of FORBIDDEN) {
    const m = re.exec(text);
    if (m) {
      problems.push(`${rel}: ${what}: …${text.slice(Math.max(0, m.index - 40), m.index + 60)}…`);
    }
  }
  for (const rule of SECRET_RULES) {
    const re = new RegExp(
      rule.re.source,
      rule.re.flags.includes("g") ? rule.re.flags : rule.re.flags + "g",
    );
    for (const m of text.matchAll(re)) {
      if (!looksLikeValue(m[0])) continue;
      problems.push(
        `${rel}: secret matching ${rule.re.source.slice(0, 30)}: ${m[0].slice(0, 12)}…`,
      );
      break;
    }
  }
  if (rel.includes("/_ctx/telemetry/") && text.includes(CONTENT_MARKER)) {
    problems.push(`${rel}: file content in telemetry`);
  }
  const mail = rel.includes("/_ctx/telemetry/") ? EMAIL.exec(text) : null;
  if (mail) problems.push(`${rel}: e-mail address in telemetry: ${mail[0].slice(0, 6)}…`);
}

Deno.test("no PII in any _ctx/ or .trifecta/ file written by the e2e suite", async () => {
  if (!SCAN_DIR) {
    console.log("SKIPPED no-PII scan: TRIFECTA_PII_SCAN_DIR is not set (run `deno task test`)");
    return;
  }
  let count = 0;
  const problems: string[] = [];
  for await (const path of files(SCAN_DIR)) {
    count++;
    const rel = path.slice(SCAN_DIR.length + 1);
    // Big files (a sparse 1 GiB pack, a huge events.jsonl) are scanned in
    // overlapping windows: one string of them would exceed V8's limit.
    for await (const text of windows(path)) {
      const before = problems.length;
      scanText(rel, text, problems);
      if (problems.length > before) break;
    }
  }
  console.log(`no-PII scan: ${count} files`);
  assert.ok(count > 0, "the e2e suite left files to scan");
  assert.deepEqual(problems, []);
  await Deno.remove(SCAN_DIR, { recursive: true });
});
