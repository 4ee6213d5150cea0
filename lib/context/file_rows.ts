/**
 * The chunk stage's output regrouped per file, as the pack database stores
 * it (`store_schema.ts` {@linkcode FileRows}): each file's record, its
 * chunks and definitions, and how discovery classed it.
 *
 * @module
 */
import type { ChunkStage } from "./build_chunks.ts";
import type { IndexTarget } from "./discover.ts";
import type { FileRows } from "./store_schema.ts";
import type { SymbolDef } from "./definitions.ts";
import type { PackChunk } from "./types.ts";

/**
 * How discovery classed a file (its primary kind and chunking class): chunk
 * ids start with the kind, so a file whose class changed is re-chunked.
 */
export function targetKey(t: IndexTarget): string {
  return `${t.primaryKind ?? ""}/${t.cls}`;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** The rows of every file the chunk stage kept, in its order. */
export function fileRowsOf(targets: readonly IndexTarget[], stage: ChunkStage): FileRows[] {
  const keyOf = new Map(targets.map((t) => [t.rel, targetKey(t)]));
  const chunks = groupBy<PackChunk>(stage.chunks, (c) => c.source_path);
  const defs = groupBy<SymbolDef>(stage.definitions, (d) => d.path);
  return stage.sourceFiles.map((source) => ({
    source,
    target: keyOf.get(source.path) ?? "",
    chunks: chunks.get(source.path) ?? [],
    definitions: defs.get(source.path) ?? [],
  }));
}
