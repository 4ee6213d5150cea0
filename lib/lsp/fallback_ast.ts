/**
 * Answers without a language server, from the skeleton: the identifier at
 * the position, then the symbols defined with that name in the file, in the
 * modules it imports, and in the rest of the segment. References fall back
 * to whole-word text matches; diagnostics to the parser's syntax-error flag.
 *
 * Every file it looks at goes through the read boundary first: an imported
 * module that is a symlink leaving the segment, or onto a denied file, is
 * never read, so its signature and doc line cannot reach an answer. Text
 * shown (signatures, doc lines) is scrubbed of secrets and paths.
 *
 * @module
 */
import { dirname, join } from "../path.ts";
import { languageOf, skeletonOfFile, skeletonOfFiles, type SkeletonSymbol } from "../ast/mod.ts";
import { extractTags } from "../ast/tags_extract.ts";
import { languageByName, type LanguageSpec } from "../languages/mod.ts";
import type { AstCache } from "../cache/mod.ts";
import { TrifectaError } from "../errors.ts";
import { checkInsideSync, readInsideSync, type Segment, walkFiles } from "../segment/mod.ts";
import { scrubText } from "./answer_guard.ts";
import type { Telemetry } from "../telemetry/mod.ts";
import { identifierAt, splitLines } from "./positions.ts";
import { codePointColumn, escapeRegExp } from "../text.ts";
import { familyExtensions } from "./servers.ts";
import type { AnswerData, LspMethod, SourceRange } from "./types.ts";

/** A file asked about. */
export interface QueryFile {
  /** Real absolute path. */
  abs: string;
  /** Segment-relative path. */
  rel: string;
  /** Its text. */
  text: string;
}

/** Options for {@linkcode astAnswer}. */
export interface AstFallbackOptions {
  /** AST cache. */
  cache?: AstCache;
  /** Telemetry for parse events. */
  telemetry?: Telemetry;
  /** Most segment files searched (default 5000). */
  maxFiles?: number;
}

/** What the fallback is asked. */
export interface AstQuery {
  /** Which answer. */
  method: LspMethod;
  /** The file. */
  file: QueryFile;
  /** 1-based line (not for diagnostics). */
  line?: number;
  /** 1-based column (not for diagnostics). */
  col?: number;
}

interface Found {
  rel: string;
  abs: string;
  symbol: SkeletonSymbol;
}

function flatten(symbols: readonly SkeletonSymbol[], out: SkeletonSymbol[] = []): SkeletonSymbol[] {
  for (const s of symbols) {
    out.push(s);
    flatten(s.children, out);
  }
  return out;
}

/**
 * The file at `abs` as the boundary allows it (real path, relative path),
 * or undefined when it is missing, not a file, denied, or leads out of the
 * segment.
 */
function allowedFile(segment: Segment, abs: string): { abs: string; rel: string } | undefined {
  try {
    const checked = checkInsideSync(segment, abs);
    return checked.isDirectory ? undefined : { abs: checked.abs, rel: checked.rel };
  } catch (err) {
    // Refused or missing: a candidate the fallback does not use.
    if (err instanceof TrifectaError) return undefined;
    throw err;
  }
}

/** Candidate paths of a module path, as the language's entry forms them. */
function modulePaths(
  spec: LanguageSpec,
  module: string,
  original: string,
): { paths: string[]; relative: boolean } | undefined {
  const exts = familyExtensions(spec.name);
  const { style, packageFiles } = spec.modules;
  if (style === "dotted") {
    const dots = /^\.*/.exec(module)?.[0].length ?? 0;
    const modPath = module.slice(dots).replaceAll(".", "/");
    const up = dots > 1 ? "../".repeat(dots - 1) : "";
    // `from . import x`: x is a module beside the importing file.
    const base = up + (modPath === "" ? original : modPath);
    const paths = [...exts.map((e) => base + e), ...packageFiles.map((p) => `${base}/${p}`)];
    if (modPath !== "") paths.push(...exts.map((e) => `${base}/${original}${e}`));
    return { paths, relative: dots > 0 };
  }
  // Path modules: only relative specifiers name a file of the segment.
  if (!module.startsWith(".")) return undefined;
  const ext = exts.find((e) => module.endsWith(e));
  const base = ext === undefined ? module : module.slice(0, -ext.length);
  const paths = [module, ...exts.map((e) => base + e), ...packageFiles.map((p) => `${base}/${p}`)];
  return { paths: [...new Set(paths)], relative: true };
}

