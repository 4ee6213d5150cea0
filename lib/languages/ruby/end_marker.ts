/**
 * Ruby ends a program at a line that is exactly `__END__`; with anything
 * after it on the line (`__END__ rescue nil`) it is an ordinary name and the
 * code after it runs, but tree-sitter's Ruby grammar ends the program there
 * too and would hide that code. {@linkcode rubyLexerText} renames such a
 * `__END__` to a plain name of the same length.
 *
 * @module
 */

const NOT_AN_END = /^__END__(?!\r?$)/gm;

/**
 * `text` with every `__END__` that Ruby does not read as the end of the
 * program written as a plain name (same length).
 *
 * @example
 * ```ts
 * import { rubyLexerText } from "./end_marker.ts";
 * import { equal } from "node:assert/strict";
 * equal(rubyLexerText("a\n__END__ rescue nil\ndef b; end\n"), "a\n_______ rescue nil\ndef b; end\n");
 * equal(rubyLexerText("a\n__END__\ndata\n"), "a\n__END__\ndata\n");
 * ```
 */
export function rubyLexerText(text: string): string {
  if (!text.includes("__END__")) return text;
  return text.replace(NOT_AN_END, "_______");
}
