/**
 * Byte counting and text decoding shared by the read boundary
 * (boundary.ts, through which every read of segment content goes): disclosure
 * modes, the size cap, binary detection, UTF-8 decoding, and the encoding a
 * Python or Ruby file declares.
 *
 * @module
 */
import { TrifectaError } from "../errors.ts";

/**
 * Every disclosure mode, in order of growing cost: the one list the CLI's
 * `--mode` choices, the MCP tools' `mode` schemas and the readers use.
 *
 * @example
 * ```ts
 * import { DISCLOSURE_MODES } from "./read.ts";
 * import { deepEqual } from "node:assert/strict";
 * deepEqual([...DISCLOSURE_MODES], ["skeleton", "excerpt", "raw"]);
 * ```
 */
export const DISCLOSURE_MODES = ["skeleton", "excerpt", "raw"] as const;

/** How much of a file a command discloses: one of {@linkcode DISCLOSURE_MODES}. */
export type DisclosureMode = typeof DISCLOSURE_MODES[number];

/** Receives the number of bytes each read took. */
export type ReadObserver = (mode: DisclosureMode, bytes: number) => void;

/** Default size cap for source files (2 MiB). */
export const DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024;

const decoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: false });

/** True when the bytes look binary (a NUL byte in the first 8 KiB). */
export function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8192);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return true;
  return false;
}

/** Decode UTF-8, replacing invalid bytes. */
export function decodeUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** Longest encoding name read from a declaration (longer ones are unsupported). */
const MAX_ENCODING_NAME = 40;

/**
 * The encoding a source file declares on its first or second line (Python
 * PEP 263, Ruby's magic comment): `# -*- coding: latin-1 -*-`, `# vim:
 * fileencoding=cp932`. The second line counts only when the first holds a
 * comment or nothing. Undefined when there is none or a UTF-8 BOM starts
 * the file (the BOM decides).
 *
 * @example
 * ```ts
 * import { declaredEncoding } from "./read.ts";
 * import { equal } from "node:assert/strict";
 * const bytes = (s: string) => new TextEncoder().encode(s);
 * equal(declaredEncoding(bytes("#!/usr/bin/python\n# coding: cp932\n")), "cp932");
 * equal(declaredEncoding(bytes("import os\n# coding: cp932\n")), undefined);
 * ```
 */
