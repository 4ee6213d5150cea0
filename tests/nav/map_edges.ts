/**
 * Edges of the map's graph of a small segment or a fixture, as
 * `from → to (ident)`, for the import-edge tests of the map.
 *
 * @module
 */
import { ok } from "node:assert/strict";
import { skeletonOfFiles, tagsOfFiles } from "../../lib/ast/mod.ts";
import { TrifectaError } from "../../lib/errors.ts";
import { importConfigFiles } from "../../lib/languages/imports.ts";
import { SOURCE_EXTENSIONS } from "../../lib/languages/mod.ts";
import { buildMapGraph } from "../../lib/nav/map_graph.ts";
import { readInside, resolveSegment, walkFiles } from "../../lib/segment/mod.ts";
import { copyTree, REPO_ROOT } from "../e2e/helpers.ts";

/** `from → to (ident)` for every edge of the map graph of a segment. */
export async function graphEdges(dir: string): Promise<string[]> {
  const segment = await resolveSegment(dir);
  const walked = await walkFiles(segment, segment.root, { extensions: SOURCE_EXTENSIONS });
  const batch = await skeletonOfFiles(segment, walked.files);
  const tags = await tagsOfFiles(segment, walked.files.map((f) => f.rel));
  const configs = new Map<string, string>();
  for (const rel of new Set(tags.flatMap((t) => importConfigFiles(t.language)))) {
    try {
      configs.set(rel, (await readInside(segment, rel)).text);
    } catch (err) {
      // A fixture without the config file: the rule's fallback applies.
      if (!(err instanceof TrifectaError)) throw err;
    }
  }
  const skeletons = batch.files.flatMap((o) => o.skeleton ? [o.skeleton] : []);
  const g = buildMapGraph(skeletons, tags, { configs });
  return g.edges.map((e) => `${g.files[e.from]} → ${g.files[e.to]} (${e.ident})`);
}

/** The graph edges of a copy of fixtures/<lang>. */
export async function fixtureGraphEdges(lang: string): Promise<string[]> {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-map-imports-" });
  try {
    await copyTree(`${REPO_ROOT}fixtures/${lang}`, dir);
    return await graphEdges(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The edges of a small segment's graph, as `from → to (ident)`. */
export async function segmentEdges(files: Record<string, string>): Promise<string[]> {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-map-imports-" });
  try {
    for (const [rel, text] of Object.entries(files)) {
      await Deno.mkdir(`${dir}/${rel}`.replace(/\/[^/]*$/, ""), { recursive: true });
      await Deno.writeTextFile(`${dir}/${rel}`, text);
    }
    return await graphEdges(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

export function hasAll(edges: readonly string[], expected: readonly string[]): void {
  for (const e of expected) ok(edges.includes(e), `missing ${e}; got ${edges.join(", ")}`);
}
