/**
 * References without a language server: the tree-sitter reference
 * captures (tags, lib/ast/tags.ts) of the files that mention the symbol's
 * name, matched by name and import. A use counts when
 *
 * - it is in the defining file (`same_file`);
 * - its file imports the name from the symbol's module or one of its
 *   packages, or imports that module and reaches the name through it
 *   (`mod.name`) (`import`);
 * - it is an attribute access `x.name` whose object's type is unknown
 *   (`name_only`, lower confidence).
 *
 * A bare name in a file that does not import it names something else and is
 * left out, as is the definition itself. Files are read through the read
 * boundary (masked); at most `limit` references are kept.
 *
 * @module
 */
import { tagsOfFiles } from "../ast/tags.ts";
import type { FileTags, TagImport } from "../ast/tags.ts";
import type { AstCache } from "../cache/mod.ts";
import { TrifectaError } from "../errors.ts";
import { familyExtensions, importRuleOfPath, withoutSuffix } from "../languages/imports.ts";
import { languageOfPath } from "../languages/mod.ts";
import { dirname, normalize } from "../path.ts";
import { codePointColumn, escapeRegExp } from "../text.ts";
import { readInside, type Segment, walkFiles } from "../segment/mod.ts";
import type { Telemetry } from "../telemetry/mod.ts";
import type { LocatedSymbol } from "./locate.ts";
import { LineCache, type RawRef, type RefMatch, sortRefs } from "./references_group.ts";

/** Most references the fallback keeps. */
export const MAX_AST_REFERENCES = 1000;

/** Options for {@linkcode astReferences}. */
export interface AstReferencesOptions {
  /** AST cache (tags are cached beside skeletons). */
  cache?: AstCache;
  /** Telemetry for the tags run. */
  telemetry?: Telemetry;
  /** Most references kept (default {@linkcode MAX_AST_REFERENCES}). */
  limit?: number;
  /** Lines read, kept for the context lines. */
  lines?: LineCache;
}

/** What the fallback found. */
export interface AstReferences {
  /** References, sorted, at most `limit`. */
  refs: RawRef[];
  /** True when more were found than kept. */
  truncated: boolean;
  /** Files whose text mentions the name (the ones tagged). */
  files: number;
}

/** True when the file's imports are dotted modules (`pkg.mod`, `.mod`). */
function dottedImports(rel: string): boolean {
  return importRuleOfPath(rel)?.style === "dotted";
}

/**
 * The module keys of a file: its own module as a slashed path without the
 * extension (a package file names its directory), then each directory
 * above it (its packages).
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { moduleKeys } from "./references_ast.ts";
 * deepEqual(moduleKeys("src/inv/models.py"), ["src/inv/models", "src/inv", "src"]);
 * deepEqual(moduleKeys("web/index.ts"), ["web"]);
 * ```
 */
export function moduleKeys(rel: string): string[] {
  const spec = languageOfPath(rel);
  const rule = spec?.imports;
  let own = withoutSuffix(rel, [...spec?.extensions ?? [], ...rule?.suffixes ?? []]);
  for (const stem of rule?.packageStems ?? []) {
    if (own === stem) own = "";
    else if (own.endsWith(`/${stem}`)) own = own.slice(0, own.length - stem.length - 1);
  }
  const keys: string[] = [];
  for (let k = own; k !== "" && k !== "."; k = k.includes("/") ? dirname(k) : "") keys.push(k);
  return keys;
}

/**
 * The key an import's module names, seen from the importing file, and
 * whether it is relative (then it must equal a key; else it may be a
 * suffix of one: `inventory.models` names `src/inventory/models`).
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { importKey } from "./references_ast.ts";
 * deepEqual(importKey(".models", "src/inv/service.py"), { key: "src/inv/models", relative: true });
 * deepEqual(importKey("inv.models", "tests/t.py"), { key: "inv/models", relative: false });
 * deepEqual(importKey("../web/api.js", "app/main.ts"), { key: "web/api", relative: true });
 * ```
 */
