/**
 * Where a hover's documentation came from. A server shows, for a member
 * without documentation of its own, the documentation of the member it
 * overrides or implements, from a base that may lie in a file trifecta
 * refuses (a private key block, denied by name or glob, binary, too large,
 * through a symlink out). The rule: documentation is shown only when each
 * of its paragraphs is found (lib/lsp/hover_doc.ts) in a file trifecta
 * reads, or comes from a language library.
 *
 * {@linkcode traceHoverDoc} looks, in order, and stops as soon as every
 * paragraph is found:
 *
 * 1. a definition or declaration in a language library (site-packages,
 *    typeshed, `node_modules`, `/usr/include`): the documentation is kept,
 *    as it is today for definitions;
 * 2. the hovered file and the definition and declaration files (already
 *    read through the boundary for the answer): no extra request;
 * 3. the ancestors the server itself points to: the class (struct, impl,
 *    interface …) that encloses the definition, found in the file's
 *    skeleton; the names in its header after its own (`class A(Base)`,
 *    `class A extends Base implements Runner`, `impl Trait for S`) asked
 *    for their definition; each ancestor file passes the same boundary test
 *    as a definition ({@linkcode hoverTargets}), then is searched, and its
 *    enclosing class is walked in turn. A refused or external ancestor
 *    stops the walk: the documentation is withheld. Bounded: at most
 *    {@linkcode MAX_TRACE_DEPTH} levels, {@linkcode MAX_TRACE_REQUESTS}
 *    definition requests (each under the hover's timeout) and
 *    {@linkcode MAX_TRACE_FILES} files searched; a walk cut short, a
 *    failed request or a file without a skeleton leaves the documentation
 *    untraced.
 *
 * Documentation not found anywhere is kept only when the walk completed
 * and reached a language library (a base class from the standard
 * library). A file the server had not opened is opened for the requests
 * (typescript-language-server answers only for open files) and closed
 * afterwards.
 *
 * @module
 */
import type { LspClient } from "./client.ts";
import { pathToUri } from "./client_protocol.ts";
import { LspUnavailableError } from "./client_state.ts";
import { type ConvertContext, type HoverTarget, hoverTargets } from "./convert.ts";
import { hoverWords, linesFinder } from "./hover_doc.ts";
import type { LspPosition } from "./positions.ts";
import { LSP_METHOD_NAMES } from "./types.ts";
import { TrifectaError } from "../errors.ts";
import { relpath } from "../segment/mod.ts";
import { DEFAULT_METHOD_OWNERS } from "../languages/mod.ts";
import type { SkeletonSymbol } from "../ast/mod.ts";

/** Most levels of ancestors walked. */
export const MAX_TRACE_DEPTH = 4;
/** Most definition requests one hover's trace sends. */
export const MAX_TRACE_REQUESTS = 8;
/** Most files one hover's trace searches. */
export const MAX_TRACE_FILES = 8;
/** Most names of one class header asked for. */
const MAX_HEADER_NAMES = 6;
/** Header lines looked at after the class's first line. */
const MAX_HEADER_LINES = 12;

/** What {@linkcode traceHoverDoc} needs. */
export interface DocTrace {
  /** The READY client that answered the hover. */
  client: LspClient;
  /** The answer's conversion context (its line reader reads through the boundary). */
  ctx: ConvertContext;
  /** Timeout of each request (the hover's). */
  timeoutMs?: number;
  /** The hovered file: real absolute path and its lines as sent to the server. */
  hovered: { abs: string; lines: readonly string[] };
  /** The targets of the hover's definition and declaration answers. */
  targets: readonly HoverTarget[];
}

/** A place to walk from: a file and a 0-based line in it. */
interface Place {
  abs: string;
  line: number;
}

/** The state of one trace. */
interface Tracer {
  input: DocTrace;
  /** Paragraphs (as words) not found yet. */
  pending: string[][];
  searched: Set<string>;
  visited: Set<string>;
  requests: number;
  /** False once something was cut short or failed. */
  complete: boolean;
  /** True once an ancestor lies in a language library. */
  library: boolean;
  /** Files this trace opened in the server (closed at the end). */
  opened: string[];
}

function linesOf(t: Tracer, abs: string): readonly string[] | undefined {
  return abs === t.input.hovered.abs ? t.input.hovered.lines : t.input.ctx.lines(abs);
}

