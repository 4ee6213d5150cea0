/**
 * Extraction rules that hold for every language: what comes from the
 * registry entry (wrappers, method owners, doc syntax, docstrings), the
 * `@owner` capture, doc blocks of line comments, and where a signature ends.
 * Ad-hoc queries and entries stand in for languages that have the feature.
 */
import assert from "node:assert/strict";
import { Query } from "web-tree-sitter";
import { CACHE_SCHEMA_VERSION, cacheKey } from "../../lib/cache/types.ts";
import { extractSkeleton } from "../../lib/ast/extract.ts";
import { parseSkeleton } from "../../lib/ast/parse_source.ts";
import { grammarForLanguage } from "../../lib/ast/parser.ts";
import { isClippedQualifiedName, MAX_QUALIFIED_CHARS } from "../../lib/ast/limits.ts";
import type { SkeletonSymbol } from "../../lib/ast/types.ts";
import { type LanguageSpec, languageSpec } from "../../lib/languages/mod.ts";
import { flatten } from "./helpers.ts";

/** Options of {@linkcode extract}. */
interface ExtractCase {
  /** The entry to extract with (default: the language's own). */
  spec?: LanguageSpec;
  /** Patterns placed before the language's skeleton query (so they win). */
  before?: string;
}

/** The symbols of `text`, flattened, extracted with an ad-hoc entry or query. */
async function extract(
  language: string,
  text: string,
  options: ExtractCase = {},
): Promise<SkeletonSymbol[]> {
  const grammar = await grammarForLanguage(language);
  const own = languageSpec(language);
  const query = options.before === undefined
    ? grammar.query
    : new Query(grammar.language, `${options.before}\n${(await own.load()).skeleton}`);
  const tree = grammar.parser.parse(text);
  if (!tree) throw new Error("no tree");
  try {
    const out = extractSkeleton(query, tree.rootNode, { text, spec: options.spec ?? own });
    return flatten(out.symbols);
  } finally {
    tree.delete();
    if (query !== grammar.query) query.delete();
  }
}

/** The symbols of an in-memory file parsed the normal way. */
async function parsed(rel: string, language: string, text: string): Promise<SkeletonSymbol[]> {
  const bytes = new TextEncoder().encode(text);
  return flatten((await parseSkeleton({ rel, language, bytes })).symbols);
}

function byName(symbols: SkeletonSymbol[], qualified: string): SkeletonSymbol {
  const found = symbols.find((s) => s.qualified_name === qualified);
  if (!found) throw new Error(`no ${qualified} in ${symbols.map((s) => s.qualified_name)}`);
  return found;
}

const PY_CLASS = [
  "class Outer:",
  "    def size(self):",
  '        """Size docstring."""',
  "        return 1",
  "",
].join("\n");

Deno.test("registry entry: methodOwners decides which functions are methods", async () => {
  const own = await extract("python", PY_CLASS);
  assert.equal(byName(own, "Outer.size").kind, "method");
  const spec: LanguageSpec = { ...languageSpec("python"), methodOwners: [] };
  const none = await extract("python", PY_CLASS, { spec });
  assert.equal(byName(none, "Outer.size").kind, "function");
});

Deno.test("registry entry: docstrings are read only when the entry has them", async () => {
  assert.equal(byName(await extract("python", PY_CLASS), "Outer.size").doc, "Size docstring.");
  const python = languageSpec("python");
  const spec: LanguageSpec = { ...python, comments: { ...python.comments, docstrings: false } };
  assert.equal(byName(await extract("python", PY_CLASS, { spec }), "Outer.size").doc, "");
});

Deno.test("registry entry: wrappers belong to the signature", async () => {
  const text = "/** Adds. */\nexport function add(a: number): number {\n  return a;\n}\n";
  const own = byName(await extract("typescript", text), "add");
  assert.equal(own.signature, "export function add(a: number): number");
  assert.equal(own.doc, "Adds.");
  const spec: LanguageSpec = { ...languageSpec("typescript"), wrappers: [] };
  const bare = byName(await extract("typescript", text, { spec }), "add");
  assert.equal(bare.signature, "function add(a: number): number");
});