export function importKey(module: string, importer: string): { key: string; relative: boolean } {
  const rule = importRuleOfPath(importer);
  // A language whose imports name no file: a key that matches nothing.
  if (rule === undefined) return { key: "", relative: true };
  if (rule.style === "dotted") {
    const dots = /^\.*/.exec(module)?.[0].length ?? 0;
    const rest = module.slice(dots).replaceAll(".", "/");
    if (dots === 0) return { key: rest, relative: false };
    let base = dirname(importer);
    for (let i = 1; i < dots; i++) base = dirname(base);
    const key = normalize(rest === "" ? base : `${base}/${rest}`);
    return { key: key === "." ? "" : key, relative: true };
  }
  let bare = withoutSuffix(module, rule.suffixes);
  for (const stem of rule.packageStems) {
    if (bare.endsWith(`/${stem}`)) bare = bare.slice(0, bare.length - stem.length - 1);
  }
  if (!bare.startsWith(".")) return { key: bare, relative: false };
  const key = normalize(`${dirname(importer)}/${bare}`).replace(/^\.\//, "");
  return { key: key === "." ? "" : key, relative: true };
}

function keyMatches(
  imported: { key: string; relative: boolean },
  keys: readonly string[],
): boolean {
  if (imported.key === "") return false;
  if (imported.relative) return keys.includes(imported.key);
  return keys.some((k) => k === imported.key || k.endsWith(`/${imported.key}`));
}

/** What one file imports of the symbol: the symbol's head name, or its module under local names. */
interface FileImports {
  /** The head name is imported from the module or a package of it. */
  name: boolean;
  /** Local names under which the defining module itself is imported. */
  moduleNames: Set<string>;
  /** Lines of import statements that bring the head name in. */
  importLines: Set<number>;
}

function importsOf(
  tags: FileTags,
  head: string,
  keys: readonly string[],
): FileImports {
  const out: FileImports = { name: false, moduleNames: new Set(), importLines: new Set() };
  const own = keys.slice(0, 1);
  for (const imp of tags.imports) {
    if (importsName(imp, head, tags.path, keys)) {
      out.name = true;
      out.importLines.add(imp.line);
    } else if (importsModule(imp, tags.path, own)) {
      out.moduleNames.add(imp.name.split(".").pop() ?? imp.name);
    }
  }
  return out;
}

function importsName(imp: TagImport, head: string, importer: string, keys: readonly string[]) {
  return imp.name === head && imp.module !== undefined &&
    keyMatches(importKey(imp.module, importer), keys);
}

/** `import pkg.mod`, `from pkg import mod`, `import * as mod from "./mod"`. */
function importsModule(imp: TagImport, importer: string, own: readonly string[]): boolean {
  if (imp.module === undefined) return keyMatches(importKey(imp.name, importer), own);
  const from = importKey(imp.module, importer);
  if (keyMatches(from, own)) return true; // a namespace or default import of the module
  const sep = dottedImports(importer) ? "." : "/";
  return keyMatches(importKey(`${imp.module}${sep}${imp.name}`, importer), own);
}

/** Characters looked at before a reference for its object (`obj.name`). */
const MAX_OBJECT_LOOKBACK = 256;

/** The identifier just before `.name` at a column, or undefined when it is not an attribute. */
function objectBefore(line: string, col16: number): string | undefined {
  // A bounded look back: per reference, on a line that may be megabytes long.
  const before = line.slice(Math.max(0, col16 - 1 - MAX_OBJECT_LOOKBACK), col16 - 1).trimEnd();
  if (!before.endsWith(".") && !before.endsWith("?.")) return undefined;
  const m = /([\p{L}\p{N}_$]*)\??\.\s*$/u.exec(before);
  return m?.[1] ?? "";
}

/** The files of the symbol's language family whose masked text mentions the name. */
async function candidateFiles(
  segment: Segment,
  target: LocatedSymbol,
  name: string,
  lines: LineCache,
): Promise<string[]> {
  const rule = importRuleOfPath(target.file.rel);
  // The files of the language family (the target's own language when it has no import rule).
  const exts = rule
    ? familyExtensions(rule)
    : [...languageOfPath(target.file.rel)?.extensions ?? []];
  const walked = await walkFiles(segment, segment.root, { extensions: exts });
  const re = new RegExp(
    `(?<![\\p{L}\\p{N}_$])${escapeRegExp(name)}(?![\\p{L}\\p{N}_$])`,
    "u",
  );
  const out: string[] = [];
  for (const f of walked.files) {
    let text: string;
    try {
      ({ text } = await readInside(segment, f.abs));
    } catch (err) {
      // Refused by the boundary (denied, too large, binary): never searched.
      if (!(err instanceof TrifectaError)) throw err;
      continue;
    }
    if (!re.test(text)) continue;
    lines.set(f.rel, text.split(/\r\n|\n|\r/));
    out.push(f.rel);
  }
  return out;
}

/** The match of one reference, or undefined when it names something else. */
function matchOf(
  ctx: { sameFile: boolean; nested: boolean; parent: string | undefined; imports: FileImports },
  kind: string,
  object: string | undefined,
  line: number,
): RefMatch | undefined {
  if (ctx.sameFile) return "same_file";
  if (kind === "import") return ctx.imports.importLines.has(line) ? "import" : undefined;
  if (object === undefined) return !ctx.nested && ctx.imports.name ? "import" : undefined;
  if (!ctx.nested && ctx.imports.moduleNames.has(object)) return "import";
  if (ctx.nested && ctx.parent === object && ctx.imports.name) return "import";
  return "name_only";
}

/**
 * The references of a located symbol from tags (see the module doc), the
 * definition excluded, sorted, at most `limit`.
 */
export async function astReferences(
  segment: Segment,
  target: LocatedSymbol,
  options: AstReferencesOptions = {},
): Promise<AstReferences> {
  const symbol = target.symbol;
  const lines = options.lines ?? new LineCache(segment);
  if (!symbol) return { refs: [], truncated: false, files: 0 };
  const parts = symbol.qualified_name.split(".");
  const head = parts[0] ?? symbol.name;
  const nested = parts.length > 1;
  const parent = nested ? parts[parts.length - 2] : undefined;
  const keys = moduleKeys(target.file.rel);
  const files = await candidateFiles(segment, target, symbol.name, lines);
  const tagged = await tagsOfFiles(segment, files, {
    cache: options.cache,
    telemetry: options.telemetry,
  });
  const limit = options.limit ?? MAX_AST_REFERENCES;
  const refs: RawRef[] = [];
  for (const tags of tagged) {
    const fileLines = (await lines.get(tags.path)) ?? [];
    const ctx = {
      sameFile: tags.path === target.file.rel,
      nested,
      parent,
      imports: importsOf(tags, head, keys),
    };
    for (const t of tags.refs) {
      if (t.name !== symbol.name) continue;
      const text = fileLines[t.line - 1] ?? "";
      const col = codePointColumn(fileLines, t.line - 1, t.col - 1);
      if (ctx.sameFile && t.line === target.line && col === target.col) continue; // the definition
      const match = matchOf(ctx, t.kind, objectBefore(text, t.col), t.line);
      if (match) refs.push({ path: tags.path, line: t.line, col, match });
    }
  }
  const sorted = sortRefs(refs);
  return {
    refs: sorted.slice(0, limit),
    truncated: sorted.length > limit,
    files: files.length,
  };
}