/** The offset of a 1-based line and column in `text`. */
function offsetOf(text: string, line: number, col: number): number {
  let at = 0;
  for (let l = 1; l < line; l++) at = text.indexOf("\n", at) + 1;
  return at + col - 1;
}

/**
 * Modules an import statement names for `name`, as candidate paths relative
 * to the importing file's directory or the segment root, read with the
 * language's reference query (its `@reference.import` captures: the names
 * and their `@module`). Returns the name the symbol has in its own module:
 * an alias (`Item as It`) is undone by taking the imported name nearest
 * before it in the statement (after it, for languages that write the alias
 * first).
 */
export async function importCandidates(
  importText: string,
  name: string,
  language: string,
): Promise<{ paths: string[]; relative: boolean; original: string } | undefined> {
  const spec = languageByName(language);
  if (spec === undefined) return undefined;
  const tags = await extractTags({
    rel: "(import statement)",
    language,
    text: importText,
    size: importText.length,
  });
  const imported = tags.refs.filter((r) => r.kind === "import")
    .map((r) => ({ ...r, at: offsetOf(importText, r.line, r.col) }));
  let hit = imported.find((r) => r.name === name);
  const alias = hit ? undefined : tags.refs.find((r) => r.kind !== "import" && r.name === name);
  if (alias) {
    const at = offsetOf(importText, alias.line, alias.col);
    hit = imported.filter((r) => r.at < at).at(-1) ?? imported.find((r) => r.at > at);
  }
  const chosen = hit;
  if (!chosen) return undefined;
  const module = tags.imports.find((i) => i.name === chosen.name && i.line === chosen.line)?.module;
  if (module === undefined) return undefined;
  const found = modulePaths(spec, module, chosen.name);
  return found && { ...found, original: chosen.name };
}

async function symbolsOf(
  segment: Segment,
  file: { abs: string; rel: string },
  options: AstFallbackOptions,
): Promise<SkeletonSymbol[]> {
  const { skeleton } = await skeletonOfFile(segment, file, {
    cache: options.cache,
    telemetry: options.telemetry,
  });
  return flatten(skeleton.symbols);
}

function nameRange(found: Found, lines: readonly string[] | undefined): SourceRange {
  const s = found.symbol;
  const text = lines?.[s.start_line - 1] ?? "";
  const re = new RegExp(`(?<![\\p{L}\\p{N}_$])${escapeRegExp(s.name)}(?![\\p{L}\\p{N}_$])`, "u");
  const m = re.exec(text);
  const col = m ? codePointColumn([text], 0, m.index) : 1;
  return {
    path: found.rel,
    line: s.start_line,
    col,
    end_line: s.start_line,
    end_col: col + Array.from(s.name).length,
  };
}

function linesOf(segment: Segment, abs: string): string[] | undefined {
  try {
    return splitLines(readInsideSync(segment, abs).text);
  } catch (err) {
    // Refused by the boundary or gone: no lines to match in.
    if (err instanceof TrifectaError) return undefined;
    throw err;
  }
}

async function findDefinitions(
  segment: Segment,
  file: QueryFile,
  name: string,
  options: AstFallbackOptions,
): Promise<{ found: Found[]; scope: string }> {
  const lang = languageOf(file.rel);
  if (!lang) return { found: [], scope: "none" };
  const { skeleton } = await skeletonOfFile(segment, file, {
    cache: options.cache,
    telemetry: options.telemetry,
  });
  const local = flatten(skeleton.symbols).filter((s) => s.name === name);
  if (local.length > 0) {
    return { found: local.map((symbol) => ({ ...file, symbol })), scope: "file" };
  }
  const word = new RegExp(`(?<![\\p{L}\\p{N}_$])${escapeRegExp(name)}(?![\\p{L}\\p{N}_$])`, "u");
  for (const imp of skeleton.imports) {
    // Only statements that mention the name are parsed for their imports.
    const cand = word.test(imp.text) ? await importCandidates(imp.text, name, lang) : undefined;
    if (!cand) continue;
    const bases = cand.relative ? [dirname(file.abs)] : [segment.root, join(segment.root, "src")];
    for (const base of bases) {
      for (const p of cand.paths) {
        const allowed = allowedFile(segment, join(base, p));
        if (!allowed) continue;
        const syms = (await symbolsOf(segment, allowed, options)).filter((s) =>
          s.name === cand.original
        );
        if (syms.length > 0) {
          return { found: syms.map((symbol) => ({ ...allowed, symbol })), scope: "imports" };
        }
      }
    }
  }
  const walked = await walkFiles(segment, segment.root, { extensions: familyExtensions(lang) });
  const files = walked.files.slice(0, options.maxFiles ?? 5000);
  const batch = await skeletonOfFiles(segment, files, {
    cache: options.cache,
    telemetry: options.telemetry,
  });
  const found: Found[] = [];
  for (const [i, outcome] of batch.files.entries()) {
    const file = files[i]; // the batch has one outcome per file, in order
    if (!outcome.skeleton || !file) continue;
    for (const symbol of flatten(outcome.skeleton.symbols)) {
      if (symbol.name === name) found.push({ abs: file.abs, rel: file.rel, symbol });
    }
  }
  return { found, scope: "segment" };
}

