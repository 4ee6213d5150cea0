/**
 * The extraction fingerprint: sha256 (first 8 hex) over every source that
 * decides what a cached skeleton, a file's tags or a pack's chunks hold —
 * `lib/ast/`, `lib/languages/` (the `.scm` queries and the registry), the
 * secret rules (`lib/secret*.ts`), `lib/escape.ts`, `lib/segment/read.ts`,
 * and the tree-sitter versions pinned in `deno.json`. It is part of every
 * AST cache key and of a pack's `meta`, so a new query, rule or grammar
 * never serves what the old one extracted.
 *
 *   deno run --allow-read tools/fingerprint.ts           # check (exit 1 when stale)
 *   deno run --allow-read --allow-write tools/fingerprint.ts --write
 *
 * `deno task fingerprint` runs the check; tests/cache/fingerprint_test.ts too.
 *
 * @module
 */
import { EXTRACTION_FINGERPRINT } from "../lib/cache/fingerprint.ts";

const ROOT = new URL("../", import.meta.url);
const FILE = new URL("lib/cache/fingerprint.ts", ROOT);
const DIRS = ["lib/ast", "lib/languages"];
const FILES = ["lib/escape.ts", "lib/segment/read.ts"];

function walk(root: URL, rel: string, out: string[]): void {
  for (const e of Deno.readDirSync(new URL(rel, root))) {
    const child = `${rel}/${e.name}`;
    if (e.isDirectory) walk(root, child, out);
    else if (e.isFile) out.push(child);
  }
}

/** The files the fingerprint covers, sorted (repository-relative). */
export function fingerprintFiles(root: URL = ROOT): string[] {
  const out: string[] = [...FILES];
  for (const d of DIRS) walk(root, d, out);
  for (const e of Deno.readDirSync(new URL("lib/", root))) {
    if (e.isFile && /^secret.*\.ts$/.test(e.name)) out.push(`lib/${e.name}`);
  }
  return out.sort();
}

/** The fingerprint of the sources under `root` (default: this checkout) as they are now. */
export async function currentFingerprint(root: URL = ROOT): Promise<string> {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  for (const rel of fingerprintFiles(root)) {
    parts.push(enc.encode(`${rel}\0`), Deno.readFileSync(new URL(rel, root)), enc.encode("\0"));
  }
  const imports = (JSON.parse(Deno.readTextFileSync(new URL("deno.json", root))) as {
    imports?: Record<string, string>;
  }).imports ?? {};
  const pins = Object.entries(imports).filter(([k]) => k.includes("tree-sitter")).sort();
  parts.push(enc.encode(JSON.stringify(pins)));
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
  return [...digest.slice(0, 4)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The generated module for `fingerprint`. */
export function fingerprintModule(fingerprint: string): string {
  const head = Deno.readTextFileSync(FILE);
  return head.replace(
    /EXTRACTION_FINGERPRINT = "[0-9a-f]*"/,
    `EXTRACTION_FINGERPRINT = "${fingerprint}"`,
  );
}

if (import.meta.main) {
  const now = await currentFingerprint();
  if (now === EXTRACTION_FINGERPRINT) {
    console.log(`extraction fingerprint ${now}: current`);
  } else if (Deno.args.includes("--write")) {
    Deno.writeTextFileSync(FILE, fingerprintModule(now));
    console.log(`extraction fingerprint ${EXTRACTION_FINGERPRINT} -> ${now}: written`);
  } else {
    console.error(
      `extraction fingerprint is ${now}, lib/cache/fingerprint.ts says ${EXTRACTION_FINGERPRINT}: ` +
        "run `deno run --allow-read --allow-write tools/fingerprint.ts --write`",
    );
    Deno.exit(1);
  }
}
