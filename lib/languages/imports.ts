/**
 * Import rules of the registry, read as data: which rule a language's
 * imports follow, the extensions of the files they may name, and the
 * written suffixes that name no part of a module.
 *
 * @module
 */
import { dirname, normalize } from "../path.ts";
import { languageByName, languageOfPath } from "./mod.ts";
import { moduleFileCandidates } from "./modules.ts";
import type { ImportRule } from "./types.ts";

/**
 * The import rule of a registry language, or undefined when its imports
 * link no file.
 *
 * @example
 * ```ts
 * import { importRuleOf } from "./imports.ts";
 * import { equal } from "node:assert/strict";
 * equal(importRuleOf("python")?.style, "dotted");
 * equal(importRuleOf("no-such-language"), undefined);
 * ```
 */
export function importRuleOf(language: string): ImportRule | undefined {
  return languageByName(language)?.imports;
}

/** The import rule of a file, by its extension. */
export function importRuleOfPath(rel: string): ImportRule | undefined {
  return languageOfPath(rel)?.imports;
}

/**
 * The extensions of the files a rule's imports may name, in the order
 * tried (its family's, in family order).
 *
 * @example
 * ```ts
 * import { familyExtensions, importRuleOf } from "./imports.ts";
 * import { ok } from "node:assert/strict";
 * const rule = importRuleOf("typescript");
 * ok(rule && familyExtensions(rule).includes(".tsx"));
 * ```
 */
export function familyExtensions(rule: ImportRule): string[] {
  const out: string[] = [];
  for (const name of rule.family) {
    for (const e of languageByName(name)?.extensions ?? []) if (!out.includes(e)) out.push(e);
  }
  return out;
}

/**
 * `text` without the longest of `suffixes` it ends with (unchanged when
 * none).
 *
 * @example
 * ```ts
 * import { withoutSuffix } from "./imports.ts";
 * import { equal } from "node:assert/strict";
 * equal(withoutSuffix("web/api.d.ts", [".ts", ".d.ts"]), "web/api");
 * ```
 */
export function withoutSuffix(text: string, suffixes: readonly string[]): string {
  let best = "";
  for (const s of suffixes) if (s.length > best.length && text.endsWith(s)) best = s;
  return text.slice(0, text.length - best.length);
}

/** What an import is resolved among. */
export interface ImportScope {
  /** Registry name of the importing file's language. */
  language: string;
  /** The segment's files (segment-relative POSIX paths): only these are ever returned. */
  known: ReadonlySet<string>;
  /**
   * Texts of the root files the rule reads ({@linkcode importConfigFiles}),
   * by segment-relative path; one left out is not read.
   */
  configs?: ReadonlyMap<string, string>;
}

/** A style's resolver: the known files one import names. */
type Resolver = (
  from: string,
  module: string,
  scope: ImportScope & { rule: ImportRule },
) => string[];

/**
 * The root files a language's import rule reads (its manifest, its flags
 * file): the caller reads them through the segment boundary and passes
 * their texts as {@linkcode ImportScope.configs}.
 *
 * @example
 * ```ts
 * import { importConfigFiles } from "./imports.ts";
 * import { deepEqual } from "node:assert/strict";
 * deepEqual(importConfigFiles("go"), ["go.mod"]);
 * deepEqual(importConfigFiles("python"), []);
 * ```
 */
export function importConfigFiles(language: string): string[] {
  const rule = importRuleOf(language);
  return [rule?.manifest?.file, rule?.flagsFile?.file].filter((f) => f !== undefined);
}

/** A segment-relative path in normal form, or undefined when it is absolute or climbs out. */
function inside(path: string): string | undefined {
  if (path.startsWith("/") || path.includes("\0")) return undefined;
  const n = normalize(path);
  if (n === "." || n === ".." || n.startsWith("../") || n.startsWith("/")) return undefined;
  return n;
}

/** The directory of a segment-relative path (`""` at the root). */
function dirOf(rel: string): string {
  const d = dirname(rel);
  return d === "." ? "" : d;
}

/** `dir/rest` in normal form inside the segment, or undefined. */
function under(dir: string, rest: string): string | undefined {
  return inside(dir === "" ? rest : `${dir}/${rest}`);
}

