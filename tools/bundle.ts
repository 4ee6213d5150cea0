/**
 * `deno task bundle`: builds `dist/trifecta.js`, ONE file that runs offline
 * and from a URL. Deno reads and scans the whole file at every start,
 * `--version` included, so its size is start-up time: this runs
 * `deno bundle --minify --keep-names` (the code: 2.2 MB → 1.1 MB), then
 * replaces each grammar's wasm, which `deno bundle` inlines as a base64
 * string (ten grammars: 24 MB), by the base64 of its gzip (12× smaller).
 * The registry entries inflate it on first use (lib/languages/wasm.ts). The
 * web-tree-sitter runtime's own wasm stays as is: lib/ast/parser.ts hands it
 * to the runtime unchanged. Last, the `require` of CommonJS code is made to
 * work when the bundle runs from an http URL.
 *
 *   usage: deno run --allow-read --allow-write --allow-run tools/bundle.ts [OUT]
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { RUNTIME_WASM } from "../lib/ast/grammars.ts";

/**
 * An inlined wasm module: a string literal holding base64 that starts with
 * the wasm magic and version (`\0asm\x01\0\0\0`, base64 `AGFzbQEAAAA`).
 * Matched by content, not by esbuild's naming, which minifying removes.
 */
const INLINED_WASM = /(["'`])(AGFzbQEAAAA[A-Za-z0-9+/]*={0,2})\1/g;

/**
 * esbuild's CommonJS shim and web-tree-sitter build a `require` with
 * `createRequire(import.meta.url)`, which refuses an http(s) URL. They
 * require only `node:` built-ins (all else is inlined), which resolve from
 * any base: a non-file URL gets `file:///`.
 */
const ANY_URL = 'import.meta.url.startsWith("file:")?import.meta.url:"file:///"';

/**
 * Minified, `deno bundle` leaves out its `createRequire` shim and esbuild's
 * fallback needs a global `require`: this module-scope one serves it.
 */
const REQUIRE_BANNER =
  `import{createRequire as __trifectaCreateRequire}from"node:module";var require=__trifectaCreateRequire(${ANY_URL});\n`;

/**
 * `text` with every `createRequire(import.meta.url)` (under any local name
 * the import or a destructuring gave it) taking {@linkcode ANY_URL}, and a
 * module-scope `require` when the bundle has none.
 *
 * @example
 * ```ts
 * import { patchRequire } from "./bundle.ts";
 * import { equal, match } from "node:assert/strict";
 * const text = 'let{createRequire:e}=await import("node:module");var require=e(import.meta.url);';
 * const out = patchRequire(text);
 * match(out, /var require=e\(import\.meta\.url\.startsWith\("file:"\)/);
 * match(out, /^import\{createRequire as __trifectaCreateRequire\}/);
 * equal(patchRequire(out), out);
 * ```
 */
export function patchRequire(text: string): string {
  const names = new Set(["createRequire"]);
  for (const m of text.matchAll(/\bcreateRequire(?:\s+as\s+|\s*:\s*)([\w$]+)/g)) {
    if (m[1] !== undefined) names.add(m[1]);
  }
  let out = text;
  for (const name of names) {
    const escaped = name.replace(/\$/g, "\\$");
    out = out.replace(
      new RegExp(`(?<![\\w$.])${escaped}\\(import\\.meta\\.url\\)`, "g"),
      `${name}(${ANY_URL})`,
    );
  }
  // deno bundle's own shim (unminified) or ours: the bundle has a `require`.
  const hasShim = /\b(?:__deno_internal_createRequire|__trifectaCreateRequire)\b/.test(out);
  return hasShim ? out : REQUIRE_BANNER + out;
}

/** What {@linkcode compressGrammars} did. */
export interface CompressReport {
  /** The bundle's text with each grammar's wasm gzip-compressed. */
  text: string;
  /** Each compressed grammar: wasm bytes, gzip bytes. */
  grammars: { bytes: number; gzipBytes: number }[];
  /** Inlined wasm modules left as they were (the runtime's). */
  kept: number;
}

function decodeBase64(base64: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

function encodeBase64(bytes: Uint8Array): string {
  let binary = "";
  // In slices: String.fromCharCode takes its bytes as arguments.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

async function gzip(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * The bundle's text with every inlined wasm module but `keep` (the
 * runtime's) replaced by its gzip, in base64.
 *
 * @example
 * ```ts
 * import { compressGrammars } from "./bundle.ts";
 * import { equal, match } from "node:assert/strict";
 * const wasm = (n: number) => btoa("\0asm\x01\0\0\0" + String.fromCharCode(n).repeat(64));
 * const runtime = Uint8Array.from(atob(wasm(2)), (c) => c.charCodeAt(0));
 * const text = `var g=Ue("${wasm(1)}"),r=Ue("${wasm(2)}");`;
 * const report = await compressGrammars(text, runtime);
 * equal(report.grammars.length, 1);
 * equal(report.kept, 1);
 * match(report.text, /^var g=Ue\("H4sI/); // gzip's magic, in base64
 * match(report.text, /r=Ue\("AGFzbQ/);
 * ```
 */
export async function compressGrammars(text: string, keep: Uint8Array): Promise<CompressReport> {
  const grammars: CompressReport["grammars"] = [];
  const replacements: string[] = [];
  let kept = 0;
  for (const m of text.matchAll(INLINED_WASM)) {
    const [literal, quote = '"', base64 = ""] = m;
    const bytes = decodeBase64(base64);
    if (sameBytes(bytes, keep)) {
      kept++;
      replacements.push(literal);
      continue;
    }
    const gz = await gzip(bytes);
    grammars.push({ bytes: bytes.length, gzipBytes: gz.length });
    replacements.push(quote + encodeBase64(gz) + quote);
  }
  let i = 0;
  return { text: text.replace(INLINED_WASM, () => replacements[i++] ?? ""), grammars, kept };
}

function fail(cause: string): never {
  const lines = [`TRIFECTA_ERROR_CODE: BUNDLE_FAILED`, `CAUSE: ${cause}`];
  Deno.stderr.writeSync(new TextEncoder().encode(lines.join("\n") + "\n"));
  Deno.exit(1);
}

if (import.meta.main) {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const out = Deno.args[0] ?? `${root}dist/trifecta.js`;
  const result = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--unstable-raw-imports",
      "--platform=deno",
      "--minify",
      "--keep-names", // a class's or function's `.name` stays what the code reads
      "-o",
      out,
      `${root}main.ts`,
    ],
    cwd: root,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (result.code !== 0) fail(`deno bundle failed (exit ${result.code})`);
  const report = await compressGrammars(await Deno.readTextFile(out), RUNTIME_WASM);
  // Nothing found means esbuild's output changed shape: say so, loudly.
  if (report.grammars.length === 0 || report.kept !== 1) {
    fail(`${out}: ${report.grammars.length} grammar wasm and ${report.kept} runtime wasm found`);
  }
  await Deno.writeTextFile(out, patchRequire(report.text));
  const before = report.grammars.reduce((n, g) => n + g.bytes, 0);
  const after = report.grammars.reduce((n, g) => n + g.gzipBytes, 0);
  console.log(
    `${out}: ${report.grammars.length} grammars gzip-compressed, ${before} -> ${after} bytes`,
  );
}
