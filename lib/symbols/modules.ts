/**
 * Module paths to file paths (pure): which files a `sym://` module path may
 * name, and the module path of a file (for suggestions). The rules are the
 * registry's (lib/languages/modules.ts); this module splits `type` paths.
 *
 * @module
 */
export {
  moduleFileCandidates,
  modulePathOf,
  uriLanguageOfPath,
  type UriModules,
  uriModules,
} from "../languages/modules.ts";

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