/** The first group of a config's pattern, or undefined. */
function manifestName(scope: ImportScope & { rule: ImportRule }): string | undefined {
  const m = scope.rule.manifest;
  const text = m === undefined ? undefined : scope.configs?.get(m.file);
  if (m === undefined || text === undefined) return undefined;
  return new RegExp(m.pattern, "m").exec(text)?.[1];
}

/** The known files by directory and by base name, built once per known set. */
interface KnownIndex {
  byDir: Map<string, string[]>;
  byBase: Map<string, string[]>;
}

const INDEXES = new WeakMap<ReadonlySet<string>, KnownIndex>();

/** The index of a known set: a map resolves thousands of imports against one set. */
function indexOf(known: ReadonlySet<string>): KnownIndex {
  let index = INDEXES.get(known);
  if (index === undefined) {
    index = { byDir: new Map(), byBase: new Map() };
    for (const f of [...known].sort()) {
      const dir = dirOf(f);
      const base = f.slice(f.lastIndexOf("/") + 1);
      const inDir = index.byDir.get(dir) ?? [];
      const named = index.byBase.get(base) ?? [];
      inDir.push(f);
      named.push(f);
      index.byDir.set(dir, inDir);
      index.byBase.set(base, named);
    }
    INDEXES.set(known, index);
  }
  return index;
}

/** The known files that are `tail` or end with `/tail`, sorted. */
function endingWith(tail: string, known: ReadonlySet<string>): string[] {
  const base = tail.slice(tail.lastIndexOf("/") + 1);
  return (indexOf(known).byBase.get(base) ?? []).filter((f) =>
    f === tail || f.endsWith(`/${tail}`)
  );
}

/** The known family files directly in `dir`, sorted. */
function filesIn(dir: string, scope: ImportScope & { rule: ImportRule }): string[] {
  const exts = familyExtensions(scope.rule);
  return (indexOf(scope.known).byDir.get(dir) ?? []).filter((f) => exts.some((e) => f.endsWith(e)));
}

/**
 * `directory` (Go): the files of the directory an import path names. With
 * the manifest's module prefix, only the segment's own paths resolve;
 * without it, the longest suffix of the path that is a directory of the
 * segment.
 */
function resolveDirectory(
  _from: string,
  module: string,
  scope: ImportScope & { rule: ImportRule },
): string[] {
  const prefix = manifestName(scope);
  if (prefix !== undefined) {
    if (module === prefix) return filesIn("", scope);
    if (!module.startsWith(`${prefix}/`)) return [];
    const dir = inside(module.slice(prefix.length + 1));
    return dir === undefined ? [] : filesIn(dir, scope);
  }
  const parts = module.split("/");
  for (let i = 0; i < parts.length; i++) {
    const dir = inside(parts.slice(i).join("/"));
    const files = dir === undefined ? [] : filesIn(dir, scope);
    if (files.length > 0) return files;
  }
  return [];
}

/** The known files a module directory of a `scoped` rule is (`d.rs`, `d/mod.rs`, a crate root). */
function scopedForms(dir: string, scope: ImportScope & { rule: ImportRule }): string[] {
  const out: string[] = [];
  for (const ext of familyExtensions(scope.rule)) {
    if (dir !== "") out.push(`${dir}${ext}`);
    for (const stem of [...scope.rule.packageStems, ...scope.rule.rootStems ?? []]) {
      out.push(dir === "" ? `${stem}${ext}` : `${dir}/${stem}${ext}`);
    }
  }
  return out.filter((f) => scope.known.has(f));
}

/** The stem of a file name without its directory and extension. */
function stemOf(rel: string, exts: readonly string[]): string {
  const base = rel.slice(rel.lastIndexOf("/") + 1);
  return withoutSuffix(base, exts);
}

/** The directory a file's child modules live in: its own for a root or package file, else `dir/stem`. */
function moduleDir(from: string, scope: ImportScope & { rule: ImportRule }): string {
  const exts = familyExtensions(scope.rule);
  const stem = stemOf(from, exts);
  const roots = [...scope.rule.packageStems, ...scope.rule.rootStems ?? []];
  return roots.includes(stem) ? dirOf(from) : under(dirOf(from), stem) ?? dirOf(from);
}