Deno.test("registry entry: doc markers say how a doc comment is read", async () => {
  const text = "/// Frobs the widget.\n/// More.\nfunction frob() {}\n";
  const before = '((comment) @doc.leading (#match? @doc.leading "^///"))';
  const ts = languageSpec("typescript");
  const spec: LanguageSpec = {
    ...ts,
    comments: { ...ts.comments, docMarkers: ["///", ...ts.comments.docMarkers] },
  };
  assert.equal(
    byName(await extract("typescript", text, { before, spec }), "frob").doc,
    "Frobs the widget.",
  );
  // Without `///` among the markers only the line-comment start `//` is removed.
  assert.equal(
    byName(await extract("typescript", text, { before }), "frob").doc,
    "/ Frobs the widget.",
  );
});

const OWNED = [
  "@owns('pkg::Shape')",
  "def area(self):",
  "    return 0",
  "",
  "class Box:",
  "    @owns('Lid')",
  "    def open(self):",
  "        pass",
  "",
  "@owns('App\\\\Models.User')",
  "def save(self):",
  "    pass",
  "",
].join("\n");

/** Owner patterns: the string argument of an `@owns(…)` decorator names the owner. */
const OWNER_QUERY = `
(decorated_definition
  (decorator (call
    function: (identifier) @_f
    arguments: (argument_list (string (string_content) @owner))))
  definition: (function_definition
    name: (identifier) @name
    body: (block) @body) @definition.function
  (#eq? @_f "owns"))
`;

Deno.test("@owner: qualified name is owner parts joined by dots, and a function becomes a method", async () => {
  const symbols = await extract("python", OWNED, { before: OWNER_QUERY });
  assert.deepEqual(
    symbols.map((s) => [s.kind, s.name, s.qualified_name]),
    [
      ["method", "area", "pkg.Shape.area"],
      ["class", "Box", "Box"],
      ["method", "open", "Box.Lid.open"],
      ["method", "save", "App.Models.User.save"],
    ],
  );
  // Without the owner pattern they are plain functions (and a method of Box).
  const plain = await extract("python", OWNED);
  assert.deepEqual(plain.map((s) => s.qualified_name), ["area", "Box", "Box.open", "save"]);
  assert.equal(byName(plain, "area").kind, "function");
});

const LINE_DOCS = [
  "# First line of the doc.", // 1
  "# Second line.",
  "def documented():",
  "    pass",
  "",
  "x = 1  # trailing, not a doc", // 6
  "def after_code():",
  "    pass",
  "",
  "# Detached by a blank line.", // 10
  "",
  "def detached():",
  "    pass",
  "",
  "#", // 15
  "#   After an empty marker line.",
  "@decorated",
  "def decorated_one():",
  "    pass",
  "",
  "y = 2  # trailing", // 21
  "# Starts below code.",
  "def below_code():",
  "    pass",
  "",
].join("\n");

Deno.test("doc blocks: consecutive own-line line comments right above a definition (or its decorators)", async () => {
  const symbols = await extract("python", LINE_DOCS, { before: "(comment) @doc.leading" });
  assert.deepEqual(
    symbols.map((s) => [s.name, s.doc]),
    [
      ["documented", "First line of the doc."],
      ["after_code", ""],
      ["detached", ""],
      ["decorated_one", "After an empty marker line."],
      ["below_code", "Starts below code."],
    ],
  );
});

Deno.test("signature ends where the header ends: comments before the body belong to the body", async () => {
  const py = await parsed(
    "sig.py",
    "python",
    [
      "class Config:",
      "    def __init__(self, app_name, app_module):  # Full Python path to the app",
      "        self.name = app_name",
      "",
      "def several(",
      "    a,",
      "    b,",
      "):",
      "    # Several comment lines",
      "    # between header and body.",
      "",
      "    # Even after a blank line.",
      "    return a",
      "",
      "def inline(): # c",
      "    pass",
      "",
    ].join("\n"),
  );
  assert.equal(byName(py, "Config.__init__").signature, "def __init__(self, app_name, app_module)");
  assert.equal(byName(py, "several").signature, "def several(\n    a,\n    b,\n)");
  assert.equal(byName(py, "inline").signature, "def inline()");
  const ts = await parsed(
    "sig.ts",
    "typescript",
    [
      "function f() // c",
      "{",
      "  return 1;",
      "}",
      "class K {",
      "  m(a: string): void /* why */ {}",
      "}",
      "const g = (x: number) => // arrow",
      "  x;",
      "",
    ].join("\n"),
  );
  assert.equal(byName(ts, "f").signature, "function f()");
  assert.equal(byName(ts, "K.m").signature, "m(a: string): void");
  assert.equal(byName(ts, "g").signature, "const g = (x: number) =>");
});

