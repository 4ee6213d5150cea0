/**
 * Shared checks of the C and C++ tests: URIs whose module path keeps the
 * file's extension, their resolution (a declaration and its definition in
 * one file share a URI: `AMBIGUOUS_SYMBOL` lists both), and the expected
 * JSON against clang's own AST (bench/oracles/clang).
 *
 * @module
 */
import { deepEqual, equal } from "node:assert/strict";
import { fileURLToPath as fromFileUrl } from "node:url";
import { REPO_ROOT, runCli } from "../e2e/helpers.ts";
import {
  assertResolves,
  type ExpectedSkeleton,
  type ExpectedSymbol,
  fixtureDir,
  flatten,
} from "./fixture_skeleton.ts";

/**
 * The URI of a C or C++ symbol: the module path is the file's path with its
 * extension (`text.c` and `text.h` are two modules).
 */
export function fileUri(uriName: string, path: string, qualifiedName: string): string {
  const [top, ...rest] = qualifiedName.split(".");
  return `sym://${uriName}/type/${path}/${top}${rest.length > 0 ? `#${rest.join(".")}` : ""}`;
}

/** One symbol and its file. */
interface Located {
  path: string;
  symbol: ExpectedSymbol;
}

function lines(file: string, s: { start_line: number; end_line: number }): string {
  return `${file}:${s.start_line}-${s.end_line}`;
}

/**
 * Every symbol's URI (checked against {@linkcode fileUri}) resolves back to
 * it; a URI shared by a declaration and its definition in one file answers
 * `AMBIGUOUS_SYMBOL` with exactly those. Returns how many URIs were shared.
 */
export async function assertUrisResolve(
  segment: string,
  uriName: string,
  skeleton: ExpectedSkeleton,
): Promise<number> {
  const groups = new Map<string, Located[]>();
  for (const { path, symbol } of flatten(skeleton)) {
    const uri = symbol.uri ?? fileUri(uriName, path, symbol.qualified_name);
    equal(uri, fileUri(uriName, path, symbol.qualified_name), "uri follows the path rule");
    groups.set(uri, [...(groups.get(uri) ?? []), { path, symbol }]);
  }
  let shared = 0;
  for (const [uri, group] of groups) {
    const [first] = group;
    if (first === undefined) continue;
    if (group.length === 1) {
      await assertResolves(segment, uri, first.path, first.symbol);
      continue;
    }
    shared++;
    const res = await runCli(["ast", "symbols", uri, "-s", segment, "--json"], { cwd: REPO_ROOT });
    const out = JSON.parse(res.stdout);
    equal(out.error_code, "AMBIGUOUS_SYMBOL", `${uri}: ${res.stdout}${res.stderr}`);
    deepEqual(
      out.details.candidates.map((c: Located["symbol"] & { file: string }) => lines(c.file, c))
        .sort(),
      group.map(({ path, symbol }) => lines(path, symbol)).sort(),
      uri,
    );
  }
  return shared;
}

/** True when `name` is an executable file on PATH. */
export function onPath(name: string): boolean {
  return Deno.env.get("PATH")?.split(":").some((d) => {
    try {
      return Deno.statSync(`${d}/${name}`).isFile;
    } catch (err) {
      if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotCapable) {
        return false;
      }
      throw err;
    }
  }) ?? false;
}

function kindClass(kind: string): string {
  return kind === "function" || kind === "method" ? "function" : "type";
}

/**
 * The expected JSON's (kind class, qualified name, start, end) of every
 * symbol equal, file by file, what clang's AST reports for the fixture
 * (`bench/oracles/clang/clang_defs.py`, with `flags` such as `-Iinclude`).
 */
export async function assertAgreesWithClang(
  lang: "c" | "cpp",
  expected: ExpectedSkeleton,
  flags: readonly string[],
): Promise<void> {
  const symbols = flatten(expected);
  const script = fromFileUrl(new URL("../../bench/oracles/clang/clang_defs.py", import.meta.url));
  const paths = expected.files.map((f) => f.path);
  const out = await new Deno.Command("python3", {
    args: [script, lang, "--defs-only", ...flags, ...paths],
    cwd: fixtureDir(lang),
    stdout: "piped",
    stderr: "piped",
  }).output();
  equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const rows = new TextDecoder().decode(out.stdout).trim().split("\n");
  equal(rows.length, paths.length);
  for (const row of rows) {
    const got = JSON.parse(row);
    deepEqual(got.errors, [], `${got.path}: clang reports errors`);
    const theirs = (got.defs as [string, string, number, number][])
      .map(([k, q, b, e]) => `${kindClass(k)} ${q} ${b}-${e}`)
      .sort();
    const ours = symbols
      .filter((s) => s.path === got.path)
      .map(({ symbol: s }) =>
        `${kindClass(s.kind)} ${s.qualified_name} ${s.start_line}-${s.end_line}`
      )
      .sort();
    deepEqual(ours, theirs, got.path);
  }
}
