/**
 * The keys of a config file and how each value is read: a table of readers,
 * one per dotted key. A wrong type or value is `CONFIG_INVALID` (with line
 * and column); an unknown key is a `CONFIG_KEY_UNKNOWN` warning, so a file
 * written for a newer trifecta still works. Every list and string is bounded.
 *
 * @module
 */
import { isAbsolute } from "../path.ts";
import { configInvalid, type ConfigNode, type ConfigSourceText, shownKey } from "./parse.ts";
import { serverNames } from "./servers.ts";
import {
  type ConfigLayer,
  type ConfigWarning,
  LSP_DAEMON_MODES,
  TELEMETRY_DIR_CHOICES,
  TELEMETRY_LEVEL_NAMES,
} from "./types.ts";

/** Most entries of `trusted_segments`. */
export const MAX_LIST_ENTRIES = 256;
/**
 * Most globs in `ignore` or `deny`, and their longest: every walked path is
 * matched against each, so a file that comes with the checkout bounds the
 * work it causes (with the linear matcher, at most about 64 × 128 × 255
 * steps per path component).
 */
export const MAX_GLOBS = 64;
/** Longest glob accepted (characters). */
export const MAX_GLOB_CHARS = 128;
/**
 * Most `**` in one glob: the ignore engine's RegExp costs O(depth²) per path
 * with one, O(depth³) with two (9.5 s for one 2,000-deep path), more beyond.
 */
export const MAX_GLOBSTARS = 1;
/** Longest glob or path accepted (characters). */
export const MAX_STRING_CHARS = 4096;
/** Largest budget accepted. */
export const MAX_BUDGET = 1_000_000;
/** Most `lsp.servers` entries, and most arguments of one server command. */
export const MAX_SERVERS = 64;

/** What one file sets, and the user file's trusted segments. */
export interface ReadLayer {
  /** The settings. */
  layer: ConfigLayer;
  /** `trusted_segments` (user file only; empty otherwise). */
  trusted: string[];
  /** Unknown keys and keys out of place. */
  warnings: ConfigWarning[];
}

type Reader = (node: ConfigNode, src: ConfigSourceText, key: string) => unknown;

function bad(src: ConfigSourceText, node: ConfigNode, key: string, want: string): never {
  throw configInvalid(src, node.offset, `${key}: expected ${want}`);
}

function readBool(node: ConfigNode, src: ConfigSourceText, key: string): boolean {
  return node.type === "boolean" ? node.value === true : bad(src, node, key, "true or false");
}

function choice(values: readonly string[]): Reader {
  return (node, src, key) =>
    node.type === "string" && values.includes(String(node.value))
      ? String(node.value)
      : bad(src, node, key, `one of ${values.map((v) => `"${v}"`).join(", ")}`);
}

function readBudget(node: ConfigNode, src: ConfigSourceText, key: string): number {
  const v = node.value;
  if (node.type === "number" && Number.isInteger(v) && v >= 1 && v <= MAX_BUDGET) return v;
  return bad(src, node, key, `an integer from 1 to ${MAX_BUDGET}`);
}

// Control characters have no place in a glob, a path or an argument.
// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/;

/** A bounded string without control characters. */
function readString(node: ConfigNode, src: ConfigSourceText, key: string): string {
  const v = node.value;
  if (node.type === "string" && v !== "" && v.length <= MAX_STRING_CHARS && !CONTROL.test(v)) {
    return v;
  }
  return bad(src, node, key, `a non-empty string of at most ${MAX_STRING_CHARS} characters`);
}

function readStrings(node: ConfigNode, src: ConfigSourceText, key: string, max: number): string[] {
  if (node.type !== "array") bad(src, node, key, "an array of strings");
  const items = node.children ?? [];
  if (items.length > max) bad(src, node, key, `at most ${max} entries`);
  return items.map((item) => readString(item, src, key));
}

/**
 * A glob of `ignore` or `deny`: never a negation (`!x` would un-ignore what
 * `.gitignore` hides) and never a `..` component (nothing outside the
 * segment is walked or named).
 */
function readGlobs(node: ConfigNode, src: ConfigSourceText, key: string): string[] {
  const globs = readStrings(node, src, key, MAX_GLOBS);
  (node.children ?? []).forEach((item, i) => {
    const g = globs[i] ?? "";
    if (g.length > MAX_GLOB_CHARS) {
      bad(src, item, key, `globs of at most ${MAX_GLOB_CHARS} characters`);
    }
    if (g.startsWith("!")) bad(src, item, key, "a glob that adds (a leading ! is not accepted)");
    if (g.split("/").includes("..")) bad(src, item, key, "a glob without a .. component");
  });
  return globs;
}

function readServers(
  node: ConfigNode,
  src: ConfigSourceText,
  key: string,
): Record<string, string[]> {
  if (node.type !== "object") bad(src, node, key, "an object of language name → [command, args…]");
  const props = node.children ?? [];
  if (props.length > MAX_SERVERS) bad(src, node, key, `at most ${MAX_SERVERS} servers`);
  const out: Record<string, string[]> = {};
  for (const prop of props) {
    const [name, value] = prop.children ?? [];
    const n = String(name?.value ?? "");
    const names = serverNames();
    if (!names.includes(n)) bad(src, name ?? prop, key, `language names (${names.join(", ")})`);
    if (value === undefined) bad(src, prop, key, "a command");
    const argv = readStrings(value, src, `${key}.${n}`, MAX_SERVERS);
    if (argv.length === 0) bad(src, value, `${key}.${n}`, "a command (a non-empty array)");
    out[n] = argv;
  }
  return out;
}