/** Drop the pending paragraphs found in `abs` (each file searched once, within the bound). */
function search(t: Tracer, abs: string): void {
  const lines = linesOf(t, abs);
  if (lines === undefined || t.searched.has(abs)) return;
  if (t.searched.size >= MAX_TRACE_FILES) {
    t.complete = false;
    return;
  }
  t.searched.add(abs);
  const found = linesFinder(lines);
  t.pending = t.pending.filter((words) => !found(words));
}

/** The innermost class-like symbol around a 1-based line. */
function innermost(symbols: readonly SkeletonSymbol[], line: number): SkeletonSymbol | undefined {
  for (const s of symbols) {
    if (s.start_line > line || s.end_line < line) continue;
    const inner = innermost(s.children, line);
    if (inner) return inner;
    if (DEFAULT_METHOD_OWNERS.includes(s.kind)) return s;
  }
  return undefined;
}

async function enclosingClass(t: Tracer, place: Place): Promise<SkeletonSymbol | undefined> {
  const segment = t.input.ctx.segment;
  try {
    const { skeletonOfFile } = await import("../ast/mod.ts");
    const rel = relpath(segment.root, place.abs);
    const { skeleton } = await skeletonOfFile(segment, { abs: place.abs, rel });
    return innermost(skeleton.symbols, place.line + 1);
  } catch (err) {
    // No grammar, refused, over the parse budget: its bases are unknown.
    if (!(err instanceof TrifectaError)) throw err;
    t.complete = false;
    return undefined;
  }
}

/** Words of a class header that are never a base's name. */
const HEADER_KEYWORDS = new Set([
  "extends",
  "implements",
  "public",
  "private",
  "protected",
  "internal",
  "virtual",
  "final",
  "sealed",
  "abstract",
  "where",
  "for",
  "dyn",
  "class",
  "struct",
  "interface",
  "trait",
  "impl",
  "export",
  "default",
  "declare",
  "metaclass",
]);

const IDENT = /[\p{L}_$][\p{L}\p{N}_$]*/gu;

/** The names in a class's header after its own name (all of them for an `impl`). */
function headerNames(cls: SkeletonSymbol): string[] {
  const all: string[] = cls.signature.match(IDENT) ?? [];
  const own = cls.kind === "impl" ? -1 : all.indexOf(cls.name);
  return [...new Set(all.slice(own + 1).filter((n) => !HEADER_KEYWORDS.has(n)))];
}

/** A whole-word search for `name` (an identifier: `$` is its only RegExp character). */
function wordPattern(name: string): RegExp {
  return new RegExp(
    `(?<![\\p{L}\\p{N}_$])${name.replaceAll("$", "\\$")}(?![\\p{L}\\p{N}_$])`,
    "gu",
  );
}

/**
 * Where each header name is in the file (UTF-16 columns): searched in
 * order from the class's own name on its first lines. A name not found
 * there is left out (the caller counts the walk incomplete).
 */
function headerPositions(lines: readonly string[], cls: SkeletonSymbol): LspPosition[] {
  const last = Math.min(lines.length, cls.end_line, cls.start_line + MAX_HEADER_LINES);
  const cursor = { line: cls.start_line - 1, from: 0 };
  const find = (name: string): LspPosition | undefined => {
    const word = wordPattern(name);
    for (let l = cursor.line; l < last; l++) {
      word.lastIndex = l === cursor.line ? cursor.from : 0;
      const m = word.exec(lines[l] ?? "");
      if (!m) continue;
      cursor.line = l;
      cursor.from = m.index + name.length;
      return { line: l, character: m.index };
    }
    return undefined;
  };
  if (cls.kind !== "impl" && find(cls.name) === undefined) return [];
  return headerNames(cls).map(find).filter((p) => p !== undefined);
}

/** Open `abs` in the server for the requests, unless it is open already. */
async function openFor(t: Tracer, abs: string, lines: readonly string[]): Promise<void> {
  const { client } = t.input;
  if (abs === t.input.hovered.abs || client.isOpen(abs)) return;
  await client.syncFile({ abs, text: lines.join("\n") });
  t.opened.push(abs);
}

