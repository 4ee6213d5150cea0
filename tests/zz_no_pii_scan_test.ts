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
  ["e-mail address", /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/],
];

/**
 * Whether a secret-rule match holds a value, not a placeholder trifecta put
 * there (`token=<SECRET_REDACTED:…>`) or a count (`"github-token":1`).
 */
function looksLikeValue(match: string): boolean {
  const unmasked = match.replace(/<[A-Z_]*REDACTED[^>]*>/g, "");
  const value = unmasked.replace(/^[^:=]*[:=]/, "").replace(/[\\"'\s{}:,0-9]/g, "");
  return value.length >= 4;
}

/** A line of fixture source that telemetry must never hold (content). */
const CONTENT_MARKER = "All items, keyed by SKU";

Deno.test("no PII in any _ctx/ or .trifecta/ file written by the e2e suite", async () => {
  if (!SCAN_DIR) {
    console.log("SKIPPED no-PII scan: TRIFECTA_PII_SCAN_DIR is not set (run `deno task test`)");
    return;
  }
  let count = 0;
  const problems: string[] = [];
  for await (const path of files(SCAN_DIR)) {
    count++;
    const text = new TextDecoder("latin1").decode(await Deno.readFile(path));
    const rel = path.slice(SCAN_DIR.length + 1);
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
  }
  console.log(`no-PII scan: ${count} files`);
  assert.ok(count > 0, "the e2e suite left files to scan");
  assert.deepEqual(problems, []);
  await Deno.remove(SCAN_DIR, { recursive: true });
});
