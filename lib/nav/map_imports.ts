/**
 * Where an imported name comes from: the file of the module an import
 * statement names, among the files of the map, by the importing language's
 * import rule in the registry (lib/languages: dotted modules with relative
 * dots, or relative path specifiers). An import that resolves to a file
 * defining the name links only that file.
 *
 * @module
 */
import type { Language } from "../ast/mod.ts";
import {
  familyExtensions,
  importRuleOf,
  resolveImport,
  withoutSuffix,
} from "../languages/imports.ts";
import { languageByName } from "../languages/mod.ts";
import type { ImportRule } from "../languages/types.ts";
import { moduleFileCandidates } from "../symbols/mod.ts";

function dirOf(rel: string): string {
  const i = rel.lastIndexOf("/");
  return i < 0 ? "" : rel.slice(0, i);
}

/** `a/b/../c` → `a/c`; undefined when it climbs above the root. */
function normalise(path: string): string | undefined {
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(part);
  }
  return out.join("/");
}

/** Files of `path` with each of the family's extensions, then as a package directory. */
function fileForms(path: string, rule: ImportRule, exts: readonly string[]): string[] {
  const out = exts.map((e) => `${path}${e}`);
  for (const stem of rule.packageStems) for (const e of exts) out.push(`${path}/${stem}${e}`);
  return out;
}

/** `pkg.mod` from a source root, `.mod`/`..pkg` from the importer's package. */
function dottedCandidates(
  from: string,
  module: string,
  o: { language: Language; rule: ImportRule },
): string[] {
  const dots = module.length - module.replace(/^\.+/, "").length;
  const rest = module.slice(dots);
  if (dots === 0) {
    return moduleFileCandidates(languageByName(o.language)?.uriName ?? o.language, rest);
  }
  let dir: string | undefined = dirOf(from);
  for (let i = 1; i < dots && dir !== undefined; i++) dir = dir === "" ? undefined : dirOf(dir);
  if (dir === undefined) return [];
  const path = [dir, rest.replaceAll(".", "/")].filter((p) => p !== "").join("/");
  if (path === "") return [];
  return fileForms(path, o.rule, familyExtensions(o.rule));
}

/** `./api.js`, `../lib`: a path from the importer's directory; other specifiers are packages. */
function relativeCandidates(from: string, module: string, rule: ImportRule): string[] {
  if (!module.startsWith("./") && !module.startsWith("../")) return [];
  const path = normalise(`${dirOf(from)}/${module}`);
  if (path === undefined || path === "") return [];
  const exts = familyExtensions(rule);
  const stem = withoutSuffix(path, rule.suffixes);
  return [
    path,
    ...exts.map((e) => `${stem}${e}`),
    ...fileForms(path, rule, exts).slice(exts.length),
  ];
}

/** What an import is resolved among: the map's files, and config texts by path. */
export interface ImportFiles {
  /** The map's files (segment-relative): only these are returned. */
  known: ReadonlySet<string>;
  /** Texts of the root config files import rules read (`go.mod`, `compile_flags.txt`). */
  configs?: ReadonlyMap<string, string>;
}

/**
 * The files (among `known`) of the module `module` imported by file
 * `from`: relative modules and specifiers here, the other styles (and
 * dotted modules under a source root) by the registry's resolver
 * (lib/languages/imports.ts); empty when none (a package outside the map).
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { importedFiles } from "./map_imports.ts";
 * const known = new Set(["src/main/java/a/B.java", "src/main/java/a/C.java"]);
 * deepEqual(importedFiles("src/main/java/a/C.java", "java", "a.B", { known }), [
 *   "src/main/java/a/B.java",
 * ]);
 * ```
 */
export function importedFiles(
  from: string,
  language: Language,
  module: string,
  scope: ImportFiles,
): string[] {
  const rule = importRuleOf(language);
  if (rule === undefined) return [];
  const local = rule.style === "dotted"
    ? dottedCandidates(from, module, { language, rule })
    : rule.style === "relative"
    ? relativeCandidates(from, module, rule)
    : [];
  const hit = local.find((c) => scope.known.has(c));
  if (hit !== undefined) return [hit];
  return resolveImport(from, module, { language, ...scope });
}

/**
 * The first file (among `known`) of the module `module` imported by file
 * `from`, or undefined (a package outside the map, or not resolvable).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { importedFile } from "./map_imports.ts";
 * const known = new Set(["pkg/util.py", "pkg/app.py", "web/api.ts", "web/main.ts"]);
 * equal(importedFile("pkg/app.py", "python", "pkg.util", known), "pkg/util.py");
 * equal(importedFile("pkg/app.py", "python", ".util", known), "pkg/util.py");
 * equal(importedFile("web/main.ts", "typescript", "./api.js", known), "web/api.ts");
 * equal(importedFile("web/main.ts", "typescript", "react", known), undefined);
 * ```
 */
export function importedFile(
  from: string,
  language: Language,
  module: string,
  known: ReadonlySet<string>,
): string | undefined {
  return importedFiles(from, language, module, { known })[0];
}