export function declaredEncoding(
  bytes: Uint8Array,
  options: { rules?: EncodingRules } = {},
): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return undefined;
  const magic = options.rules === "magic_comment";
  let start = 0;
  let first = "";
  for (let line = 0; line < 2 && start < bytes.length; line++) {
    let end = start;
    while (end < bytes.length && bytes[end] !== 10 && bytes[end] !== 13) end++;
    // Latin-1: one character per byte; the declaration itself is ASCII.
    const text = String.fromCharCode(...bytes.subarray(start, Math.min(end, start + 4096)));
    const m = magic ? rubyMagicComment(text) : PEP_263.exec(text)?.[1];
    if (m !== undefined) return m.slice(0, MAX_ENCODING_NAME + 1);
    if (line === 0) first = text;
    // Python reads line 2 after a comment or blank line 1; Ruby only after `#!`.
    if (magic ? !first.startsWith("#!") : !/^[ \t\f]*(?:#|$)/.test(text)) return undefined;
    start = end + (bytes[end] === 13 && bytes[end + 1] === 10 ? 2 : 1);
  }
  return undefined;
}

/** Which language's rules read an encoding declaration. */
export type EncodingRules = "pep263" | "magic_comment";

const PEP_263 = /^[ \t\f]*#.*?coding[:=][ \t]*([-_.a-zA-Z0-9]+)/;

/**
 * Ruby's magic comment, as ruby 3.1 reads it (checked form by form): a
 * comment line holding `coding:` or `encoding:` in any case, blanks allowed
 * around the colon, not glued to a word or `-` before it (`xcoding:`,
 * `fileencoding:` are not); `=` only in vim's `fileencoding=`.
 */
function rubyMagicComment(line: string): string | undefined {
  if (!/^[ \t]*#/.test(line)) return undefined;
  return /(?<![\w-])(?:en)?coding[ \t]*:[ \t]*([\w.-]+)/i.exec(line)?.[1] ??
    /\bvim?:.*\bfileencoding=([\w.-]+)/i.exec(line)?.[1];
}

/** Python's names for encodings the WHATWG decoders know under other labels. */
const ENCODING_ALIASES: Readonly<Record<string, string>> = {
  "u8": "utf-8",
  "utf": "utf-8",
  "cp65001": "utf-8",
  // Ruby's names for bytes as they are: an ASCII-compatible reading keeps the structure.
  "binary": "iso-8859-1",
  "ascii-8bit": "iso-8859-1",
  "eucjp-ms": "euc-jp",
  "cp51932": "euc-jp",
  "ascii": "utf-8",
  "us-ascii": "utf-8",
  "646": "utf-8",
  "cp932": "shift_jis",
  "ms932": "shift_jis",
  "mskanji": "shift_jis",
  "ms-kanji": "shift_jis",
  "s-jis": "shift_jis",
  "shiftjis": "shift_jis",
  "shift-jis-2004": "shift_jis",
  "shift-jisx0213": "shift_jis",
  "eucjp": "euc-jp",
  "ujis": "euc-jp",
  "u-jis": "euc-jp",
  "euc-jis-2004": "euc-jp",
  "euc-jisx0213": "euc-jp",
  "cp936": "gbk",
  "ms936": "gbk",
  "936": "gbk",
  "euc-cn": "gbk",
  "euccn": "gbk",
  "cp950": "big5",
  "ms950": "big5",
  "big5-tw": "big5",
  "big5hkscs": "big5",
  "hkscs": "big5",
  "cp949": "euc-kr",
  "ms949": "euc-kr",
  "uhc": "euc-kr",
  "euckr": "euc-kr",
  "mac-roman": "macintosh",
  "macroman": "macintosh",
  "mac-cyrillic": "x-mac-cyrillic",
  "cp866": "ibm866",
  "cp874": "windows-874",
  "tis-620": "windows-874",
};

/**
 * The WHATWG decoder (its encoding name) to decode a declared encoding with, or undefined when
 * no decoder here reads it as Python and Ruby would (`utf-7`, `utf-16`,
 * `rot13`, `unicode_escape`, an unknown name): such a file cannot be shown
 * as its interpreter reads it.
 *
 * @example
 * ```ts
 * import { decoderLabel } from "./read.ts";
 * import { equal } from "node:assert/strict";
 * equal(decoderLabel("utf-8-unix"), "utf-8");
 * equal(decoderLabel("Latin_1"), "windows-1252");
 * equal(decoderLabel("cp932"), "shift_jis");
 * equal(decoderLabel("utf-7"), undefined);
 * ```
 */
export function decoderLabel(declared: string): string | undefined {
  if (declared.length > MAX_ENCODING_NAME) return undefined;
  const name = declared.toLowerCase().replaceAll("_", "-");
  // As CPython's tokenizer: "utf-8-…" is UTF-8, "latin-1-…" Latin-1.
  if (/^utf-?8(?:-|$)/.test(name)) return "utf-8";
  const label = /^(?:latin-?1|iso-?8859-1|iso-latin-1|l1|cp819|8859)(?:-|$)/.test(name)
    ? "iso-8859-1" // WHATWG reads it as windows-1252: only bytes 0x80–0x9F differ
    : ENCODING_ALIASES[name] ?? name.replace(/^iso8859-/, "iso-8859-");
  try {
    const encoding = new TextDecoder(label).encoding;
    // Not ASCII-compatible, the WHATWG "replacement" decoder, or stateful
    // (ISO-2022-JP's decoder turns a line end inside a JIS run into U+FFFD,
    // which would join two of Python's lines): not what Python reads.
    return /^(?:utf-16|replacement|iso-2022-jp)/.test(encoding) ? undefined : encoding;
  } catch (err) {
    if (err instanceof RangeError) return undefined; // an encoding no decoder here knows
    throw err;
  }
}

/** Options of {@linkcode decodeSource}. */
export interface DecodeSourceOptions {
  /** The rules of a language whose files may declare their encoding (Python's PEP 263, Ruby's). */
  declares?: EncodingRules;
  /** The file as errors name it. */
  shown?: string;
}

/**
 * A source file's text as its interpreter reads it: UTF-8, or the encoding
 * the file declares when its language lets it declare one. A Shift_JIS
 * file read as UTF-8 turns a trail byte `\` into an escape that swallows the
 * closing quote, and `# coding: utf-7` lets `+AAo-` end a comment: both
 * would hide code from the skeleton that Python runs.
 *
 * @example
 * ```ts
 * import { decodeSource } from "./read.ts";
 * import { equal, throws } from "node:assert/strict";
 * const sjis = new Uint8Array([...new TextEncoder().encode("# coding: cp932\ns = '"), 0x95, 0x5c, 0x27]);
 * equal(decodeSource(sjis, { declares: "pep263" }), "# coding: cp932\ns = '表'");
 * throws(() => decodeSource(new TextEncoder().encode("# coding: utf-7\n"), { declares: "pep263" }));
 * ```
 *
 * @throws {TrifectaError} `UNSUPPORTED_ENCODING` for a declared encoding no
 * decoder here reads.
 */
export function decodeSource(bytes: Uint8Array, options: DecodeSourceOptions = {}): string {
  const declared = options.declares
    ? declaredEncoding(bytes, { rules: options.declares })
    : undefined;
  if (declared === undefined) return decoder.decode(bytes);
  const label = decoderLabel(declared);
  if (label === undefined) {
    const name = declared.length > MAX_ENCODING_NAME
      ? `${declared.slice(0, MAX_ENCODING_NAME)}…`
      : declared;
    throw new TrifectaError(
      "UNSUPPORTED_ENCODING",
      `File declares an encoding trifecta cannot decode as its interpreter would (${name}): ${
        options.shown ?? "the file"
      }`,
      { details: { encoding: name }, nextSteps: ["Save the file as UTF-8"] },
    );
  }
  return label === "utf-8" ? decoder.decode(bytes) : new TextDecoder(label).decode(bytes);
}
