/**
 * What a map's `--focus` items name: files or directories of the segment,
 * `sym://` URIs (their module's file, and the symbol's names as
 * identifiers), or identifiers (the files defining them). Items that name
 * nothing are reported, never fatal.
 *
 * @module
 */
import { TrifectaError } from "../errors.ts";
import { moduleFileCandidates, parseSymbolUri, typeSplits } from "../symbols/mod.ts";

/** The focus, resolved. */
export interface ResolvedFocus {
  /** Focus files (segment-relative), sorted. */
  files: string[];
  /** Focus identifiers. */
  idents: Set<string>;
  /** Items that named nothing in the map. */
  unmatched: string[];
}

/** Longest focus item accepted (a longer one names nothing). */
const MAX_FOCUS_CHARS = 1024;

function uriFocus(item: string, known: ReadonlySet<string>, out: ResolvedFocus): boolean {
  let q;
  try {
    q = parseSymbolUri(item);
  } catch (err) {
    if (!(err instanceof TrifectaError)) throw err;
    return false; // not a valid URI: the item names nothing
  }
  const splits = q.kind === "mod"
    ? [{ module: q.path, symbolPath: q.member === undefined ? [] : q.member.split(".") }]
    : typeSplits(q.path, q.member);
  for (const split of splits) {
    const file = moduleFileCandidates(q.lang, split.module).find((c) => known.has(c));
    if (file === undefined) continue;
    out.files.push(file);
    for (const name of split.symbolPath) out.idents.add(name);
    return true;
  }
  return false;
}

function pathFocus(item: string, root: string, files: readonly string[]): string[] {
  let rel = item.startsWith(`${root}/`) ? item.slice(root.length + 1) : item;
  rel = rel.replace(/^(\.\/)+/, "").replace(/\/+$/, "");
  if (rel === "" || rel === ".") return [];
  const under = `${rel}/`;
  return files.filter((f) => f === rel || f.startsWith(under));
}

/**
 * Resolve focus items against the map's files (sorted) and the identifiers
 * its files define.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { resolveFocus } from "./map_focus.ts";
 * const r = resolveFocus(
 *   ["pkg/app.py", "sym://python/type/pkg.util/helper", "Widget", "nothing_here"],
 *   { root: "/repo", files: ["pkg/app.py", "pkg/util.py"], idents: new Set(["Widget", "helper"]) },
 * );
 * deepEqual(r.files, ["pkg/app.py", "pkg/util.py"]);
 * deepEqual([...r.idents].sort(), ["Widget", "helper"]);
 * deepEqual(r.unmatched, ["nothing_here"]);
 * ```
 */
export function resolveFocus(
  items: readonly string[],
  map: { root: string; files: readonly string[]; idents: ReadonlySet<string> },
): ResolvedFocus {
  const out: ResolvedFocus = { files: [], idents: new Set(), unmatched: [] };
  const known = new Set(map.files);
  for (const raw of items) {
    const item = raw.trim();
    if (item === "" || item.length > MAX_FOCUS_CHARS) {
      if (item !== "") out.unmatched.push(item.slice(0, 80));
      continue;
    }
    if (item.startsWith("sym://")) {
      if (!uriFocus(item, known, out)) out.unmatched.push(item);
      continue;
    }
    const files = pathFocus(item, map.root, map.files);
    if (files.length > 0) out.files.push(...files);
    else if (map.idents.has(item)) out.idents.add(item);
    else out.unmatched.push(item);
  }
  out.files = [...new Set(out.files)].sort();
  return out;
}
