/**
 * Module paths to file paths (pure): which files a `sym://` module path may
 * name, and the module path of a file (for suggestions).
 *
 * @module
 */
import type { SymbolLanguage } from "./parse.ts";

/** Source extensions per URI language, in the order they are tried. */
export const MODULE_EXTENSIONS: Readonly<Record<SymbolLanguage, readonly string[]>> = {
  python: [".py"],
  typescript: [".ts", ".tsx", ".mts", ".cts"],
  javascript: [".js", ".jsx", ".mjs", ".cjs"],
};

/** File names that make a directory a module (package) per language. */
export const PACKAGE_FILES: Readonly<Record<SymbolLanguage, readonly string[]>> = {
  python: ["__init__.py"],
  typescript: MODULE_EXTENSIONS.typescript.map((e) => `index${e}`),
  javascript: MODULE_EXTENSIONS.javascript.map((e) => `index${e}`),
};

function validParts(path: string): boolean {
  return path.split("/").every((p) => p !== "" && p !== "." && p !== "..");
}

/**
 * The segment-relative files a module path may name, in the order tried.
 *
 * Dots are package separators (`pkg.mod` ≡ `pkg/mod`). For TypeScript and
 * JavaScript, whose file names may contain dots, the path is also tried as
 * written (`web/api.client` → `web/api.client.ts`). A path that already ends
 * with one of the language's extensions also names that file itself.
 *
 * @example
 * ```ts
 * import { moduleFileCandidates } from "./modules.ts";
 * import { ok } from "node:assert/strict";
 * const files = moduleFileCandidates("python", "pkg.mod");
 * ok(files.includes("pkg/mod.py") && files.includes("pkg/mod/__init__.py"));
 * ```
 */
export function moduleFileCandidates(lang: SymbolLanguage, modulePath: string): string[] {
  const exts = MODULE_EXTENSIONS[lang];
  const forms = [modulePath.replaceAll(".", "/")];
  if (lang !== "python" && modulePath.includes(".")) forms.push(modulePath);
  const out: string[] = [];
  const add = (p: string) => {
    if (validParts(p) && !out.includes(p)) out.push(p);
  };
  if (exts.some((e) => modulePath.endsWith(e))) add(modulePath);
  for (const form of forms) {
    for (const ext of exts) add(`${form}${ext}`);
    for (const pkg of PACKAGE_FILES[lang]) add(`${form}/${pkg}`);
  }
  return out;
}

/** One way to read a `type` path: a module part and a symbol path. */
export interface TypeSplit {
  /** Module path as written, e.g. `src.inventory.models`. */
  module: string;
  /** Names from the top level of the module down, e.g. `["Inventory", "Snapshot"]`. */
  symbolPath: string[];
}

/**
 * Every split of a `type` path into a module part and a symbol part, at each
 * `.` or `/`, longest module first; `member` (dotted) is appended to the
 * symbol path.
 *
 * @example
 * ```ts
 * import { typeSplits } from "./modules.ts";
 * import { deepEqual } from "node:assert/strict";
 * deepEqual(typeSplits("pkg.mod.Cls", "run"), [
 *   { module: "pkg.mod", symbolPath: ["Cls", "run"] },
 *   { module: "pkg", symbolPath: ["mod", "Cls", "run"] },
 * ]);
 * ```
 */
export function typeSplits(path: string, member?: string): TypeSplit[] {
  const tail = member === undefined ? [] : member.split(".");
  const splits: TypeSplit[] = [];
  for (let i = path.length - 1; i > 0; i--) {
    const c = path[i];
    if (c !== "." && c !== "/") continue;
    const module = path.slice(0, i);
    const symbolPath = path.slice(i + 1).split(/[./]/);
    if (module === "" || symbolPath.some((p) => p === "")) continue;
    splits.push({ module, symbolPath: [...symbolPath, ...tail] });
  }
  return splits;
}

/** The URI language whose extensions include this file's, if any. */
export function uriLanguageOfFile(rel: string): SymbolLanguage | undefined {
  for (const lang of Object.keys(MODULE_EXTENSIONS) as SymbolLanguage[]) {
    if (MODULE_EXTENSIONS[lang].some((e) => rel.endsWith(e))) return lang;
  }
  return undefined;
}

/**
 * The module path of a file as a URI would name it: dotted for Python
 * (`pkg/mod/__init__.py` → `pkg.mod`), slashed for TypeScript and JavaScript,
 * whose file names may hold dots (`web/index.ts` → `web`, `web/api.v2.ts` →
 * `web/api.v2`); undefined when the extension does not belong to `lang`.
 */
export function modulePathOfFile(lang: SymbolLanguage, rel: string): string | undefined {
  const ext = MODULE_EXTENSIONS[lang].find((e) => rel.endsWith(e));
  if (ext === undefined) return undefined;
  const name = rel.slice(rel.lastIndexOf("/") + 1);
  if (PACKAGE_FILES[lang].includes(name)) {
    const dir = rel.slice(0, Math.max(0, rel.lastIndexOf("/")));
    if (dir === "") return undefined;
    return lang === "python" ? dir.replaceAll("/", ".") : dir;
  }
  const stem = rel.slice(0, rel.length - ext.length);
  return lang === "python" ? stem.replaceAll("/", ".") : stem;
}