/** The definitions of the names in the header of the class enclosing `place` (undefined: unknown). */
async function ancestorsOf(t: Tracer, place: Place): Promise<HoverTarget[] | undefined> {
  const lines = linesOf(t, place.abs);
  const cls = lines === undefined ? undefined : await enclosingClass(t, place);
  if (lines === undefined || cls === undefined) return [];
  const key = `${place.abs}:${cls.start_line}`;
  if (t.visited.has(key)) return [];
  t.visited.add(key);
  const names = headerNames(cls);
  let positions = headerPositions(lines, cls);
  const budget = Math.min(MAX_HEADER_NAMES, MAX_TRACE_REQUESTS - t.requests);
  // A name not located, or past the bound, is a base that may go unchecked.
  if (positions.length < names.length || positions.length > budget) t.complete = false;
  positions = positions.slice(0, budget);
  if (positions.length === 0) return [];
  t.requests += positions.length;
  const { client, ctx, timeoutMs } = t.input;
  try {
    await openFor(t, place.abs, lines);
    const textDocument = { uri: pathToUri(place.abs) };
    const results = await Promise.all(
      positions.map((position) =>
        client.request(LSP_METHOD_NAMES.definition, { textDocument, position }, {
          file: place.abs,
          timeoutMs,
        })
      ),
    );
    return results.flatMap((r) => hoverTargets(ctx, r));
  } catch (err) {
    // Timed out, failed or not READY: this class's ancestors stay unknown.
    if (!(err instanceof LspUnavailableError)) throw err;
    return undefined;
  }
}

/**
 * One level of the walk: the ancestors of each place, searched. Returns
 * the places of the next level, or the verdict when one is reached
 * (`refused`: an ancestor trifecta does not read; `found`: nothing pending).
 */
async function walkLevel(
  t: Tracer,
  places: readonly Place[],
): Promise<Place[] | "refused" | "found"> {
  const next: Place[] = [];
  for (const place of places) {
    const targets = await ancestorsOf(t, place);
    if (targets === undefined) {
      t.complete = false;
      continue;
    }
    for (const target of targets) {
      if (target.kind === "refused" || target.kind === "external") return "refused";
      if (target.kind === "library") t.library = true;
      if (target.kind !== "inside" || target.abs === undefined) continue;
      search(t, target.abs);
      if (t.pending.length === 0) return "found";
      if (target.line !== undefined) next.push({ abs: target.abs, line: target.line });
    }
  }
  return next;
}

/** Close what the trace opened (the server reads those files from disk again). */
async function closeOpened(t: Tracer): Promise<void> {
  for (const abs of t.opened) await t.input.client.closeFile(abs);
}

/** The ancestors walk (step 3 of the module doc): true when the documentation is traced. */
async function walkAncestors(t: Tracer): Promise<boolean> {
  let places: Place[] = t.input.targets.flatMap((x) =>
    x.kind === "inside" && x.abs !== undefined && x.line !== undefined
      ? [{ abs: x.abs, line: x.line }]
      : []
  );
  try {
    for (let depth = 0; depth < MAX_TRACE_DEPTH && places.length > 0; depth++) {
      const level = await walkLevel(t, places);
      if (level === "refused") return false;
      if (level === "found") return true;
      places = level;
    }
  } finally {
    await closeOpened(t);
  }
  if (places.length > 0) t.complete = false;
  return t.complete && t.library;
}

/**
 * True when every paragraph of a hover's documentation (`doc`, raw
 * Markdown as `splitHover` in lib/lsp/hover_doc.ts gives it) is traced to a file trifecta
 * reads or to a language library (see the module doc). Never throws for
 * the server's failures: untraced then.
 */
export async function traceHoverDoc(input: DocTrace, doc: readonly string[]): Promise<boolean> {
  const t: Tracer = {
    input,
    pending: doc.map(hoverWords).filter((w) => w.length > 0),
    searched: new Set(),
    visited: new Set(),
    requests: 0,
    complete: true,
    library: false,
    opened: [],
  };
  if (t.pending.length === 0) return true;
  if (input.targets.some((x) => x.kind === "library")) return true;
  search(t, input.hovered.abs);
  for (const x of input.targets) if (x.kind === "inside" && x.abs !== undefined) search(t, x.abs);
  if (t.pending.length === 0) return true;
  return await walkAncestors(t);
}
