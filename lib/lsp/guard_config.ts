/**
 * The server-config rule of the segment guard (`unsafe_server_config`, see
 * lib/lsp/segment_guard.ts): which files are a language server's config
 * (the registry's `configFiles`, lib/lsp/server_files.ts), and whether one
 * names a path outside the segment, by the reader of its format — judged on decoded
 * values (JSONC parsed by jsonc-parser), on the `[tool.pyright]` tables of a
 * pyproject.toml in the one plain form understood here, on the
 * directories a `.pth` file adds, and on the paths native servers' configs
 * name (lib/lsp/guard_native.ts: compile flags, `go.mod` replacements). Anything not fully understood fails
 * closed.
 *
 * @module
 */
import { parse as parseJsonc, type ParseError } from "jsonc-parser";
import { dirname, resolve } from "../path.ts";
import { isDenied, isWithin, readInsideSync, type Segment } from "../segment/mod.ts";
import type { ConfigFormat } from "../languages/types.ts";
import { nativeConfigPaths } from "./guard_native.ts";

/** The segment-relative path of `abs` (which lies inside `root`); `.` for the root. */
export function segmentRel(root: string, abs: string): string {
  if (abs === root) return ".";
  return abs.slice(root.endsWith("/") ? root.length : root.length + 1);
}

/** Every string value of a parsed JSON document (object keys are not values). */
function jsonStrings(value: unknown, out: string[], top = true): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) { for (const v of value) jsonStrings(v, out, false); }
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      // The editor's schema URL: no server reads it.
      if (!(top && k === "$schema")) jsonStrings(v, out, false);
    }
  }
  return out;
}

/** A string token of a TOML text: its raw content and where it stands. */
interface TomlToken {
  /** Raw characters (a string's content without quotes; escapes not decoded). */
  text: string;
  /** True for a quoted string. */
  quoted: boolean;
  /** True in a table header, before `=` on a key line, or inside an inline table. */
  keyLike: boolean;
  /** True inside a `[...]` header line. */
  header: boolean;
}

/**
 * Cut a TOML text into words and strings, marking those in key position
 * (headers, keys, anything inside an inline table). Only as much TOML as
 * needed to tell where the name `pyright` stands; comments are dropped.
 */
function tomlTokens(toml: string): TomlToken[] {
  const out: TomlToken[] = [];
  let i = 0;
  let lineStart = true;
  let key = true;
  let header = false;
  const stack: string[] = [];
  while (i < toml.length) {
    const c = toml[i];
    if (c === "\n") {
      i++;
      if (stack.length === 0 || header) {
        lineStart = true;
        key = true;
        header = false;
        stack.length = 0;
      }
      continue;
    }
    if (c === " " || c === "\t" || c === "\r") {
      i++;
      continue;
    }
    if (c === "#") {
      while (i < toml.length && toml[i] !== "\n") i++;
      continue;
    }
    const inline = stack.includes("{");
    if (c === '"' || c === "'") {
      const triple = toml.startsWith(c + c + c, i);
      const close = triple ? c + c + c : c;
      let j = i + close.length;
      while (j < toml.length && !toml.startsWith(close, j)) {
        if (c === '"' && toml[j] === "\\") j++;
        else if (!triple && toml[j] === "\n") break;
        j++;
      }
      out.push({
        text: toml.slice(i + close.length, j),
        quoted: true,
        keyLike: key || inline || header,
        header,
      });
      i = Math.min(toml.length, j + close.length);
      lineStart = false;
      continue;
    }
    if (c === "[" && lineStart && stack.length === 0) header = true;
    lineStart = false;
    if (c === "[" || c === "{") stack.push(c);
    else if ((c === "]" || c === "}") && !header) stack.pop();
    else if (c === "=" && stack.length === 0) key = false;
    const word = /^[A-Za-z0-9_+.:-]+/.exec(toml.slice(i, i + 256));
    if (word) {
      out.push({ text: word[0], quoted: false, keyLike: key || inline || header, header });
      i += word[0].length;
      continue;
    }
    i++;
  }
  return out;
}

