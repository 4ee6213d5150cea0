/**
 * Java's Unicode escapes (JLS §3.3): javac translates every `\uXXXX` before
 * it lexes, so `// note \u000a void run() {}` is a method, and
 * `/* \u002a\u002f void run() {} /* *\/` one too. tree-sitter lexes the
 * escapes as written, and would hide such code from the skeleton.
 * {@linkcode javaLexerText} rewrites, at the same length, the escapes that
 * change how the text lexes: a line comment that an escaped line end closes
 * is blanked up to it; an escaped `"`, `'`, `\`, `*` or `/` that ends (or
 * escapes inside) a literal or a block comment, and every escape of an
 * ASCII character in code, is written as its character, the spaces it
 * frees moved before the word it belongs to. Other escapes stay as written.
 *
 * @module
 */

/** Where the lexer is. */
type State = "code" | "line" | "block" | "string" | "char" | "textblock";

const ESCAPE = /\\u+([0-9a-fA-F]{4})/y;

/** One character as javac reads it: from `start` to `end` in the raw text. */
interface Unit {
  ch: string;
  start: number;
  end: number;
  escaped: boolean;
}

/** Reads logical characters; an escape needs an even run of raw backslashes before it. */
class Reader {
  #rawBackslashes = 0;
  constructor(readonly text: string, public at = 0) {}

  peek(at = this.at): Unit | undefined {
    const t = this.text;
    if (at >= t.length) return undefined;
    if (t.charCodeAt(at) === 92 && t.charCodeAt(at + 1) === 117 && this.#rawBackslashes % 2 === 0) {
      ESCAPE.lastIndex = at;
      const m = ESCAPE.exec(t);
      if (m) {
        const ch = String.fromCharCode(parseInt(m[1] ?? "0", 16));
        return { ch, start: at, end: at + m[0].length, escaped: true };
      }
    }
    return { ch: t.charAt(at), start: at, end: at + 1, escaped: false };
  }

  next(): Unit | undefined {
    const u = this.peek();
    if (!u) return undefined;
    this.#rawBackslashes = !u.escaped && u.ch === "\\" ? this.#rawBackslashes + 1 : 0;
    this.at = u.end;
    return u;
  }
}

/** Characters whose escapes matter inside each state (they end or escape it). */
const STRUCTURAL: Readonly<Record<State, string>> = {
  code: "",
  line: "\n\r",
  block: "*/",
  string: '"\\\n\r',
  char: "'\\\n\r",
  textblock: '"\\',
};

/** Same-length rewriting of the raw text. */
class Output {
  readonly chars: string[];
  constructor(text: string) {
    this.chars = text.split("");
  }

  /** Blank [from, to) to spaces, keeping line ends. */
  blank(from: number, to: number): void {
    for (let i = from; i < to; i++) {
      const c = this.chars[i];
      if (c !== "\n" && c !== "\r") this.chars[i] = " ";
    }
  }

  /**
   * Write `ch` for the escape at [start, end): the freed spaces go before
   * the run of non-space characters it ends (a word, or a `*` before an
   * escaped `/`), so the word stays whole.
   */
  translate(unit: Unit, ch: string): void {
    let from = unit.start;
    while (from > 0 && unit.start - from < 256) {
      const c = this.chars[from - 1];
      if (c === undefined || c === " " || c === "\t" || c === "\n" || c === "\r") break;
      from--;
    }
    const kept = this.chars.slice(from, unit.start).join("") + ch;
    const width = unit.end - from;
    const written = " ".repeat(width - kept.length) + kept;
    for (let i = 0; i < width; i++) this.chars[from + i] = written.charAt(i);
  }
}

/** The lexer's place: its state, where a line comment opened, and whether a block comment's last character was `*`. */
interface Lexer {
  state: State;
  opened: number;
  star: boolean;
}

/** In code at `u`: open a comment or literal, translating an escaped second or third character. */
function open(r: Reader, out: Output, lx: Lexer, u: Unit): void {
  const take = (n: number) => {
    for (let i = 0; i < n; i++) {
      const w = r.next();
      if (w?.escaped) out.translate(w, w.ch);
    }
  };
  const next = r.peek();
  if (u.ch === "/" && (next?.ch === "/" || next?.ch === "*")) {
    lx.state = next.ch === "/" ? "line" : "block";
    lx.opened = u.start;
    lx.star = false; // the `*` of `/*` never closes it
    take(1);
  } else if (u.ch === "'") {
    lx.state = "char";
  } else if (u.ch === '"') {
    const third = next ? r.peek(next.end) : undefined;
    const block = next?.ch === '"' && third?.ch === '"';
    lx.state = block ? "textblock" : "string";
    if (block) take(2);
  }
}

/** One character of a comment or literal. */
function inside(r: Reader, lx: Lexer, u: Unit): void {
  switch (lx.state) {
    case "line":
      if (u.ch === "\n" || u.ch === "\r") lx.state = "code";
      break;
    case "block":
      if (u.ch === "/" && lx.star) lx.state = "code";
      lx.star = u.ch === "*";
      break;
    case "string":
    case "char":
      if (u.ch === "\\") r.next();
      else if (u.ch === (lx.state === "string" ? '"' : "'") || u.ch === "\n") lx.state = "code";
      break;
    case "textblock":
      if (u.ch === "\\") r.next();
      else if (u.ch === '"' && r.peek()?.ch === '"' && r.peek(r.peek()?.end)?.ch === '"') {
        r.next();
        r.next();
        lx.state = "code";
      }
      break;
  }
}

/**
 * `text` as javac lexes it, at the same length (see the module doc).
 *
 * @example
 * ```ts
 * import { javaLexerText } from "./escapes.ts";
 * import { equal } from "node:assert/strict";
 * equal(javaLexerText("// a \\u000a void f() {}"), "            void f() {}");
 * equal(javaLexerText('String s = "caf\\u00e9";'), 'String s = "caf\\u00e9";');
 * ```
 */
export function javaLexerText(text: string): string {
  if (text.indexOf("\\u") < 0) return text;
  const r = new Reader(text);
  const out = new Output(text);
  const lx: Lexer = { state: "code", opened: 0, star: false };
  for (let u = r.next(); u !== undefined; u = r.next()) {
    const structural = lx.state === "code" ? u.ch < "\x80" : STRUCTURAL[lx.state].includes(u.ch);
    if (u.escaped && structural && lx.state === "line") {
      // An escaped line end closes the comment: what follows on the line is code.
      out.blank(lx.opened, u.end);
      lx.state = "code";
      continue;
    }
    if (u.escaped && structural) out.translate(u, u.ch === "\n" || u.ch === "\r" ? " " : u.ch);
    if (lx.state === "code") open(r, out, lx, u);
    else inside(r, lx, u);
  }
  return out.chars.join("");
}
