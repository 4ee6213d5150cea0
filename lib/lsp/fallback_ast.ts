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
import type { AstCache } from "../cache/mod.ts";
import { TrifectaError } from "../errors.ts";
import { checkInsideSync, readInsideSync, type Segment, walkFiles } from "../segment/mod.ts";
import { scrubText } from "./answer_guard.ts";
import type { Telemetry } from "../telemetry/mod.ts";
import { identifierAt, splitLines } from "./positions.ts";
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

const LANGUAGE_EXTENSIONS: Record<string, string[]> = {
  python: [".py", ".pyi"],
  typescript: [".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"],
};

function family(rel: string): "python" | "typescript" | undefined {
  const lang = languageOf(rel);
  if (lang === undefined) return undefined;
  return lang === "python" ? "python" : "typescript";
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

/**
 * Modules an import statement names for `name`, as candidate paths relative
 * to the importing file's directory or the segment root. Returns the name
 * the symbol has in its own module (aliases undone).
 */
export function importCandidates(
  importText: string,
  name: string,
  lang: "python" | "typescript",
): { paths: string[]; relative: boolean; original: string } | undefined {
  if (lang === "python") {
    const from = /^from\s+(\.*)([\w.]*)\s+import\s+\(?([^)]*)\)?/.exec(importText);
    if (from) {
      // Every group of the pattern takes part in a match (possibly empty).
      const [, dots = "", mod = "", list = ""] = from;
      for (const part of list.split(",")) {
        const [orig = "", alias] = part.trim().split(/\s+as\s+/);
        if ((alias ?? orig) !== name && orig !== "*") continue;
        const modPath = mod.replaceAll(".", "/");
        const up = dots.length > 1 ? "../".repeat(dots.length - 1) : "";
        const base = up + modPath;
        const paths = modPath === ""
          ? [`${up}${orig}.py`, `${up}${orig}/__init__.py`]
          : [`${base}.py`, `${base}.pyi`, `${base}/__init__.py`, `${base}/${orig}.py`];
        return { paths, relative: dots.length > 0, original: orig === "*" ? name : orig };
      }
      return undefined;
    }
    return undefined;
  }
  const ts = /import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+["']([^"']+)["']/.exec(importText);
  if (!ts) return undefined;
  const [, names = "", spec = ""] = ts; // both groups take part in every match
  for (const part of names.split(",")) {
    const [orig = "", alias] = part.trim().replace(/^type\s+/, "").split(/\s+as\s+/);
    if ((alias ?? orig) !== name) continue;
    if (!spec.startsWith(".")) return undefined;
    const base = spec.replace(/\.(js|mjs|cjs)$/, "");
    const paths = [spec, `${base}.ts`, `${base}.tsx`, `${base}.d.ts`, `${base}/index.ts`];
    return { paths, relative: true, original: orig };
  }
  return undefined;
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
  const re = new RegExp(`\\b${s.name.replace(/[$]/g, "\\$")}\\b`, "u");
  const m = re.exec(text);
  const col = m ? Array.from(text.slice(0, m.index)).length + 1 : 1;
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
  const lang = family(file.rel);
  if (!lang) return { found: [], scope: "none" };
  const { skeleton } = await skeletonOfFile(segment, file, {
    cache: options.cache,
    telemetry: options.telemetry,
  });
  const local = flatten(skeleton.symbols).filter((s) => s.name === name);
  if (local.length > 0) {
    return { found: local.map((symbol) => ({ ...file, symbol })), scope: "file" };
  }
  for (const imp of skeleton.imports) {
    const cand = importCandidates(imp.text, name, lang);
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
  const walked = await walkFiles(segment, segment.root, {
    extensions: LANGUAGE_EXTENSIONS[lang],
  });
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
  const lang = family(file.rel);
  const walked = await walkFiles(segment, segment.root, {
    extensions: lang ? LANGUAGE_EXTENSIONS[lang] : undefined,
  });
  const re = new RegExp(
    `(?<![\\p{L}\\p{N}_$])${name.replace(/[$]/g, "\\$")}(?![\\p{L}\\p{N}_$])`,
    "gu",
  );
  const out: SourceRange[] = [];
  for (const f of walked.files.slice(0, maxFiles)) {
    const lines = linesOf(segment, f.abs);
    if (!lines) continue;
    lines.forEach((text, i) => {
      for (const m of text.matchAll(re)) {
        const col = Array.from(text.slice(0, m.index)).length + 1;
        out.push({
          path: f.rel,
          line: i + 1,
          col,
          end_line: i + 1,
          end_col: col + Array.from(name).length,
        });
      }
    });
  }
  return out;
}

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
    const locations = await textReferences(segment, file, ident.name, options.maxFiles ?? 5000);
    return {
      ...at,
      symbol: ident.name,
      source: "text",
      locations,
      note: "whole-word matches of the name, not resolved references",
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
