/**
 * Helpers for the per-language tests (tests/languages/<lang>_test.ts): the
 * skeleton of a fixture project through the real CLI, in a compact form
 * compared with `tests/languages/expected/<lang>.json`, each symbol's
 * `sym://` URI, and its resolution back through `ast symbols`.
 *
 * @module
 */
import { equal, ok } from "node:assert/strict";
import { fileURLToPath as fromFileUrl } from "node:url";
import { deepEqual } from "node:assert/strict";
import { copyTree, removeSegment, REPO_ROOT, runCli, withTempSegment } from "../e2e/helpers.ts";

/** One symbol as the expected JSON holds it. */
export interface ExpectedSymbol {
  kind: string;
  name: string;
  qualified_name: string;
  start_line: number;
  end_line: number;
  signature: string;
  doc: string;
  decorators: string[];
  /** Compared when the CLI's JSON has it (the sweep helper adds it). */
  uri?: string;
  children: ExpectedSymbol[];
}

/** One file as the expected JSON holds it. */
export interface ExpectedFile {
  path: string;
  language: string;
  has_errors: boolean;
  imports: { text: string; line: number }[];
  symbols: ExpectedSymbol[];
}

/** The expected JSON of a language: its files, and `symbols` kept for the oracle's reader. */
export interface ExpectedSkeleton {
  files: ExpectedFile[];
}

/** A symbol of `ast skeleton --json` (the fields the tests read). */
interface CliSymbol {
  kind: string;
  name: string;
  qualified_name: string;
  start_line: number;
  end_line: number;
  signature: string;
  doc: string;
  decorators: string[];
  uri?: string | null;
  children: CliSymbol[];
}

/** A file of `ast skeleton --json` (the fields the tests read). */
interface CliFile {
  path: string;
  language: string;
  has_errors?: boolean;
  imports?: { text: string; line: number }[];
  symbols: CliSymbol[];
}

/** Absolute path of `fixtures/<name>`. */
export function fixtureDir(name: string): string {
  return fromFileUrl(new URL(`../../fixtures/${name}`, import.meta.url));
}

/** Absolute path of `tests/languages/expected/<lang>.json`. */
export function expectedPath(lang: string): string {
  return fromFileUrl(new URL(`./expected/${lang}.json`, import.meta.url));
}

/** The expected skeleton of a language. */
export async function readExpected(lang: string): Promise<ExpectedSkeleton> {
  return JSON.parse(await Deno.readTextFile(expectedPath(lang)));
}

function compactSymbol(s: CliSymbol): ExpectedSymbol {
  const out: ExpectedSymbol = {
    kind: s.kind,
    name: s.name,
    qualified_name: s.qualified_name,
    start_line: s.start_line,
    end_line: s.end_line,
    signature: s.signature,
    doc: s.doc,
    decorators: s.decorators,
    children: s.children.map(compactSymbol),
  };
  if (typeof s.uri === "string") out.uri = s.uri;
  return out;
}

/** The compact form of `ast skeleton --json` output (what the expected JSON holds). */
export function compactSkeleton(json: { files: CliFile[] }): ExpectedSkeleton {
  return {
    files: json.files.map((f) => ({
      path: f.path,
      language: f.language,
      has_errors: f.has_errors ?? false,
      imports: (f.imports ?? []).map((i) => ({ text: i.text, line: i.line })),
      symbols: f.symbols.map(compactSymbol),
    })),
  };
}

function hasUri(symbols: readonly ExpectedSymbol[]): boolean {
  return symbols.some((s) => s.uri !== undefined || hasUri(s.children));
}

function withoutUri(s: ExpectedSymbol): ExpectedSymbol {
  const { uri: _uri, ...rest } = s;
  return { ...rest, children: s.children.map(withoutUri) };
}

/**
 * The expected skeleton as the CLI output can be compared with it: without
 * `uri` while the CLI's JSON has none (before the sweep helper's change).
 */
export function comparable(expected: ExpectedSkeleton, actual: ExpectedSkeleton): ExpectedSkeleton {
  if (actual.files.some((f) => hasUri(f.symbols))) return expected;
  return {
    files: expected.files.map((f) => ({ ...f, symbols: f.symbols.map(withoutUri) })),
  };
}

/** Every symbol with the path of its file, depth first. */
export function flatten(skeleton: ExpectedSkeleton): { path: string; symbol: ExpectedSymbol }[] {
  const out: { path: string; symbol: ExpectedSymbol }[] = [];
  const visit = (path: string, symbols: readonly ExpectedSymbol[]) => {
    for (const symbol of symbols) {
      out.push({ path, symbol });
      visit(path, symbol.children);
    }
  };
  for (const f of skeleton.files) visit(f.path, f.symbols);
  return out;
}

