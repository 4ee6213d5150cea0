/**
 * URI resolution for languages with overloads (Java, C#): methods and
 * constructors of one name in one type share one `sym://` URI, which the
 * resolver answers with `AMBIGUOUS_SYMBOL` listing every overload. Each
 * other symbol's URI resolves back to it.
 *
 * @module
 */
import { deepEqual, equal } from "node:assert/strict";
import { REPO_ROOT, runCli } from "../e2e/helpers.ts";
import {
  assertResolves,
  type ExpectedSkeleton,
  flatten,
  pathStyleUri,
} from "./fixture_skeleton.ts";

/** One symbol and the file it is in. */
interface Located {
  path: string;
  symbol: ReturnType<typeof flatten>[number]["symbol"];
}

/** Group the skeleton's symbols by URI (`uri`, or the path rule when absent). */
function byUri(uriName: string, skeleton: ExpectedSkeleton): Map<string, Located[]> {
  const out = new Map<string, Located[]>();
  for (const { path, symbol } of flatten(skeleton)) {
    const uri = symbol.uri ?? pathStyleUri(uriName, path, symbol.qualified_name);
    equal(uri, pathStyleUri(uriName, path, symbol.qualified_name), "uri follows the path rule");
    out.set(uri, [...(out.get(uri) ?? []), { path, symbol }]);
  }
  return out;
}

/** `AMBIGUOUS_SYMBOL` whose candidates are exactly the overloads (by file and lines). */
async function assertOverloads(segment: string, uri: string, group: Located[]): Promise<void> {
  const res = await runCli(["ast", "symbols", uri, "-s", segment, "--json"], { cwd: REPO_ROOT });
  const out = JSON.parse(res.stdout);
  equal(out.error_code, "AMBIGUOUS_SYMBOL", `${uri}: ${res.stdout}${res.stderr}`);
  const lines = (c: { file: string; start_line: number; end_line: number }) =>
    `${c.file}:${c.start_line}-${c.end_line}`;
  deepEqual(
    out.details.candidates.map(lines).sort(),
    group.map(({ path, symbol }) => lines({ file: path, ...symbol })).sort(),
    uri,
  );
}

/**
 * Every symbol's URI resolves back to it; a URI shared by overloads answers
 * `AMBIGUOUS_SYMBOL` with exactly those overloads. Returns how many URIs
 * were shared.
 */
export async function assertUrisResolve(
  segment: string,
  uriName: string,
  skeleton: ExpectedSkeleton,
): Promise<number> {
  let shared = 0;
  for (const [uri, group] of byUri(uriName, skeleton)) {
    const first = group[0];
    if (first === undefined) continue;
    if (group.length === 1) await assertResolves(segment, uri, first.path, first.symbol);
    else {
      shared++;
      await assertOverloads(segment, uri, group);
    }
  }
  return shared;
}