Deno.test("cache: values cached before signatures ended at the header are not served", () => {
  // Schema 3 values hold signatures with the body's leading comment.
  const sha = "9f86d081884c7d659a2feaa0c55ad015";
  assert.notEqual(cacheKey("1a2b3c4d", "a.py", sha), cacheKey("1a2b3c4d", "a.py", sha, 3));
  assert.ok(CACHE_SCHEMA_VERSION > 3);
});

Deno.test("decorators: one in the header (or a child of it) is the definition's and never in the signature", async () => {
  const ts = await extract("typescript", "@a @b class X {}\nexport @c class Y {}\n");
  assert.deepEqual(byName(ts, "X").decorators, ["@a", "@b"]);
  assert.equal(byName(ts, "X").signature, "class X");
  // One after a keyword (Java's `public @A void f()`) is cut out of the text.
  assert.deepEqual(byName(ts, "Y").decorators, ["@c"]);
  assert.equal(byName(ts, "Y").signature, "export class Y");
  // Java's annotations lie in `modifiers`, two levels down the header.
  const java = await extract(
    "java",
    'class K {\n  @Override\n  public @Audited(owner = "s") void f() {}\n}\n',
  );
  assert.deepEqual(byName(java, "K").decorators, []);
  assert.deepEqual(byName(java, "K.f").decorators, ["@Override", '@Audited(owner = "s")']);
  assert.equal(byName(java, "K.f").signature, "public void f()");
  assert.equal(byName(java, "K.f").start_line, 3);
});

Deno.test("end_line: trailing comment rows are left out, a comment before code is not", async () => {
  const ts = await extract("typescript", "function f() {\n  return 1;\n/* c */ }\n");
  assert.equal(byName(ts, "f").end_line, 3);
  const py = await extract("python", "def g():\n    return 1\n    # trailing\n\n# after\n");
  assert.equal(byName(py, "g").end_line, 2);
});

Deno.test("qualified names are bounded: deep nesting of long names stays linear in the input", async () => {
  const depth = 300;
  const lines: string[] = [];
  for (let i = 0; i < depth; i++) lines.push(`${" ".repeat(i)}class C${i}_${"x".repeat(185)}:`);
  lines.push(`${" ".repeat(depth)}pass`, "");
  const text = lines.join("\n");
  const bytes = new TextEncoder().encode(text);
  const skeleton = await parseSkeleton({ rel: "deep.py", language: "python", bytes });
  const symbols = flatten(skeleton.symbols);
  assert.equal(symbols.length, depth);
  for (const s of symbols) assert.ok(s.qualified_name.length <= MAX_QUALIFIED_CHARS + 2);
  // Clipped from the front: the most specific parts and the name stay.
  const last = symbols.at(-1)?.qualified_name ?? "";
  assert.ok(isClippedQualifiedName(last), last.slice(0, 20));
  assert.ok(last.endsWith(`.C${depth - 1}_${"x".repeat(185)}`));
  assert.equal(symbols[1]?.qualified_name, `C0_${"x".repeat(185)}.C1_${"x".repeat(185)}`);
  assert.ok(JSON.stringify(skeleton).length < 40 * bytes.length);
});

Deno.test("decorators: comments after them are not the signature's, and a doc may sit between", async () => {
  const text = "@a // why\nclass X {}\n@b\n/** Doc between. */\nclass Z {}\n";
  const ts = await extract("typescript", text);
  assert.equal(byName(ts, "X").signature, "class X");
  assert.equal(byName(ts, "X").start_line, 2);
  assert.equal(byName(ts, "Z").doc, "Doc between.");
  assert.equal(byName(ts, "Z").start_line, 5);
});