/** The directory of the crate root above a file: the nearest holding a root stem file. */
function crateDir(from: string, scope: ImportScope & { rule: ImportRule }): string | undefined {
  const exts = familyExtensions(scope.rule);
  for (let dir: string | undefined = dirOf(from); dir !== undefined;) {
    const d: string = dir;
    const rooted = (scope.rule.rootStems ?? []).some((stem) =>
      exts.some((e) => scope.known.has(d === "" ? `${stem}${e}` : `${d}/${stem}${e}`))
    );
    if (rooted) return d;
    dir = d === "" ? undefined : dirOf(d);
  }
  return undefined;
}

/** The module directory a `scoped` path's leading parts anchor it at, and the parts left. */
function scopedStart(
  from: string,
  parts: readonly string[],
  scope: ImportScope & { rule: ImportRule },
): { dir: string; rest: string[] }[] {
  const anchors = scope.rule.anchors ?? { root: [], parent: [], self: [] };
  const first = parts[0] ?? "";
  if (anchors.root.includes(first)) {
    const dir = crateDir(from, scope);
    return dir === undefined ? [] : [{ dir, rest: parts.slice(1) }];
  }
  let dir = moduleDir(from, scope);
  let i = 0;
  for (; anchors.parent.includes(parts[i] ?? "") || anchors.self.includes(parts[i] ?? ""); i++) {
    if (anchors.parent.includes(parts[i] ?? "")) {
      if (dir === "") return [];
      dir = dirOf(dir);
    }
  }
  if (i > 0) return [{ dir, rest: parts.slice(i) }];
  // A bare path: a child of the current module, or the crate's own name.
  const out = [{ dir, rest: [...parts] }];
  const root = crateDir(from, scope);
  const own = manifestName(scope)?.replaceAll("-", "_");
  if (own !== undefined && first === own && root !== undefined) {
    out.push({ dir: root, rest: parts.slice(1) });
  }
  return out;
}

/**
 * `scoped` (Rust): `crate::a::b`, `super::a`, `self::a`, `a::b` (a child
 * of the current module) or `<own crate>::a` name a module file `a/b.rs`
 * or `a/b/mod.rs`; when the whole path is no module, its longest prefix
 * that is one (the rest names items in it).
 */
function resolveScoped(
  from: string,
  module: string,
  scope: ImportScope & { rule: ImportRule },
): string[] {
  const parts = module.split(scope.rule.separator ?? "::").filter((p) => p !== "");
  for (const start of scopedStart(from, parts, scope)) {
    for (let n = start.rest.length; n >= 0; n--) {
      if (n === 0 && start.rest.length > 0 && start.dir === moduleDir(from, scope)) break;
      const dir = start.rest.slice(0, n).reduce<string | undefined>(
        (d, p) => (d === undefined ? undefined : under(d, p)),
        start.dir,
      );
      const files = dir === undefined ? [] : scopedForms(dir, scope);
      if (files.length > 0) return files.filter((f) => f !== from).slice(0, 1);
    }
  }
  return [];
}

/** Directories a flags file adds (`-Iinclude`, `-I include`, `-I` then `include` on the next line). */
function flagDirs(scope: ImportScope & { rule: ImportRule }): string[] {
  const f = scope.rule.flagsFile;
  const text = f === undefined ? undefined : scope.configs?.get(f.file);
  if (f === undefined || text === undefined) return [];
  const re = new RegExp(f.pattern, "gm");
  const out: string[] = [];
  for (const m of text.matchAll(re)) {
    const dir = inside(m[1] ?? "");
    if (dir !== undefined) out.push(dir);
  }
  return out;
}

/**
 * `path` (C, C++, Ruby): a file path from the importing file's directory,
 * then from each search directory and flags-file directory; a path without
 * one of the family's extensions also with each of them.
 */
function resolvePath(
  from: string,
  module: string,
  scope: ImportScope & { rule: ImportRule },
): string[] {
  if (module.startsWith("/")) return [];
  const exts = familyExtensions(scope.rule);
  const dirs = [dirOf(from), ...scope.rule.searchDirs ?? [], ...flagDirs(scope)];
  for (const dir of dirs) {
    const path = under(dir, module);
    if (path === undefined) continue;
    const forms = exts.some((e) => path.endsWith(e))
      ? [path]
      : [path, ...exts.map((e) => path + e)];
    const hit = forms.find((f) => scope.known.has(f) && f !== from);
    if (hit !== undefined) return [hit];
  }
  return [];
}