async function textReferences(
  segment: Segment,
  file: QueryFile,
  name: string,
  maxFiles: number,
): Promise<SourceRange[]> {
  const lang = languageOf(file.rel);
  const walked = await walkFiles(segment, segment.root, {
    extensions: lang ? familyExtensions(lang) : undefined,
  });
  const re = new RegExp(
    `(?<![\\p{L}\\p{N}_$])${escapeRegExp(name)}(?![\\p{L}\\p{N}_$])`,
    "gu",
  );
  const out: SourceRange[] = [];
  const width = Array.from(name).length;
  for (const f of walked.files.slice(0, maxFiles)) {
    const lines = linesOf(segment, f.abs);
    if (!lines) continue;
    for (let i = 0; i < lines.length; i++) {
      for (const m of (lines[i] ?? "").matchAll(re)) {
        // One past the cap tells the caller there were more.
        if (out.length > MAX_TEXT_REFERENCES) return out;
        const col = codePointColumn(lines, i, m.index);
        out.push({ path: f.rel, line: i + 1, col, end_line: i + 1, end_col: col + width });
      }
    }
  }
  return out;
}

/** Most whole-word matches a text-fallback references answer lists. */
export const MAX_TEXT_REFERENCES = 2000;

/**
 * Answer a query from the AST. Never throws for an unsupported file or a
 * position without an identifier: the answer is then empty, with a note.
 */
export async function astAnswer(
  segment: Segment,
  query: AstQuery,
  options: AstFallbackOptions = {},
): Promise<AnswerData> {
  const { file, method } = query;
  const base: AnswerData = { file: file.rel, source: "ast" };
  if (languageOf(file.rel) === undefined) {
    return { ...base, line: query.line, col: query.col, note: "no AST support for this file type" };
  }
  if (method === "diagnostics") {
    const { skeleton } = await skeletonOfFile(segment, file, {
      cache: options.cache,
      telemetry: options.telemetry,
    });
    return {
      ...base,
      diagnostics: skeleton.has_errors
        ? [{
          line: 1,
          col: 1,
          end_line: 1,
          end_col: 1,
          severity: "error",
          source: "trifecta-ast",
          message: "the parser found syntax errors in this file",
        }]
        : [],
      note: "without a language server only syntax errors are detected",
    };
  }
  const pos = { line: query.line ?? 1, col: query.col ?? 1 };
  const ident = identifierAt(file.text, pos);
  const at = { ...base, line: pos.line, col: pos.col };
  if (!ident) return { ...at, locations: [], note: "no identifier at this position" };
  if (method === "references") {
    const found = await textReferences(segment, file, ident.name, options.maxFiles ?? 5000);
    const more = found.length > MAX_TEXT_REFERENCES;
    return {
      ...at,
      symbol: ident.name,
      source: "text",
      locations: found.slice(0, MAX_TEXT_REFERENCES),
      note: `whole-word matches of the name, not resolved references${
        more ? ` (the first ${MAX_TEXT_REFERENCES}; there are more)` : ""
      }`,
    };
  }
  const { found, scope } = await findDefinitions(segment, file, ident.name, options);
  const lineCache = new Map<string, string[] | undefined>();
  const locations: SourceRange[] = [];
  for (const f of found) {
    if (!lineCache.has(f.abs)) lineCache.set(f.abs, linesOf(segment, f.abs));
    locations.push(nameRange(f, lineCache.get(f.abs)));
  }
  const note = `symbols named '${ident.name}' found by name (scope: ${scope})`;
  if (method === "definition") return { ...at, symbol: ident.name, locations, note };
  const first = found[0];
  return {
    ...at,
    symbol: ident.name,
    contents: first
      ? scrubText(
        segment.root,
        [first.symbol.signature, first.symbol.doc].filter((x) => x !== "").join("\n\n"),
      )
      : "",
    range: locations[0],
    note,
  };
}
