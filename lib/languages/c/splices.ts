/**
 * C and C++ line splices (translation phase 2): a backslash at a line's end
 * joins the next line to it before any token is read, so `*\⏎/` closes a
 * block comment and `hid\⏎den` is one name. tree-sitter reads the text as
 * written and would hide the code after such a comment, or list the wrong
 * name. {@linkcode joinSplices} rewrites the text at the same length: each
 * logical line's pieces are joined, and the line ends its splices removed
 * are put back at the logical line's end (so every later line keeps its
 * number; the joined pieces count as the logical line's first). gcc and
 * clang also take a backslash followed by blanks before the line end (with
 * a warning), and so does this. A preprocessor directive's continuations
 * (most splices in real code: `#define` bodies) stay as written: tree-sitter
 * reads them itself.
 *
 * @module
 */

const SPLICE = /\\[ \t]*(\r?\n)/g;

/**
 * `text` with its line splices joined, at the same length, with the same
 * number of line ends before every line that follows a spliced one.
 *
 * @example
 * ```ts
 * import { joinSplices } from "./splices.ts";
 * import { equal } from "node:assert/strict";
 * equal(joinSplices("int hid\\\nden(void);\nint x;\n"), "int hidden(void); \n\nint x;\n");
 * equal(joinSplices("#define A 1 \\\n  + 2\n"), "#define A 1 \\\n  + 2\n");
 * const close = "*" + "/";
 * equal(joinSplices(`/* a *\\\n/ int f(void);\n`), `/* a ${close} int f(void); \n\n`);
 * ```
 */
export function joinSplices(text: string): string {
  SPLICE.lastIndex = 0;
  if (!SPLICE.test(text)) return text;
  let out = "";
  let pos = 0;
  SPLICE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = SPLICE.exec(text)) !== null) {
    // One logical line: from `pos` through every splice that follows on.
    const start = pos;
    const directive = /^[ \t]*#/.test(text.slice(text.lastIndexOf("\n", m.index - 1) + 1, m.index));
    let joined = text.slice(start, m.index);
    let moved = "";
    let pad = 0;
    let at = m.index + m[0].length;
    moved += m[1];
    pad += m[0].length - (m[1]?.length ?? 0);
    for (;;) {
      const nl = text.indexOf("\n", at);
      const lineEnd = nl < 0 ? text.length : nl;
      SPLICE.lastIndex = at;
      const next = SPLICE.exec(text);
      if (next === null || next.index + next[0].length - 1 > lineEnd) {
        // The logical line ends at `lineEnd` (a line end that is no splice).
        const tail = text.slice(at, lineEnd);
        const cr = tail.endsWith("\r") ? "\r" : "";
        joined += cr ? tail.slice(0, -1) : tail;
        // A directive (`#define` over many lines) stays as written: tree-sitter
        // reads its continuations itself, and its lines keep their numbers.
        out += directive ? text.slice(start, lineEnd) : joined + " ".repeat(pad) + moved + cr;
        pos = lineEnd;
        SPLICE.lastIndex = lineEnd;
        break;
      }
      joined += text.slice(at, next.index);
      moved += next[1];
      pad += next[0].length - (next[1]?.length ?? 0);
      at = next.index + next[0].length;
    }
  }
  return out + text.slice(pos);
}
