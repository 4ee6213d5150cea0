/**
 * A lone CR (classic Mac line ends, or one planted inside a comment) ends a
 * line where the language's own lexer says so (`lineEnds` in the
 * registry): Python, JavaScript/TypeScript, Java, C#, C, C++ and PHP run
 * the code after `# note\r` or `// note\r`, so the skeleton, the references
 * and the line numbers must show it; Go, Rust and Ruby read that CR as part
 * of the comment, so they must not. A repository must not hide a function
 * from the skeleton that the interpreter or compiler sees.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { parseSkeleton } from "../../lib/ast/mod.ts";
import type { SkeletonSymbol } from "../../lib/ast/mod.ts";
import { extractTags } from "../../lib/ast/tags_extract.ts";
import { splitLines } from "../../lib/ast/render/disclose.ts";
import { codeLines, LANGUAGES } from "../../lib/languages/mod.ts";

/** One source per language: a definition right after a CR inside a line comment, on line 2. */
const HIDDEN_AFTER_CR: Record<string, { path: string; text: string; name: string }> = {
  python: { path: "a.py", text: "# note\rdef hidden(): pass\n", name: "hidden" },
  typescript: { path: "a.ts", text: "// note\rexport function hidden() {}\n", name: "hidden" },
  tsx: { path: "a.tsx", text: "// note\rexport function hidden() {}\n", name: "hidden" },
  javascript: { path: "a.js", text: "// note\rexport function hidden() {}\n", name: "hidden" },
  java: { path: "A.java", text: "// note\rclass hidden {}\n", name: "hidden" },
  csharp: { path: "a.cs", text: "// note\rclass hidden {}\n", name: "hidden" },
  c: { path: "a.c", text: "// note\rint hidden(void) { return 0; }\n", name: "hidden" },
  cpp: { path: "a.cpp", text: "// note\rint hidden() { return 0; }\n", name: "hidden" },
  php: { path: "a.php", text: "<?php // note\rfunction hidden() {}\n", name: "hidden" },
  go: { path: "a.go", text: "package p\n// note\rfunc Hidden() {}\n", name: "Hidden" },
  rust: { path: "a.rs", text: "// note\rfn hidden() {}\n", name: "hidden" },
  ruby: { path: "a.rb", text: "# note\rdef hidden; end\n", name: "hidden" },
};

/** Languages whose compilers and interpreters read the CR as part of the comment. */
const CR_IS_COMMENT = new Set(["go", "rust", "ruby"]);

function names(symbols: readonly SkeletonSymbol[]): string[] {
  return symbols.flatMap((s) => [s.name, ...names(s.children)]);
}

function find(symbols: readonly SkeletonSymbol[], name: string): SkeletonSymbol | undefined {
  for (const s of symbols) {
    if (s.name === name) return s;
    const inner = find(s.children, name);
    if (inner) return inner;
  }
  return undefined;
}

async function skeletonOf(language: string, path: string, text: string) {
  return await parseSkeleton({ rel: path, language, bytes: new TextEncoder().encode(text) });
}

Deno.test("lone CR: every registry language has a case here", () => {
  deepEqual(LANGUAGES.map((l) => l.name).sort(), Object.keys(HIDDEN_AFTER_CR).sort());
});

Deno.test("lone CR: code after a CR in a line comment is in the skeleton, on line 2, exactly where the language runs it", async () => {
  for (const [language, { path, text, name }] of Object.entries(HIDDEN_AFTER_CR)) {
    const skeleton = await skeletonOf(language, path, text);
    const found = find(skeleton.symbols, name);
    if (CR_IS_COMMENT.has(language)) {
      equal(
        found,
        undefined,
        `${language}: the CR is inside the comment: ${names(skeleton.symbols)}`,
      );
      continue;
    }
    ok(found, `${language}: ${name} is hidden: ${JSON.stringify(names(skeleton.symbols))}`);
    equal(found.start_line, 2, `${language}: ${name} line`);
    equal(skeleton.has_errors, false, `${language}: no syntax error`);
  }
});

Deno.test("lone CR: a classic Mac file has the lines and symbols of its LF copy; its references too", async () => {
  const lf =
    'import os\n\nclass C:\n    """Doc."""\n\n    def m(self):\n        return os.getcwd()\n\n\ndef f(a,\n      b):\n    return C().m()\n';
  const cr = lf.replaceAll("\n", "\r");
  const want = await skeletonOf("python", "m.py", lf);
  const got = await skeletonOf("python", "m.py", cr);
  deepEqual(got.symbols, want.symbols);
  deepEqual(got.imports, want.imports);
  equal(got.has_errors, false);
  const tags = async (text: string) =>
    (await extractTags({ rel: "m.py", language: "python", text, size: text.length })).refs
      .map((r) => [r.name, r.line, r.col, r.kind]);
  const refs = await tags(cr);
  ok(refs.some(([name, line]) => name === "getcwd" && line === 7), JSON.stringify(refs));
  deepEqual(refs, await tags(lf));
});

Deno.test("lone CR: lines shown for a symbol are counted the way its skeleton counts them", () => {
  const text = "# note\rdef hidden(): pass\n";
  deepEqual(splitLines(text, { language: "python" }), ["# note", "def hidden(): pass"]);
  deepEqual(splitLines(text, { language: "go" }), [text.trimEnd()]);
  deepEqual(splitLines(text), [text.trimEnd()]);
  // CRLF is one line end, never two.
  equal(codeLines("python", "a\r\nb\r"), "a\r\nb\n");
});

Deno.test("lone CR: U+2028, U+2029 and U+0085 end a line where JavaScript, TypeScript and C# say so", async () => {
  const cases: [string, string, string, boolean][] = [
    ["typescript", "a.ts", "// note\u2028export function hidden() {}\n", true],
    ["javascript", "a.js", "// note\u2029export function hidden() {}\n", true],
    ["csharp", "a.cs", "class Z {\n  // note\u2028 void hidden() {}\n}\n", true],
    ["csharp", "a.cs", "class Z {\n  // note\u0085 void hidden() {}\n}\n", true],
    // Not a line end in Python or Java: the comment runs on.
    ["python", "a.py", "# note\u2028def hidden(): pass\n", false],
    ["java", "A.java", "class Z {\n  // note\u2028 void hidden() {}\n}\n", false],
  ];
  for (const [language, path, text, shown] of cases) {
    const skeleton = await skeletonOf(language, path, text);
    const found = find(skeleton.symbols, "hidden");
    equal(
      found !== undefined,
      shown,
      `${language} ${JSON.stringify(text)}: ${JSON.stringify(names(skeleton.symbols))}`,
    );
    if (found) equal(skeleton.has_errors, false, language);
  }
  // The C# file keeps its class (tree-sitter alone lost it whole).
  const cs = await skeletonOf("csharp", "a.cs", "class Z {\n  // note\u2028 void hidden() {}\n}\n");
  deepEqual(names(cs.symbols), ["Z", "hidden"]);
  equal(find(cs.symbols, "hidden")?.start_line, 3);
});