/**
 * `namespace` (PHP): `A\B\C` names the file whose path ends with the
 * longest suffix of `A/B/C.<ext>` (two parts at least, when the name has
 * them); a module holding `/` or ending in a family extension is a file
 * path joined to the importing file's directory (`__DIR__ . '/x.php'`).
 */
function resolveNamespace(
  from: string,
  module: string,
  scope: ImportScope & { rule: ImportRule },
): string[] {
  const exts = familyExtensions(scope.rule);
  if (module.includes("/") || exts.some((e) => module.endsWith(e))) {
    const path = under(dirOf(from), module.replace(/^\/+/, ""));
    return path !== undefined && scope.known.has(path) && path !== from ? [path] : [];
  }
  const parts = module.split(scope.rule.separator ?? "\\").filter((p) => p !== "");
  const least = Math.min(2, parts.length);
  for (let k = parts.length; k >= least && k > 0; k--) {
    const tail = parts.slice(-k).join("/");
    const hits = exts.flatMap((e) => endingWith(`${tail}${e}`, scope.known))
      .filter((f) => f !== from);
    if (hits.length > 0) return hits;
  }
  return [];
}

/**
 * `dotted`, absolute modules only (`a.b.C`): the module's file at the
 * root or, with `anyRoot`, under any source root, i.e. a known file ending
 * with `/a/b/C.<ext>` (Java's `src/main/java`); relative dots are the
 * map's own resolver's.
 */
function resolveDotted(
  from: string,
  module: string,
  scope: ImportScope & { rule: ImportRule },
): string[] {
  if (module.startsWith(".")) return [];
  const uri = languageByName(scope.language)?.uriName ?? scope.language;
  for (const cand of moduleFileCandidates(uri, module)) {
    if (scope.known.has(cand)) return cand === from ? [] : [cand];
    if (!scope.rule.anyRoot) continue;
    const hits = endingWith(cand, scope.known).filter((f) => f !== from);
    if (hits.length > 0) return hits;
  }
  return [];
}

const RESOLVERS: Partial<Record<ImportRule["style"], Resolver>> = {
  dotted: resolveDotted,
  directory: resolveDirectory,
  scoped: resolveScoped,
  path: resolvePath,
  namespace: resolveNamespace,
};

/**
 * The files of the segment (among `scope.known`) that the module `module`,
 * imported by file `from`, names under the importing language's rule, for
 * the styles `directory`, `scoped`, `path`, `namespace` and absolute
 * `dotted` modules under any source root (the map's resolver handles
 * relative dots and `relative` specifiers). Empty when it names none: a
 * package outside the segment, a system header, a path that climbs out.
 * Only known files are returned: an import never names a file the
 * segment's walk did not list.
 *
 * @example
 * ```ts
 * import { resolveImport } from "./imports.ts";
 * import { deepEqual } from "node:assert/strict";
 * const known = new Set(["go.sum", "internal/store/a.go", "internal/store/b.go", "cmd/main.go"]);
 * const configs = new Map([["go.mod", "module example.com/inv\n"]]);
 * deepEqual(
 *   resolveImport("cmd/main.go", "example.com/inv/internal/store", { language: "go", known, configs }),
 *   ["internal/store/a.go", "internal/store/b.go"],
 * );
 * deepEqual(resolveImport("cmd/main.go", "fmt", { language: "go", known, configs }), []);
 * const c = new Set(["src/ring.c", "src/util/text.h"]);
 * deepEqual(resolveImport("src/ring.c", "util/text.h", { language: "c", known: c }), ["src/util/text.h"]);
 * deepEqual(resolveImport("src/ring.c", "../../etc/passwd", { language: "c", known: c }), []);
 * ```
 */
export function resolveImport(from: string, module: string, scope: ImportScope): string[] {
  const rule = importRuleOf(scope.language);
  if (rule === undefined || module === "" || module.includes("\0")) return [];
  const resolver = RESOLVERS[rule.style];
  return resolver === undefined ? [] : resolver(from, module, { ...scope, rule });
}
