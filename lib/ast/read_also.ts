/**
 * A file of one language that may be written in another (C's `.h` holding
 * C++; `LanguageSpec.readAlsoAs`): whether to try the other grammar, and
 * how to tell which tree reads the file better (at most half the error bytes).
 *
 * @module
 */
import type { Node, Tree } from "web-tree-sitter";
import { TrifectaError } from "../errors.ts";
import type { LanguageSpec } from "../languages/mod.ts";

const MARKERS = new WeakMap<LanguageSpec, RegExp>();

/**
 * The other language to parse `text` as, when `spec` names one for the
 * file's extension and the text bears its marker; else undefined. Called
 * only for a tree with errors: a file the own grammar reads is never re-read.
 *
 * @example
 * ```ts
 * import { readAlsoAs } from "./read_also.ts";
 * import { languageSpec } from "../languages/mod.ts";
 * import { equal } from "node:assert/strict";
 * const c = languageSpec("c");
 * equal(readAlsoAs(c, "include/widget.h", "class Widget { public: int f(); };"), "cpp");
 * equal(readAlsoAs(c, "include/widget.h", "struct widget { int f; };"), undefined);
 * equal(readAlsoAs(c, "src/widget.c", "class Widget {};"), undefined);
 * ```
 */
export function readAlsoAs(spec: LanguageSpec, rel: string, text: string): string | undefined {
  const also = spec.readAlsoAs;
  if (!also || !also.extensions.some((e) => rel.endsWith(e))) return undefined;
  let marker = MARKERS.get(spec);
  if (marker === undefined) {
    marker = new RegExp(also.marker, "m");
    MARKERS.set(spec, marker);
  }
  return marker.test(text) ? also.language : undefined;
}

/**
 * True when the other language's tree reads the file better: at most half
 * the error bytes of the own tree. A C header with one C++ block for C++
 * readers (`pthread.h`, `math.h`) parses about as badly either way and
 * stays C; a C++ header read as C is mostly errors.
 *
 * @example
 * ```ts
 * import { readsBetter } from "./read_also.ts";
 * import { equal } from "node:assert/strict";
 * equal(readsBetter(40, 12_000), true);
 * equal(readsBetter(2_171, 2_276), false);
 * ```
 */
export function readsBetter(otherErrorBytes: number, ownErrorBytes: number): boolean {
  return otherErrorBytes * 2 < ownErrorBytes;
}

/**
 * Characters under ERROR nodes, plus one per MISSING node (a stack: trees
 * nest deep): the measure by which two parses of a text are compared.
 */
export function errorBytes(root: Node): number {
  let total = 0;
  const stack: Node[] = [root];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (node.isError) total += node.endIndex - node.startIndex;
    else if (node.isMissing) total += 1;
    else if (node.hasError) stack.push(...node.children);
  }
  return total;
}

/** What {@linkcode betterReading} needs of the file besides its first parse. */
export interface ReadingFile {
  /** The entry of the language the file was parsed as. */
  spec: LanguageSpec;
  /** Segment-relative path (its extension decides). */
  rel: string;
  /** The text parsed. */
  text: string;
}

/**
 * `own` (a file's parse as its own language), or its parse as the language
 * its entry's `readAlsoAs` names, when `own`'s tree has errors, the text
 * bears the marker and that tree {@linkcode readsBetter}. The tree not kept
 * is deleted. No tree from the other grammar (`PARSE_FAILED`) keeps `own`;
 * any other failure of it (out of time, a grammar that cannot load)
 * deletes `own` and is thrown: it is the file's answer.
 */
export async function betterReading<T extends { tree: Tree }>(
  own: T,
  parseAs: (language: string) => Promise<T>,
  file: ReadingFile,
): Promise<T> {
  const other = own.tree.rootNode.hasError ? readAlsoAs(file.spec, file.rel, file.text) : undefined;
  if (other === undefined) return own;
  let alt: T;
  try {
    alt = await parseAs(other);
  } catch (err) {
    if (err instanceof TrifectaError && err.code === "PARSE_FAILED") return own;
    own.tree.delete();
    throw err;
  }
  const keep = readsBetter(errorBytes(alt.tree.rootNode), errorBytes(own.tree.rootNode))
    ? alt
    : own;
  (keep === alt ? own : alt).tree.delete();
  return keep;
}
