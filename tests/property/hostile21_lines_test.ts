/**
 * Red team 21: the new line-end and escape code (`codeLines`, `lexedText`:
 * lone CR, U+2028/U+2029/U+0085 per language, Java's `\uXXXX`) must never
 * throw, hang or move a line. For every registry language, texts made of
 * definitions, every line-end form, escapes, comment and string openers and
 * astral characters: the lexed text keeps the length and every line end
 * the language counts; the skeleton is a skeleton or `PARSE_TOO_COMPLEX`;
 * and each symbol's name is written within its own lines, as the lexer
 * counts them (a shifted line number would point an agent at other code).
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseSkeleton } from "../../lib/ast/mod.ts";
import type { SkeletonSymbol } from "../../lib/ast/mod.ts";
import { TrifectaError } from "../../lib/errors.ts";
import { codeLines, LANGUAGES, lexedText } from "../../lib/languages/mod.ts";

/** A definition per language, named `NAME` (replaced by a unique name). */
const DEFINITION: Record<string, { path: string; def: string }> = {
  python: { path: "a.py", def: "def NAME(): pass" },
  typescript: { path: "a.ts", def: "function NAME() {}" },
  tsx: { path: "a.tsx", def: "function NAME() {}" },
  javascript: { path: "a.js", def: "function NAME() {}" },
  java: { path: "A.java", def: "class NAME {}" },
  csharp: { path: "a.cs", def: "class NAME {}" },
  c: { path: "a.c", def: "int NAME(void) { return 0; }" },
  cpp: { path: "a.cpp", def: "int NAME() { return 0; }" },
  php: { path: "a.php", def: "function NAME() {}" },
  go: { path: "a.go", def: "func NAME() {}" },
  rust: { path: "a.rs", def: "fn NAME() {}" },
  ruby: { path: "a.rb", def: "def NAME; end" },
};

/** Line ends of every kind, escapes, openers and closers, astral and wide characters. */
const NOISE = [
  "\n",
  "\r\n",
  "\r",
  "\u2028",
  "\u2029",
  "\u0085",
  "\\u000a",
  "\\u000d",
  "\\u002a/",
  "\\\n",
  "// c",
  "# c",
  "/* c */",
  "/*",
  "*/",
  '"s"',
  "'c'",
  '"""',
  "`",
  "\\",
  "\t",
  "\f",
  "😀",
  "é",
  " ",
  "{",
  "}",
  ";",
];

/** Every symbol, flattened. */
function all(symbols: readonly SkeletonSymbol[]): SkeletonSymbol[] {
  return symbols.flatMap((s) => [s, ...all(s.children)]);
}

/** Offsets of the line ends `text` has once read as `language` reads lines. */
function lineEndOffsets(text: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") out.push(i);
  return out;
}

const pieces = fc.array(
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...NOISE) },
    { weight: 1, arbitrary: fc.constant("DEF") },
  ),
  { maxLength: 40 },
);

Deno.test("hostile21 lines: for every language, lexedText keeps the length and the line ends of codeLines, and never throws", () => {
  for (const { name: language } of LANGUAGES) {
    fc.assert(
      fc.property(pieces, (list) => {
        const text = list.join("");
        const lines = codeLines(language, text);
        const lexed = lexedText(language, text);
        assert.equal(lines.length, text.length, `${language}: codeLines keeps the length`);
        assert.equal(lexed.length, text.length, `${language}: lexedText keeps the length`);
        if (language !== "c" && language !== "cpp") {
          assert.deepEqual(lineEndOffsets(lexed), lineEndOffsets(lines), `${language}: line ends`);
          return;
        }
        // C and C++ join line splices: their line ends move to the logical line's end;
        // the count stays, and every line end that ends no splice stays in place.
        assert.equal(
          lineEndOffsets(lexed).length,
          lineEndOffsets(lines).length,
          `${language}: count`,
        );
        for (const at of lineEndOffsets(lines)) {
          if (/\\[ \t]*\r?$/.test(lines.slice(0, at))) continue;
          assert.equal(
            lexed[at],
            "\n",
            `${language}: line end at ${at} of ${JSON.stringify(text)}`,
          );
        }
      }),
      { numRuns: 200 },
    );
  }
});

/** Assert `symbols` (of `text`) each start before they end and name code within their lines. */
function assertLinesHold(language: string, text: string, symbols: readonly SkeletonSymbol[]): void {
  const lines = lexedText(language, text).split(/\r?\n/);
  const raw = codeLines(language, text).split(/\r?\n/);
  for (const s of symbols.filter((s) => s.name.startsWith("zq"))) {
    const where = `${language}: ${s.name} listed at ${s.start_line}-${s.end_line} of ${
      JSON.stringify(text)
    }`;
    assert.ok(s.start_line >= 1 && s.start_line <= s.end_line, where);
    assert.ok(s.end_line <= lines.length, where);
    const span = [lines, raw].map((l) => l.slice(s.start_line - 1, s.end_line).join("\n"));
    assert.ok(span.some((t) => t.includes(s.name)), where);
  }
}

async function symbolsOf(language: string, path: string, text: string) {
  const bytes = new TextEncoder().encode(text);
  return all((await parseSkeleton({ rel: path, language, bytes })).symbols);
}

// Found by red team 21 (fixed): extraEndAt (lib/ast/extract_symbol.ts) walked up from a
// definition's first token to every ancestor starting there; inside an ERROR node that was the
// ERROR (isExtra), so skipExtras jumped past the definition: start_line after end_line.

// Shrunk counterexamples of the property below (both files have syntax errors).
const COUNTEREXAMPLES: [string, string, string][] = [
  ["javascript", "a.js", "function zq0() {}\u{1F600}function zq1() {}\n# c'c'"],
  ["tsx", "a.tsx", '{function zq0() {}\n\\u000a"s"'],
  ["go", "a.go", "package p\nfunc zq0() {}\\\nfunc zq1() {}"],
];

Deno.test({
  name:
    "hostile21 lines: a definition followed by error-recovered junk starts on or before its end line, on its own line",
  fn: async () => {
    for (const [language, path, text] of COUNTEREXAMPLES) {
      assertLinesHold(language, text, await symbolsOf(language, path, text));
    }
  },
});

Deno.test({
  name:
    "hostile21 lines: every symbol's name is written within its own lines as the language counts them",
  fn: async () => {
    for (const { name: language } of LANGUAGES) {
      const spec = DEFINITION[language];
      assert.ok(spec, `${language}: a definition here`);
      await fc.assert(
        fc.asyncProperty(pieces, async (list) => {
          let n = 0;
          const body = list.map((p) => p === "DEF" ? spec.def.replace("NAME", `zq${n++}`) : p);
          const prefix = language === "php" ? "<?php\n" : language === "go" ? "package p\n" : "";
          const text = prefix + body.join("");
          let symbols: SkeletonSymbol[];
          try {
            symbols = await symbolsOf(language, spec.path, text);
          } catch (err) {
            // A budget refusal is the one named outcome allowed; anything else fails.
            if (err instanceof TrifectaError && err.code === "PARSE_TOO_COMPLEX") return;
            throw err;
          }
          assertLinesHold(language, text, symbols);
        }),
        { numRuns: 200 },
      );
    }
  },
});
