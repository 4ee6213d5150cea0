/**
 * What the language registry (lib/languages) says about the files language
 * servers read: the extensions they load as code, the config files they
 * read from the segment (each entry's `servers[].configFiles`, checked by
 * the segment guard), and the directories of installed libraries their
 * answers point into (each entry's `libraryDirs`). The union over the
 * registry: one segment may hold several languages.
 *
 * @module
 */
import { LANGUAGES } from "../languages/mod.ts";
import type { ConfigFileRule, ConfigFormat } from "../languages/types.ts";

/** One glob component as a regex source: `*` any run but `/`, `?` one, `[…]` a class. */
function globSource(glob: string): string {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] ?? "";
    const close = c === "[" ? glob.indexOf("]", i + 2) : -1;
    if (close > 0) {
      out += glob.slice(i, close + 1).replace(/\\/g, "\\\\");
      i = close;
    } else if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else out += c.replace(/[.+^${}()|[\]\\/]/g, "\\$&");
  }
  return out;
}

/**
 * A test for directory globs ({@linkcode LanguageSpec.libraryDirs}): true
 * when a run of a path's directories matches a glob (from the root when
 * the glob starts with `/`), with something below it.
 *
 * @example
 * ```ts
 * import { dirGlobTest } from "./server_files.ts";
 * import { equal } from "node:assert/strict";
 * const test = dirGlobTest(["lib/v[0-9]*", "/opt/inc"]);
 * equal(test("/usr/lib/v3.12/os.x"), true);
 * equal(test("/usr/lib/vendor/os.x"), false);
 * equal(test("/opt/inc/a.x"), true);
 * equal(test("/home/opt/inc/a.x"), false);
 * ```
 */
export function dirGlobTest(globs: readonly string[]): (path: string) => boolean {
  const anchored = globs.filter((g) => g.startsWith("/")).map((g) => globSource(g.slice(1)));
  const anywhere = globs.filter((g) => !g.startsWith("/")).map(globSource);
  const parts = [
    ...(anchored.length > 0 ? [`^/(?:${anchored.join("|")})/`] : []),
    ...(anywhere.length > 0 ? [`/(?:${anywhere.join("|")})/`] : []),
  ];
  if (parts.length === 0) return () => false;
  const re = new RegExp(parts.join("|"));
  return (path) => re.test(path);
}

const LIBRARY_DIR = dirGlobTest(LANGUAGES.flatMap((l) => l.libraryDirs ?? []));

/**
 * True when an absolute path lies in an installed library of any language
 * of the registry (its `libraryDirs`: site-packages, `node_modules`,
 * `/usr/include` …).
 */
export function isLibraryPath(abs: string): boolean {
  return LIBRARY_DIR(abs);
}

/** Extensions of the languages that have a server, lower case. */
const SERVED_EXTENSIONS: readonly string[] = LANGUAGES.filter((l) => l.servers.length > 0)
  .flatMap((l) => l.extensions.map((e) => e.toLowerCase()));

/** True for a file name a language server may load as code (any case of a served extension). */
export function isServedSource(name: string): boolean {
  const lower = name.toLowerCase();
  return SERVED_EXTENSIONS.some((e) => lower.endsWith(e));
}

interface CompiledRule {
  rule: ConfigFileRule;
  name: RegExp;
}

const CONFIG_RULES: readonly CompiledRule[] = LANGUAGES
  .flatMap((l) => l.servers.flatMap((s) => s.configFiles ?? []))
  .map((rule) => ({ rule, name: new RegExp(`^${globSource(rule.name)}$`) }));

/**
 * The format of a server config named `name` at segment-relative `rel`
 * (`atRoot`: it lies at the segment root), or undefined when no server of
 * the registry reads it there.
 *
 * @example
 * ```ts
 * import { configFormatAt } from "./server_files.ts";
 * import { LANGUAGES } from "../languages/mod.ts";
 * import { equal } from "node:assert/strict";
 * const rule = LANGUAGES.flatMap((l) => l.servers.flatMap((s) => s.configFiles ?? []))[0];
 * if (rule !== undefined && !rule.name.includes("*")) {
 *   equal(configFormatAt(rule.name, rule.name, true), rule.format);
 * }
 * equal(configFormatAt("notes.txt", "notes.txt", true), undefined);
 * ```
 */
export function configFormatAt(
  name: string,
  rel: string,
  atRoot: boolean,
): ConfigFormat | undefined {
  const dirs = rel.split("/").slice(0, -1);
  for (const { rule, name: re } of CONFIG_RULES) {
    if (!re.test(name)) continue;
    if (rule.at === "root" && !atRoot) continue;
    if (rule.ignoreUnder?.some((d) => dirs.includes(d))) continue;
    return rule.format;
  }
  return undefined;
}
