/**
 * JSONC parsing of a config file, bounded: a size cap, a nesting cap checked
 * by the (non-recursive) scanner before the (recursive) parser runs, no
 * duplicate keys, an object at the top. Any problem is `CONFIG_INVALID` with
 * the 1-based line and column in the message and the details. `jsonc-parser`
 * is loaded only when a file exists: commands without one never pay its
 * start-up.
 *
 * @module
 */
import type { Node, ParseError } from "jsonc-parser";
import { TrifectaError } from "../errors.ts";
import { escapeField } from "../escape.ts";

/** Largest config file read (64 KiB); a larger one is `CONFIG_INVALID`. */
export const MAX_CONFIG_BYTES = 64 * 1024;

/** Deepest nesting of objects and arrays accepted (the keys need 3). */
export const MAX_CONFIG_DEPTH = 8;

/** The error code of a config file that cannot be used. */
export const CONFIG_INVALID_CODE = "CONFIG_INVALID";

/** A parsed JSON node of `jsonc-parser` (offsets into the text). */
export type ConfigNode = Node;

/** 1-based line and column (in UTF-16 code units) of `offset` in `text`. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(offset, 0), text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/** Where a problem is: the file as shown and the text it is in. */
export interface ConfigSourceText {
  /** The file as shown to the user (`trifecta.jsonc`, or the user file's path). */
  file: string;
  /** The text (BOM removed). */
  text: string;
}

/**
 * A `CONFIG_INVALID` error at `offset`: `file:line:column: reason`, exit 1.
 *
 * @example
 * ```ts
 * import { configInvalid } from "./parse.ts";
 * import { deepEqual, equal } from "node:assert/strict";
 * const err = configInvalid({ file: "trifecta.jsonc", text: "{\n  x\n}" }, 4, "bad");
 * equal(err.code, "CONFIG_INVALID");
 * equal(err.message, "trifecta.jsonc:2:3: bad");
 * deepEqual(err.details, { file: "trifecta.jsonc", line: 2, column: 3, reason: "bad" });
 * ```
 */
export function configInvalid(
  src: ConfigSourceText,
  offset: number,
  reason: string,
): TrifectaError {
  const { line, column } = lineColumn(src.text, offset);
  return new TrifectaError(CONFIG_INVALID_CODE, `${src.file}:${line}:${column}: ${reason}`, {
    details: { file: src.file, line, column, reason },
    nextSteps: [`Fix ${src.file} (docs/config.md lists every key), or remove it`],
  });
}

/** Longest key shown in a message or warning (a hostile file may hold a 60 KiB key). */
export const MAX_SHOWN_KEY = 100;

/**
 * A key from a file as messages show it: control and bidi characters as
 * visible escapes (a key could hold terminal escapes), at most
 * {@linkcode MAX_SHOWN_KEY} characters.
 *
 * @example
 * ```ts
 * import { shownKey } from "./parse.ts";
 * import { equal } from "node:assert/strict";
 * equal(shownKey("a\x1b[2Jb"), "a\\x1b[2Jb");
 * equal(shownKey("k".repeat(500)).length, 101);
 * ```
 */
export function shownKey(key: string): string {
  const cut = key.length > MAX_SHOWN_KEY ? `${key.slice(0, MAX_SHOWN_KEY)}…` : key;
  return escapeField(cut);
}

/** Drop one leading byte-order mark. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

type JsoncParser = typeof import("jsonc-parser");

async function jsonc(): Promise<JsoncParser> {
  return await import("jsonc-parser");
}

// jsonc-parser's SyntaxKind is an ambient const enum, which isolated modules
// cannot read: its values, as the package defines them.
const OPEN_BRACE = 1;
const CLOSE_BRACE = 2;
const OPEN_BRACKET = 3;
const CLOSE_BRACKET = 4;
const EOF = 17;

/** Refuse nesting deeper than {@linkcode MAX_CONFIG_DEPTH}, before the recursive parser sees it. */
function checkDepth(p: JsoncParser, src: ConfigSourceText): void {
  const scanner = p.createScanner(src.text, true);
  let depth = 0;
  for (let kind = scanner.scan(); kind !== EOF; kind = scanner.scan()) {
    if (kind === OPEN_BRACE || kind === OPEN_BRACKET) {
      if (++depth > MAX_CONFIG_DEPTH) {
        throw configInvalid(
          src,
          scanner.getTokenOffset(),
          `nested deeper than ${MAX_CONFIG_DEPTH}`,
        );
      }
    } else if (kind === CLOSE_BRACE || kind === CLOSE_BRACKET) {
      depth = Math.max(0, depth - 1);
    }
  }
}

/** Refuse a key given twice in one object: which one wins would be a guess. */
function checkDuplicates(node: Node, src: ConfigSourceText): void {
  if (node.type === "object") {
    const seen = new Set<string>();
    for (const prop of node.children ?? []) {
      const keyNode = prop.children?.[0];
      const key = String(keyNode?.value ?? "");
      if (seen.has(key)) {
        throw configInvalid(
          src,
          keyNode?.offset ?? prop.offset,
          `duplicate key "${shownKey(key)}"`,
        );
      }
      seen.add(key);
    }
  }
  for (const child of node.children ?? []) checkDuplicates(child, src);
}

/**
 * Parse a config file's text: comments and trailing commas allowed, a BOM
 * dropped; the root must be an object.
 *
 * @example
 * ```ts
 * import { parseConfigText } from "./parse.ts";
 * import { equal, rejects } from "node:assert/strict";
 * const root = await parseConfigText({ file: "t.jsonc", text: '{ /* c *\/ "a": [1,], }' });
 * equal(root.type, "object");
 * await rejects(parseConfigText({ file: "t.jsonc", text: '{"a": 1 "b": 2}' }), {
 *   code: "CONFIG_INVALID",
 *   message: "t.jsonc:1:9: CommaExpected",
 * });
 * ```
 *
 * @throws {TrifectaError} `CONFIG_INVALID` with line and column.
 */
export async function parseConfigText(src: ConfigSourceText): Promise<ConfigNode> {
  const text = stripBom(src.text);
  const at = { file: src.file, text };
  if (text.length > MAX_CONFIG_BYTES) {
    throw configInvalid(at, MAX_CONFIG_BYTES, `larger than ${MAX_CONFIG_BYTES} bytes`);
  }
  const p = await jsonc();
  checkDepth(p, at);
  const errors: ParseError[] = [];
  const root = p.parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  const first = errors[0];
  if (first !== undefined) {
    throw configInvalid(at, first.offset, p.printParseErrorCode(first.error));
  }
  if (root === undefined || root.type !== "object") {
    throw configInvalid(at, root?.offset ?? 0, "the file must hold one object ({ … })");
  }
  checkDuplicates(root, at);
  return root;
}
