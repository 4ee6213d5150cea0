/**
 * javac translates `\uXXXX` escapes before it lexes (JLS §3.3), so an
 * escaped line end closes a `//` comment and an escaped `*\/` a block
 * comment: code a repository hides from tree-sitter that way is code to
 * javac, and must be in the skeleton, on javac's line (escapes are no line
 * ends for its line numbers). Escapes that do not change how the file lexes
 * (in strings, chars, docs) stay as written.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { parseSkeleton } from "../../lib/ast/mod.ts";
import type { FileSkeleton, SkeletonSymbol } from "../../lib/ast/mod.ts";
import { javaLexerText } from "../../lib/languages/java/escapes.ts";

async function skeleton(text: string): Promise<FileSkeleton> {
  return await parseSkeleton({
    rel: "A.java",
    language: "java",
    bytes: new TextEncoder().encode(text),
  });
}

function rows(symbols: readonly SkeletonSymbol[]): [string, number][] {
  return symbols.flatMap((s) => [[s.name, s.start_line] as [string, number], ...rows(s.children)]);
}

const B = "\\"; // one backslash, so the cases read as the Java source does

Deno.test("java escapes: code after an escaped line end in a // comment is in the skeleton, on javac's line", async () => {
  for (const escape of [`${B}u000a`, `${B}u000d`, `${B}uuu000A`, `${B}u000D`]) {
    const s = await skeleton(
      `class A {\n  // note ${escape} void hidden() {}\n  void shown() {}\n}\n`,
    );
    deepEqual(rows(s.symbols), [["A", 1], ["hidden", 2], ["shown", 3]], escape);
    equal(s.has_errors, false, escape);
    const hidden = s.symbols[0]?.children[0];
    equal(hidden?.signature, "void hidden()");
  }
});

Deno.test("java escapes: an escaped */ closes a block comment, an escaped quote a string", async () => {
  const block = await skeleton(
    `class A {\n  /* ${B}u002a${B}u002f void hidden() {} /* */\n  /* *${B}u002f void hidden2() {} /**/\n}\n`,
  );
  deepEqual(rows(block.symbols), [["A", 1], ["hidden", 2], ["hidden2", 3]]);
  // javac reads `String s = ""; void hidden() { String t = "";` (checked with javac 17).
  const str = await skeleton(
    `class A {\n  String s = "${B}u0022; void hidden() { String t = ${B}u0022";\n  }\n}\n`,
  );
  deepEqual(rows(str.symbols), [["A", 1], ["hidden", 2]]);
  equal(str.symbols[0]?.children[0]?.end_line, 3);
  equal(str.has_errors, false);
});

Deno.test("java escapes: a keyword or name written with escapes reads as javac reads it", async () => {
  const s = await skeleton(`class A {\n  ${B}u0076oid hid${B}u0064en() {}\n}\n`);
  deepEqual(rows(s.symbols), [["A", 1], ["hidden", 2]]);
  equal(s.has_errors, false);
});

Deno.test("java escapes: escapes that change nothing stay as written, and an escaped backslash is no escape", async () => {
  const plain = [
    "class A {",
    "  /** Caf\\u00e9 \\u0041 docs. */",
    '  @Deprecated(since = "caf\\u00e9 \\u0041")',
    "  void m(char c) { char z = '\\u0000'; String s = \"\\u00e9\\u0041\"; }",
    "  // a \\\\u000a void notAMethod() {}",
    "}",
    "",
  ].join("\n");
  equal(javaLexerText(plain), plain);
  const s = await skeleton(plain);
  deepEqual(rows(s.symbols), [["A", 1], ["m", 4]]);
  equal(s.symbols[0]?.children[0]?.doc, "Caf\\u00e9 \\u0041 docs.");
  deepEqual(s.symbols[0]?.children[0]?.decorators, ['@Deprecated(since = "caf\\u00e9 \\u0041")']);
  // A text block holding quotes and a // is one literal.
  const tb = `class A {\n  String t = """\n    say "hi" // ${B}u000a\n    """;\n  void m() {}\n}\n`;
  equal(javaLexerText(tb), tb);
});

Deno.test("java escapes: the lexed text keeps the length and every line end of the text as written", () => {
  const pieces = [
    `${B}u000a`,
    `${B}u002a`,
    `${B}u002f`,
    `${B}u0022`,
    `${B}u0027`,
    `${B}u005c`,
    `${B}u0041`,
    `${B}${B}`,
    "//",
    "/*",
    "*/",
    '"',
    "'",
    '"""',
    "\n",
    "\r\n",
    " ",
    "x",
    "é",
    "\t",
  ];
  let seed = 7;
  const rand = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
  for (let round = 0; round < 2000; round++) {
    let text = "";
    for (let i = rand(30); i >= 0; i--) text += pieces[rand(pieces.length)];
    const out = javaLexerText(text);
    equal(out.length, text.length, JSON.stringify(text));
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (c === "\n" || c === "\r") {
        equal(out[i], c, `line end kept at ${i}: ${JSON.stringify(text)}`);
      } else {ok(
          out[i] !== "\n" && out[i] !== "\r",
          `no line end made at ${i}: ${JSON.stringify(text)}`,
        );}
    }
  }
});

Deno.test("lexer readings: a secret a C++ line splice joins is masked in the skeleton", async () => {
  const { parseSkeleton: parse } = await import("../../lib/ast/mod.ts");
  const token = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8";
  // C++: a default argument whose string a splice continues (the compiler joins it).
  const cpp = `void f(const char* t = "${token.slice(0, 10)}\\\n${token.slice(10)}") {}\n`;
  const s = await parse({ rel: "a.cpp", language: "cpp", bytes: new TextEncoder().encode(cpp) });
  const sig = s.symbols[0]?.signature ?? "";
  ok(sig.includes("SECRET_REDACTED"), sig);
  ok(!sig.includes(token), sig);
});