/** A pyright table header in its one accepted form. */
const PYRIGHT_HEADER = /^\s*\[\[?tool\.(based)?pyright(\.[A-Za-z0-9_-]+)*\]\]?\s*(#.*)?$/;

/** Any other header. */
const ANY_HEADER = /^\s*\[/;

const TOML_STRING = String.raw`(?:"[^"\\\n]*"|'[^'\n]*')`;

/** A key line of a pyright table as it is accepted: a bare key, one simple one-line value. */
const SIMPLE_LINE = new RegExp(
  String
    .raw`^\s*[A-Za-z0-9_-]+\s*=\s*(?:${TOML_STRING}|\[\s*(?:${TOML_STRING}\s*(?:,\s*${TOML_STRING}\s*)*,?\s*)?\]|true|false|[+-]?\d+(?:\.\d+)?)\s*(?:#.*)?$`,
);

/**
 * The string values of a pyproject.toml's pyright tables, or undefined when
 * the text names pyright in a form not fully understood here (fail closed).
 */
function pyprojectStrings(toml: string): string[] | undefined {
  for (const t of tomlTokens(toml)) {
    if (!t.keyLike) continue; // a value such as a dependency "pyright>=1.1"
    if (t.quoted && t.text.includes("\\")) return undefined; // an escaped key may spell it
    if (/pyright/i.test(t.text) && !t.header) return undefined;
  }
  const values: string[] = [];
  let inside = false;
  for (const line of toml.split(/\r?\n/)) {
    if (ANY_HEADER.test(line)) {
      const isPyright = PYRIGHT_HEADER.test(line);
      if (!isPyright && /pyright/i.test(line.replace(/#.*$/, ""))) return undefined; // `[ tool . pyright ]`
      inside = isPyright;
      continue;
    }
    if (!inside || /^\s*(#.*)?$/.test(line)) continue;
    if (!SIMPLE_LINE.test(line)) return undefined;
    const value = line.slice(line.indexOf("=") + 1);
    for (const m of value.matchAll(/"([^"\\\n]*)"|'([^'\n]*)'/g)) values.push(m[1] ?? m[2] ?? "");
  }
  return values;
}

/** The directories a `.pth` file adds to the search path (import lines are code, not paths). */
function pthStrings(text: string): string[] {
  return text.split(/\r?\n/).filter((l) => l.trim() !== "" && !/^\s*(#|import[\s\t])/.test(l));
}

/** A value with a URI scheme (`file:`, `vscode-remote:`); a drive letter has one letter. */
const URI_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]+:/;

/** True when a config string names a path outside the segment (or anything but a plain path). */
function leavesSegment(segment: Segment, configDir: string, value: string): boolean {
  const v = value.trim();
  if (v === "") return false;
  if (URI_SCHEME.test(v)) return true;
  if (/^(~|\$HOME|\$\{HOME\}|\$\{env:|\\\\|[A-Za-z]:[\\/])/.test(v)) return true;
  if (v.length > 4096 || /[\n\r\0]/.test(v)) return true; // not a path a careful config holds
  // Relative values are judged too: `extraPaths: [".git/hooks"]` lands on a denied directory.
  const target = resolve(configDir, v.replace(/\\/g, "/").replace(/\$\{workspaceFolder\}/g, "."));
  return !isWithin(segment.root, target) || isDenied(segmentRel(segment.root, target));
}

/** The string values of a server config to judge, or undefined when it cannot be judged. */
function configStrings(text: string, format: ConfigFormat, dir: string): string[] | undefined {
  if (format === "pyproject") return pyprojectStrings(text);
  if (format === "pth") return pthStrings(text);
  if (format !== "jsonc") return nativeConfigPaths(text, format, dir);
  const errors: ParseError[] = [];
  const parsed = parseJsonc(text, errors, { allowTrailingComma: true });
  return errors.length > 0 ? undefined : jsonStrings(parsed, []);
}

/** True when a server config file names a path outside the segment (or cannot be judged). */
export function configLeaves(segment: Segment, abs: string, format: ConfigFormat): boolean {
  let text: string;
  try {
    text = readInsideSync(segment, abs).text;
  } catch (err) {
    // A config the boundary refuses (too large, binary, swapped) cannot be
    // checked: the server would still read it, so it counts as unsafe.
    if (err instanceof Error) return true;
    throw err;
  }
  const dir = dirname(abs);
  const values = configStrings(text, format, dir);
  if (values === undefined) return true;
  return values.some((s) => leavesSegment(segment, dir, s));
}
