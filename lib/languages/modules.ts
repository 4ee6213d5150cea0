/**
 * Module paths of `sym://` URIs, read from the registry: which files a
 * module path may name, and the module path of a file. A `sym://` language
 * (an entry's `uriName`) addresses the files of every entry that names it
 * (`typescript` addresses `.ts` and `.tsx`); its module rule is the entry's
 * whose `name` is the `uriName`.
 *
 * @module
 */
import { languageOfPath, LANGUAGES } from "./mod.ts";
import type { LanguageSpec, ModuleRule } from "./types.ts";

/** What a `sym://` language needs to map module paths to files. */
export interface UriModules {
  /** The `sym://` language name (`python`, `typescript`). */
  name: string;
  /** How its module paths are formed. */
  style: ModuleRule["style"];
  /** The extensions a module path names, in the order tried. */
  extensions: readonly string[];
  /** File names that make a directory a module. */
  packageFiles: readonly string[];
  /** True when a file's module path keeps its extension (`src/ring.c`, `src/ring.h`). */
  keepExtension: boolean;
}

function unique(list: readonly string[]): string[] {
  return [...new Set(list)];
}

function build(): ReadonlyMap<string, UriModules> {
  const out = new Map<string, UriModules>();
  const names = unique(LANGUAGES.map((l) => l.uriName));
  for (const name of names) {
    const entries = LANGUAGES.filter((l) => l.uriName === name);
    const main: LanguageSpec | undefined = entries.find((l) => l.name === name) ?? entries[0];
    if (main === undefined) continue;
    out.set(name, {
      name,
      style: main.modules.style,
      extensions: unique(entries.flatMap((l) => l.modules.extensions ?? l.extensions)),
      packageFiles: unique(entries.flatMap((l) => l.modules.packageFiles)),
      keepExtension: main.modules.keepExtension === true,
    });
  }
  return out;
}

const BY_URI_NAME = build();

/**
 * The module rule of a `sym://` language (its name after alias
 * normalisation), or undefined when the registry has no such language.
 *
 * @example
 * ```ts
 * import { uriModules } from "./modules.ts";
 * import { deepEqual } from "node:assert/strict";
 * deepEqual(uriModules("python")?.extensions, [".py"]);
 * ```
 */
export function uriModules(uriName: string): UriModules | undefined {
  return BY_URI_NAME.get(uriName);
}

function validParts(path: string): boolean {
  return path.split("/").every((p) => p !== "" && p !== "." && p !== "..");
}

/**
 * The segment-relative files a module path may name, in the order tried;
 * empty for a language the registry does not hold.
 *
 * Dots are package separators (`pkg.mod` ≡ `pkg/mod`). For `path`-style
 * languages, whose file names may contain dots, the path is also tried as
 * written (`web/api.client` → `web/api.client.ts`). A path that already
 * ends with one of the language's extensions also names that file itself.
 *
 * @example
 * ```ts
 * import { moduleFileCandidates } from "./modules.ts";
 * import { ok } from "node:assert/strict";
 * const files = moduleFileCandidates("python", "pkg.mod");
 * ok(files.includes("pkg/mod.py") && files.includes("pkg/mod/__init__.py"));
 * ```
 */
export function moduleFileCandidates(uriName: string, modulePath: string): string[] {
  const rule = BY_URI_NAME.get(uriName);
  if (rule === undefined) return [];
  const forms = [modulePath.replaceAll(".", "/")];
  if (rule.style === "path" && modulePath.includes(".")) forms.push(modulePath);
  const out: string[] = [];
  const add = (p: string) => {
    if (validParts(p) && !out.includes(p)) out.push(p);
  };
  if (rule.extensions.some((e) => modulePath.endsWith(e))) add(modulePath);
  for (const form of forms) {
    for (const ext of rule.extensions) add(`${form}${ext}`);
    for (const pkg of rule.packageFiles) add(`${form}/${pkg}`);
  }
  return out;
}

/**
 * The `sym://` language that addresses a file (by its entry's `uriName`),
 * or undefined when no entry claims the file or its extension is not one
 * a module path names (a `.pyi` stub).
 *
 * @example
 * ```ts
 * import { uriLanguageOfPath } from "./modules.ts";
 * import { equal } from "node:assert/strict";
 * equal(uriLanguageOfPath("web/app.tsx"), "typescript");
 * equal(uriLanguageOfPath("notes.txt"), undefined);
 * ```
 */
export function uriLanguageOfPath(rel: string): string | undefined {
  const spec = languageOfPath(rel);
  if (spec === undefined) return undefined;
  const rule = BY_URI_NAME.get(spec.uriName);
  return rule?.extensions.some((e) => rel.endsWith(e)) ? spec.uriName : undefined;
}

/**
 * The module path of a file as a URI of `uriName` would name it: dotted
 * for `dotted` languages (`pkg/mod/__init__.py` → `pkg.mod`), slashed for
 * `path` languages, whose file names may hold dots (`web/index.ts` → `web`,
 * `web/api.v2.ts` → `web/api.v2`), the path itself for a language whose
 * rule keeps the extension (`src/ring.h`, beside `src/ring.c`); undefined
 * when the extension does not belong to the language, or for a package
 * file at the root.
 *
 * @example
 * ```ts
 * import { modulePathOf } from "./modules.ts";
 * import { equal } from "node:assert/strict";
 * equal(modulePathOf("python", "pkg/mod/__init__.py"), "pkg.mod");
 * equal(modulePathOf("typescript", "web/api.v2.ts"), "web/api.v2");
 * equal(modulePathOf("c", "src/ring.h"), "src/ring.h");
 * ```
 */
export function modulePathOf(uriName: string, rel: string): string | undefined {
  const rule = BY_URI_NAME.get(uriName);
  // Longest extension first, so a compound one wins over its tail.
  const ext = [...rule?.extensions ?? []].sort((a, b) => b.length - a.length)
    .find((e) => rel.endsWith(e));
  if (rule === undefined || ext === undefined) return undefined;
  if (rule.keepExtension) return rel;
  const slash = rel.lastIndexOf("/");
  const name = rel.slice(slash + 1);
  let module: string;
  if (rule.packageFiles.includes(name)) {
    module = rel.slice(0, Math.max(0, slash));
    if (module === "") return undefined;
  } else {
    module = rel.slice(0, rel.length - ext.length);
  }
  return rule.style === "dotted" ? module.replaceAll("/", ".") : module;
}

/**
 * The `sym://` language names of the registry, then their aliases, each
 * once, in registry order: what a user may write for a language
 * (`ast find --language`, URIs).
 *
 * @example
 * ```ts
 * import { uriLanguageNames } from "./modules.ts";
 * import { ok } from "node:assert/strict";
 * const { names, aliases } = uriLanguageNames();
 * ok(names[0] === "python" && aliases.includes("py"));
 * ```
 */
export function uriLanguageNames(): { names: string[]; aliases: string[] } {
  const names: string[] = [];
  const aliases: string[] = [];
  for (const l of LANGUAGES) {
    if (!names.includes(l.uriName)) names.push(l.uriName);
    if (l.name !== l.uriName) continue;
    for (const a of l.uriAliases) if (!aliases.includes(a)) aliases.push(a);
  }
  return { names, aliases };
}
