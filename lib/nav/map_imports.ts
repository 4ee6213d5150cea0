/**
 * Where an imported name comes from: the file of the module an import
 * statement names (Python dotted and relative modules; TypeScript and
 * JavaScript relative specifiers), among the files of the map. An import
 * that resolves to a file defining the name links only that file.
 *
 * @module
 */
import type { Language } from "../ast/mod.ts";
import { moduleFileCandidates } from "../symbols/mod.ts";

const SCRIPT_EXTENSIONS = [".ts", ".tsx", ".js", ".jsx", ".mts", ".mjs", ".cts", ".cjs"];

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

function pythonCandidates(from: string, module: string): string[] {
  const dots = module.length - module.replace(/^\.+/, "").length;
  const rest = module.slice(dots);
  if (dots === 0) return moduleFileCandidates("python", rest);
  let dir: string | undefined = dirOf(from);
  for (let i = 1; i < dots && dir !== undefined; i++) dir = dir === "" ? undefined : dirOf(dir);
  if (dir === undefined) return [];
  const path = [dir, rest.replaceAll(".", "/")].filter((p) => p !== "").join("/");
  if (path === "") return [];
  return [`${path}.py`, `${path}.pyi`, `${path}/__init__.py`, `${path}/__init__.pyi`];
}

function scriptCandidates(from: string, module: string): string[] {
  if (!module.startsWith("./") && !module.startsWith("../")) return [];
  const path = normalise(`${dirOf(from)}/${module}`);
  if (path === undefined || path === "") return [];
  const stem = path.replace(/\.[cm]?jsx?$/, "");
  const out = [path];
  for (const ext of SCRIPT_EXTENSIONS) out.push(`${stem}${ext}`);
  for (const ext of SCRIPT_EXTENSIONS) out.push(`${path}/index${ext}`);
  return out;
}

/**
 * The file (among `known`) of the module `module` imported by file `from`,
 * or undefined (a package outside the map, or not resolvable).
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
  const candidates = language === "python"
    ? pythonCandidates(from, module)
    : scriptCandidates(from, module);
  return candidates.find((c) => known.has(c));
}
