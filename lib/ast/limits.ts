/**
 * What a skeleton may hold: the symbol kinds, and the bounds every string
 * and the nesting are cut to where symbols are made (lib/ast/extract.ts), so
 * every consumer (CLI, MCP, pack, cache) gets bounded values. The cache's
 * shape check (lib/ast/cached_shape.ts) holds a cached value to the same
 * bounds.
 *
 * @module
 */
import type { SkeletonSymbol } from "./types.ts";
import { ALL_SYMBOL_KINDS } from "../languages/mod.ts";
import { CLIP_START_MARK } from "./text_utils.ts";

/** Symbol kinds a skeleton may hold. */
export const SYMBOL_KINDS: ReadonlySet<string> = new Set(ALL_SYMBOL_KINDS);

/** Longest signature kept whole for a definition without a body. */
export const MAX_BODYLESS_SIGNATURE = 400;
/** Longest export statement text kept. */
export const MAX_EXPORT_TEXT = 200;
/**
 * Longest signature kept (UTF-16 units, then ` …`). A hostile file can hold
 * a one-line `def` with a megabyte of parameters; every consumer (CLI, MCP,
 * pack, cache) gets the bounded value.
 */
export const MAX_SIGNATURE_CHARS = 1024;
/** Longest doc line kept (then ` …`). */
export const MAX_DOC_CHARS = 300;
/** Longest decorator text kept (then ` …`). */
export const MAX_DECORATOR_CHARS = 300;
/** Longest symbol name kept (then ` …`): names nest into qualified names. */
export const MAX_NAME_CHARS = 200;
/**
 * Longest qualified name kept: a longer one keeps its last characters (it
 * still ends with the symbol's own name and the most specific parts) after
 * {@linkcode CLIPPED_QUALIFIED_PREFIX}. Each symbol repeats its ancestors'
 * names, so without a bound deep nesting of long names makes output
 * quadratic in the input (1,000 nested classes with 190-character names:
 * 25 MB of JSON from 700 KB). A clipped name addresses nothing (no `uri`).
 */
export const MAX_QUALIFIED_CHARS = 1024;

/** The start of a qualified name clipped to {@linkcode MAX_QUALIFIED_CHARS}. */
export const CLIPPED_QUALIFIED_PREFIX: string = CLIP_START_MARK;

/**
 * True for a qualified name clipped from the front (no URI can name it).
 *
 * @example
 * ```ts
 * import { isClippedQualifiedName } from "./limits.ts";
 * import { equal } from "node:assert/strict";
 * equal(isClippedQualifiedName("… C998.C999"), true);
 * equal(isClippedQualifiedName("Outer.inner"), false);
 * ```
 */
export function isClippedQualifiedName(qualifiedName: string): boolean {
  return qualifiedName.startsWith(CLIPPED_QUALIFIED_PREFIX);
}

/**
 * Deepest symbol nesting kept (a top-level symbol is at depth 1). Deeper
 * symbols are flattened into this level, in source order, with their
 * `qualified_name` intact and {@linkcode FlattenedSymbol.depth_flattened}
 * set, so every consumer (CLI, MCP, pack, cache) gets JSON that standard
 * parsers read: 1,000 nested classes otherwise nest ~2,000 JSON levels, past
 * the limits of jq (256) and Python's `json` (recursion limit).
 */
export const MAX_SYMBOL_DEPTH = 32;

/** A symbol placed above its real depth by {@linkcode MAX_SYMBOL_DEPTH}. */
export type FlattenedSymbol = SkeletonSymbol & {
  /** True: the symbol is nested deeper in the source than where it is listed. */
  depth_flattened?: true;
};