/** Every key a file may set, and its reader. */
const READERS: Readonly<Record<string, Reader>> = {
  "cache.persist": readBool,
  "telemetry.level": choice(TELEMETRY_LEVEL_NAMES),
  "telemetry.dir": choice(TELEMETRY_DIR_CHOICES),
  "budgets.ctx_get": readBudget,
  "budgets.snippet": readBudget,
  "budgets.map": readBudget,
  "budgets.mcp": readBudget,
  "ignore": readGlobs,
  "deny": readGlobs,
  "lsp.daemon": choice(LSP_DAEMON_MODES),
  "lsp.servers": readServers,
};

/** The sections that hold dotted keys. */
const SECTIONS: ReadonlySet<string> = new Set(["cache", "telemetry", "budgets", "lsp"]);

/** Too many `**` in a glob: ignored with a warning (a valid glob, but too costly to match). */
function costlyGlob(g: string): boolean {
  return (g.match(/\*\*/g) ?? []).length > MAX_GLOBSTARS;
}

/**
 * The globs whose matching cost is bounded: each `**` becomes an optional
 * any-directories group in the ignore engine's RegExp, and many backtrack on
 * a deep path. The others are
 * dropped, each with a `CONFIG_VALUE_IGNORED` warning; the command runs.
 */
function boundedGlobs(read: unknown, key: string, src: ConfigSourceText, out: ReadLayer): string[] {
  const globs = Array.isArray(read) ? read.filter((g): g is string => typeof g === "string") : [];
  for (const g of globs.filter(costlyGlob)) {
    out.warnings.push({
      code: "CONFIG_VALUE_IGNORED",
      key,
      message: `${src.file}: ${key} glob ${shownKey(g)} ignored: more than ${MAX_GLOBSTARS} ** ` +
        "(matching it could take hours on a deep tree)",
    });
  }
  return globs.filter((g) => !costlyGlob(g));
}

/** Read one `key: value` into the layer, or warn it is unknown. */
function readEntry(dotted: string, value: ConfigNode, src: ConfigSourceText, out: ReadLayer): void {
  // Own keys only: `__proto__` or `constructor` in a file name no reader.
  const reader = Object.hasOwn(READERS, dotted) ? READERS[dotted] : undefined;
  if (reader === undefined) {
    const shown = shownKey(dotted);
    out.warnings.push({
      code: "CONFIG_KEY_UNKNOWN",
      key: shown,
      message: `${src.file}: unknown key ${shown} ignored (docs/config.md lists every key)`,
    });
    return;
  }
  const read = reader(value, src, dotted);
  // The table's readers return the type of their key (ConfigLayer[dotted]).
  Object.assign(out.layer, {
    [dotted]: dotted === "ignore" || dotted === "deny"
      ? boundedGlobs(read, dotted, src, out)
      : read,
  });
}

/** `trusted_segments`: only the user file may hold it. */
function readTrusted(value: ConfigNode, src: ConfigSourceText, userFile: boolean, out: ReadLayer) {
  if (userFile) {
    const all = readStrings(value, src, "trusted_segments", MAX_LIST_ENTRIES);
    for (const p of all.filter((p) => !isAbsolute(p))) {
      out.warnings.push({
        code: "CONFIG_VALUE_IGNORED",
        key: "trusted_segments",
        message: `${src.file}: trusted_segments entry ${shownKey(p)} ignored: not an absolute ` +
          "path (a relative one would name another directory from each working directory)",
      });
    }
    out.trusted = all.filter((p) => isAbsolute(p));
    return;
  }
  out.warnings.push({
    code: "CONFIG_KEY_UNTRUSTED",
    key: "trusted_segments",
    message: `${src.file}: trusted_segments ignored: only the user file may trust a segment`,
  });
}

/**
 * Read a parsed file into a layer. `userFile` allows `trusted_segments`.
 *
 * @example
 * ```ts
 * import { parseConfigText } from "./parse.ts";
 * import { readLayer } from "./schema.ts";
 * import { deepEqual, equal, rejects } from "node:assert/strict";
 * const src = { file: "trifecta.jsonc", text: '{"cache": {"persist": false}, "colour": 1}' };
 * const read = readLayer(await parseConfigText(src), src, { userFile: false });
 * deepEqual(read.layer, { "cache.persist": false });
 * equal(read.warnings[0]?.code, "CONFIG_KEY_UNKNOWN");
 * const wrong = { file: "trifecta.jsonc", text: '{"lsp": {"daemon": "always"}}' };
 * await rejects(async () => readLayer(await parseConfigText(wrong), wrong, { userFile: false }), {
 *   code: "CONFIG_INVALID",
 * });
 * ```
 *
 * @throws {TrifectaError} `CONFIG_INVALID` for a wrong type or value.
 */
export function readLayer(
  root: ConfigNode,
  src: ConfigSourceText,
  options: { userFile: boolean },
): ReadLayer {
  const out: ReadLayer = { layer: {}, trusted: [], warnings: [] };
  for (const prop of root.children ?? []) {
    const [keyNode, value] = prop.children ?? [];
    const key = String(keyNode?.value ?? "");
    if (value === undefined) continue;
    if (key === "trusted_segments") readTrusted(value, src, options.userFile, out);
    else if (SECTIONS.has(key)) {
      if (value.type !== "object") bad(src, value, key, "an object");
      for (const sub of value.children ?? []) {
        const [subKey, subValue] = sub.children ?? [];
        if (subValue !== undefined) {
          readEntry(`${key}.${String(subKey?.value ?? "")}`, subValue, src, out);
        }
      }
    } else readEntry(key.includes(".") ? `"${key}"` : key, value, src, out);
  }
  return out;
}