/**
 * The URI a symbol is addressed by in a `modules.style: "path"` language:
 * `sym://<lang>/type/<path without extension>/<Top>#<rest.dotted>`.
 */
export function pathStyleUri(uriName: string, path: string, qualifiedName: string): string {
  const module = path.replace(/\.[^./]+$/, "");
  const [top, ...rest] = qualifiedName.split(".");
  return `sym://${uriName}/type/${module}/${top}${rest.length > 0 ? `#${rest.join(".")}` : ""}`;
}

/** Run `fn` on a fresh copy of `fixtures/<name>`, removed afterwards. */
export async function withFixtureCopy(
  name: string,
  fn: (dir: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: `trifecta-lang-${name}-` });
  try {
    await copyTree(fixtureDir(name), dir);
    await fn(dir);
  } finally {
    await removeSegment(dir);
  }
}

/** The skeleton of a whole segment through the real CLI (`ast skeleton . --json`), compacted. */
export async function skeletonOf(segment: string): Promise<ExpectedSkeleton> {
  const res = await runCli(["ast", "skeleton", ".", "-s", segment, "--json"], { cwd: REPO_ROOT });
  equal(res.code, 0, res.stderr + res.stdout);
  return compactSkeleton(JSON.parse(res.stdout));
}

/**
 * Resolve `uri` with `ast symbols <uri> --json` and check it names `symbol`
 * of `path` (its qualified name; its lines too unless `sameLines` is false:
 * an impl block shares its type's URI).
 */
export async function assertResolves(
  segment: string,
  uri: string,
  path: string,
  symbol: ExpectedSymbol,
  options: { sameLines?: boolean } = {},
): Promise<void> {
  const res = await runCli(["ast", "symbols", uri, "-s", segment, "--json"], { cwd: REPO_ROOT });
  equal(res.code, 0, `${uri}: ${res.stdout}${res.stderr}`);
  const out = JSON.parse(res.stdout);
  equal(out.file_rel, path, uri);
  ok(out.symbol, `${uri}: no symbol in the answer`);
  equal(out.symbol.qualified_name, symbol.qualified_name, uri);
  if (options.sameLines === false) return;
  equal(out.symbol.start_line, symbol.start_line, uri);
  equal(out.symbol.end_line, symbol.end_line, uri);
}

/** The fixture's skeleton through the CLI equals `expected/<lang>.json`. */
export async function checkFixtureSkeleton(lang: string): Promise<void> {
  const expected = await readExpected(lang);
  await withFixtureCopy(lang, async (dir) => {
    const actual = await skeletonOf(dir);
    deepEqual(actual, comparable(expected, actual));
  });
}

/**
 * Every symbol of `expected/<lang>.json` has the path-rule URI (or none yet)
 * and that URI resolves back to it; `shared` kinds (impl blocks) share
 * their type's URI and are checked by qualified name only.
 */
export async function checkUrisResolve(
  lang: string,
  uriName: string,
  options: { shared?: readonly string[]; atLeast?: number } = {},
): Promise<void> {
  const symbols = flatten(await readExpected(lang));
  ok(symbols.length >= (options.atLeast ?? 20), `the fixture holds ${symbols.length} symbols`);
  await withFixtureCopy(lang, async (dir) => {
    for (const { path, symbol } of symbols) {
      const rule = pathStyleUri(uriName, path, symbol.qualified_name);
      equal(symbol.uri ?? rule, rule, "uri follows the path rule");
      const sameLines = !(options.shared ?? []).includes(symbol.kind);
      await assertResolves(dir, rule, path, symbol, { sameLines });
    }
  });
}

/** A file with a syntax error still yields `names` (depth first), with `has_errors`. */
export async function checkSyntaxError(
  file: string,
  text: string,
  names: readonly string[],
): Promise<void> {
  await withTempSegment({ [file]: text }, async (dir) => {
    const skeleton = await skeletonOf(dir);
    equal(skeleton.files.length, 1);
    equal(skeleton.files[0]?.has_errors, true);
    deepEqual(flatten(skeleton).map((s) => s.symbol.qualified_name), names);
  });
}

/** True when `name` is an executable on PATH (an oracle's toolchain). */
export function onPath(name: string): boolean {
  return (Deno.env.get("PATH") ?? "").split(":").some((d) => {
    try {
      return Deno.statSync(`${d}/${name}`).isFile;
    } catch (err) {
      // Not there (or not readable): that directory does not have it.
      if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotCapable) {
        return false;
      }
      throw err;
    }
  });
}
