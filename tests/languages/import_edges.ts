/**
 * Import edges of a segment, for the import-rule tests: the files each
 * import names (lib/languages/imports.ts `resolveImport`, fed with the tags
 * the map reads and the config files read through the segment boundary).
 *
 * @module
 */
import { ok } from "node:assert/strict";
import { tagsOfFiles } from "../../lib/ast/tags.ts";
import { TrifectaError } from "../../lib/errors.ts";
import { importConfigFiles, resolveImport } from "../../lib/languages/imports.ts";
import { SOURCE_EXTENSIONS } from "../../lib/languages/mod.ts";
import { readInside, resolveSegment, type Segment, walkFiles } from "../../lib/segment/mod.ts";
import { copyTree, REPO_ROOT } from "../e2e/helpers.ts";

/**
 * `from → to` for every import of every file of a segment that names a
 * file, and the imports read (`from: module`).
 */
export async function importEdges(dir: string): Promise<{ edges: Set<string>; seen: string[] }> {
  const segment = await resolveSegment(dir);
  const walked = await walkFiles(segment, segment.root, { extensions: SOURCE_EXTENSIONS });
  const files = walked.files.map((f) => f.rel);
  const known = new Set(files);
  const tags = await tagsOfFiles(segment, files);
  const edges = new Set<string>();
  const seen: string[] = [];
  for (const t of tags) {
    const configs = await configsOf(segment, t.language);
    for (const imp of t.imports) {
      if (imp.module === undefined) continue;
      seen.push(`${t.path}: ${imp.module}`);
      const to = resolveImport(t.path, imp.module, { language: t.language, known, configs });
      for (const f of to) edges.add(`${t.path} → ${f}`);
    }
  }
  return { edges, seen };
}

/** The language's config files that exist, read through the boundary. */
async function configsOf(segment: Segment, language: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const rel of importConfigFiles(language)) {
    try {
      out.set(rel, (await readInside(segment, rel)).text);
    } catch (err) {
      // A missing or refused config file is not read: the rule's fallback applies.
      if (!(err instanceof TrifectaError)) throw err;
    }
  }
  return out;
}

/** The import edges of a copy of fixtures/<lang>. */
export async function fixtureEdges(lang: string): Promise<Set<string>> {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-imports-" });
  try {
    await copyTree(`${REPO_ROOT}fixtures/${lang}`, dir);
    return (await importEdges(dir)).edges;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

export function hasAll(edges: Set<string>, expected: string[]): void {
  for (const e of expected) ok(edges.has(e), `missing ${e}; got ${[...edges].join(", ")}`);
}
