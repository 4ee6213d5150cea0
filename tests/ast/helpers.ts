/**
 * Helpers for the skeleton tests.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { languageOf, parseSkeleton } from "../../lib/ast/mod.ts";
import type { FileSkeleton, SkeletonSymbol } from "../../lib/ast/mod.ts";

/** Absolute path of `fixtures/ast`. */
export const AST_FIXTURES: string = fileURLToPath(new URL("../../fixtures/ast", import.meta.url));

/** One symbol flattened: kind, qualified name, start and end line. */
export type Row = [string, string, number, number];

/** Parse a fixture (path relative to `fixtures/ast`). */
export async function parseFixture(rel: string): Promise<FileSkeleton> {
  const bytes = await Deno.readFile(`${AST_FIXTURES}/${rel}`);
  const language = languageOf(rel);
  if (!language) throw new Error(`no language for ${rel}`);
  return await parseSkeleton({ rel, language, bytes });
}

/** Every symbol in document order (parents before children). */
export function flatten(symbols: readonly SkeletonSymbol[]): SkeletonSymbol[] {
  const out: SkeletonSymbol[] = [];
  const visit = (list: readonly SkeletonSymbol[]): void => {
    for (const s of list) {
      out.push(s);
      visit(s.children);
    }
  };
  visit(symbols);
  return out;
}

/** Flattened rows of kind, qualified name and lines. */
export function rows(skeleton: FileSkeleton): Row[] {
  return flatten(skeleton.symbols).map((s) => [s.kind, s.qualified_name, s.start_line, s.end_line]);
}

/** The symbol with this qualified name (the first, for overloads). */
export function symbol(skeleton: FileSkeleton, qualified: string, nth = 0): SkeletonSymbol {
  const found = flatten(skeleton.symbols).filter((s) => s.qualified_name === qualified)[nth];
  if (!found) throw new Error(`no symbol ${qualified}#${nth}`);
  return found;
}

/** A temporary directory, removed after `fn`. */
export async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-ast-" }));
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