Deno.test("doc comments: closers are a block comment's only, and `**/` leaves no star", async () => {
  const before = '((comment) @doc.leading (#match? @doc.leading "^//"))';
  const text = "/** Stars. **/\nfunction s() {}\n// Ends in */\nfunction t() {}\n";
  const ts = await extract("typescript", text, { before });
  assert.equal(byName(ts, "s").doc, "Stars.");
  assert.equal(byName(ts, "t").doc, "Ends in */");
});

Deno.test("conditional directives: a file with errors is parsed again with directive lines blanked", async () => {
  const text = "public class A :\n#if NET\n  I1,\n#endif\n  I2\n{\n  public void M() {}\n}\n";
  const rows = (symbols: SkeletonSymbol[]) => symbols.map((s) => [s.qualified_name, s.start_line]);
  // One parse: the directive inside the base list breaks the class.
  assert.deepEqual(rows(await extract("csharp", text)), []);
  const bytes = new TextEncoder().encode(text);
  const skeleton = await parseSkeleton({ rel: "a.cs", language: "csharp", bytes });
  assert.deepEqual(rows(flatten(skeleton.symbols)), [["A", 1], ["A.M", 7]]);
  assert.equal(skeleton.has_errors, false);
  // Nodes are read from the original text.
  assert.equal(
    flatten(skeleton.symbols)[0]?.signature,
    "public class A :\n#if NET\n  I1,\n#endif\n  I2",
  );
});

Deno.test("reparse blanking: macros tree-sitter cannot expand are blanked for a second parse", async () => {
  const text = [
    "__BEGIN_DECLS",
    "extern int aio_read (struct aiocb *p) __THROW __nonnull ((1));",
    "struct EXPORT_MACRO Box { int w; };",
    "int deflate OF((int a, int b));",
    "__END_DECLS",
    "",
  ].join("\n");
  // One parse: nothing survives the macros.
  assert.deepEqual(await extract("c", text), []);
  const symbols = await parsed("m.h", "c", text);
  assert.deepEqual(
    symbols.map((s) => [s.kind, s.qualified_name, s.start_line, s.signature]),
    [
      ["function", "aio_read", 2, "extern int aio_read (struct aiocb *p) __THROW __nonnull ((1))"],
      ["struct", "Box", 3, "struct EXPORT_MACRO Box"],
      ["function", "deflate", 4, "int deflate OF((int a, int b))"],
    ],
  );
});

Deno.test("line ends: a CRLF or CR file gives every language the signatures and decorators of its LF copy", async () => {
  const sources: Record<string, string> = {
    python:
      '@dec(1,\n  2)\ndef f(a,\n      b):\n    """Doc."""\n    return 1\n\nclass C:\n    def m(self,\n          x=1): pass\n',
    typescript:
      "/** Doc */\nexport function g(a: number,\n  b: string): void {}\nexport class K {\n  m(x: number,\n    y: number): void {}\n}\n",
    go: "package p\n\n// F does.\nfunc F(a int,\n\tb int) int {\n\treturn a\n}\n",
    java:
      "class A {\n  /** Doc */\n  @Deco(a = 1,\n    b = 2)\n  void m(int a,\n      int b) {}\n}\n",
    rust: "/// Doc\npub fn f(a: i32,\n    b: i32) -> i32 {\n    a\n}\n",
  };
  for (const [language, lf] of Object.entries(sources)) {
    const want = await extract(language, lf);
    assert.ok(want.some((s) => s.signature.includes("\n")), `${language}: a multi-line signature`);
    for (const eol of ["\r\n", "\r"]) {
      const got = await extract(language, lf.replaceAll("\n", eol));
      const shape = (list: SkeletonSymbol[]) =>
        list.map((s) => ({ name: s.name, signature: s.signature, decorators: s.decorators }));
      if (eol === "\r\n") assert.deepEqual(shape(got), shape(want), `${language} CRLF`);
      for (const s of got) {
        assert.ok(
          !s.signature.includes("\r"),
          `${language} ${JSON.stringify(eol)}: ${s.signature}`,
        );
        for (const d of s.decorators) assert.ok(!d.includes("\r"), `${language}: ${d}`);
      }
    }
  }
});
