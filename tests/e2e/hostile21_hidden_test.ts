/**
 * Red team 21: code the compiler or interpreter sees that `ast skeleton`
 * does not list. Each case was run through the real tool on the review
 * machine (gcc/g++ 12.2, mcs 6.8, ruby 3.1.2, python 3.11, node 20,
 * javac 17, rustc 1.95, go 1.19, php 8.2); the comment above it says what
 * that tool defined. CI has none of them: the tests assert trifecta's own
 * output (`ast skeleton . --json`, the real CLI under the documented narrow
 * flags, hang-guarded).
 *
 * The first tests are weaknesses (ignored, each prints its reason); the last
 * one is the control: tricks trifecta already reads as the tools do.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  type GuardedRun,
  MAIN_TS,
  narrowFlags,
  removeSegment,
  REPO_ROOT,
  runGuarded,
} from "./helpers.ts";

/** Far above a normal run of a few small files; measures no speed. */
const HANG_GUARD_MS = 90_000;

interface SymbolJson {
  name: string;
  start_line: number;
  children: SymbolJson[];
}

interface SkeletonJson {
  files: { path: string; has_errors: boolean; symbols: SymbolJson[] }[];
  skipped: { path: string; code: string }[];
}

/** Every symbol of a file, as `name@line`, at any depth. */
function flat(symbols: readonly SymbolJson[]): string[] {
  return symbols.flatMap((s) => [`${s.name}@${s.start_line}`, ...flat(s.children)]);
}

/** Write `files` (text, or bytes for declared encodings) to a fresh segment. */
async function segmentOf(files: Record<string, string | Uint8Array>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-red21-hidden-" });
  for (const [rel, body] of Object.entries(files)) {
    if (typeof body === "string") await Deno.writeTextFile(join(dir, rel), body);
    else await Deno.writeFile(join(dir, rel), body);
  }
  return dir;
}

/** `ast skeleton . --json` over `files`: each file's symbols as `name@line`. */
async function skeletons(
  files: Record<string, string | Uint8Array>,
): Promise<Map<string, string[]>> {
  const seg = await segmentOf(files);
  try {
    const args = ["ast", "skeleton", ".", "-s", seg, "--json", "--no-persist-cache"];
    const r: GuardedRun = await runGuarded(["run", ...narrowFlags(args), MAIN_TS, ...args], {
      deadlineMs: HANG_GUARD_MS,
      cwd: REPO_ROOT,
    });
    assert.ok(r.finished, `ast skeleton still running after ${HANG_GUARD_MS / 1000} s`);
    assert.equal(r.code, 0, r.stderr.slice(-2000));
    const j = JSON.parse(r.stdout) as SkeletonJson;
    assert.deepEqual(j.skipped, [], "no file is skipped");
    return new Map(j.files.map((f) => [f.path, flat(f.symbols)]));
  } finally {
    await removeSegment(seg);
  }
}

/** Assert that each file lists every `name@line` the tool saw. */
function assertListed(got: Map<string, string[]>, want: Record<string, string[]>): void {
  const missing: string[] = [];
  for (const [path, names] of Object.entries(want)) {
    const have = got.get(path) ?? [];
    for (const n of names) if (!have.includes(n)) missing.push(`${path}: ${n} (has ${have})`);
  }
  assert.deepEqual(missing, [], "definitions the compiler or interpreter sees are listed");
}

const bytes = (...parts: (string | number[])[]): Uint8Array =>
  new Uint8Array(
    parts.flatMap((p) => typeof p === "string" ? [...new TextEncoder().encode(p)] : p),
  );

// C translation phase 2 joins a backslash-newline before any token is
// read, so `*\<newline>/` closes a block comment. gcc 12 and g++ 12: `nm`
// lists grant_admin and shown. tree-sitter reads the comment on to the next
// `*/`, and the skeleton has only `shown` (has_errors false).
const SPLICE_C =
  "/* Build note: keep in sync with the header *\\\n/ int grant_admin(int uid) { return uid; }\n" +
  "/* end of note */\nint shown(void) { return 1; }\n";
// The same splice inside names: gcc defines `hidden`; the skeleton names it `den`.
const SPLICE_NAME_C = "int hid\\\nden(void) { return 0; }\n";

Deno.test({
  name:
    "hostile21 hidden [c, cpp]: a backslash-newline inside `*/` closes the block comment, and the function after it is listed",
  sanitizeResources: false,
  fn: async () => {
    // Found by red team 21 (fixed: joinSplices, lib/languages/c/splices.ts).
    const got = await skeletons({ "a.c": SPLICE_C, "a.cpp": SPLICE_C, "n.c": SPLICE_NAME_C });
    assertListed(got, {
      // Listed on the logical line the splice joined it to (gcc reports the physical line 2:
      // joinSplices keeps every later line's number, not those inside a spliced line).
      "a.c": ["grant_admin@1", "shown@4"],
      "a.cpp": ["grant_admin@1", "shown@4"],
      "n.c": ["hidden@1"],
    });
  },
});

// gcc 12 and g++ 12 (`nm`): g, grant_admin (SPLIT_IF_C), h, grant_admin
// (SPLIT_CASE_C). mcs 6.8 compiles SPLIT_IF_CS; its class A has M and
// GrantAdmin. Each branch opens a block, one `}` closes it: with both
// branches kept, tree-sitter sees two `{` for one `}`, and loses the
// function (g) or everything after it (grant_admin, GrantAdmin).
const SPLIT_IF_C = "int g(int x) {\n#ifdef A\n  if (x) {\n#else\n  if (!x) {\n#endif\n" +
  "    x++;\n  }\n  return x;\n}\nint grant_admin(int uid) { return uid; }\n";
const SPLIT_CASE_C = "int h(int x) {\n  switch (x) {\n#ifdef A\n  case 1: { x++;\n#else\n" +
  "  case 2: { x--;\n#endif\n  }\n  }\n  return x;\n}\nint grant_admin(int uid) { return uid; }\n";
const SPLIT_IF_CS = "class A {\n#if DEBUG\n  void M() {\n#else\n  void M(int x) {\n#endif\n" +
  "  }\n  public void GrantAdmin() {}\n}\n";

// Printed at load: this test is ignored (an open weakness), so its reason must show.
console.log(
  "hostile21 reason: both #if branches are parsed (docs/languages.md says so); when each opens " +
    "a block closed once after #endif the braces no longer balance: the function (C, C++), " +
    "the definitions after it (C, C++) or the class's later methods (C#, also after the " +
    "directive-blanking reparse) vanish.",
);
Deno.test({
  name:
    "hostile21 hidden [c, cpp, csharp]: a block opened in both #if/#else branches and closed once hides neither its function nor the definitions after it",
  ignore: true, // WEAKNESS: see the reason printed below
  sanitizeResources: false,
  fn: async () => {
    const got = await skeletons({
      "g.c": SPLIT_IF_C,
      "g.cpp": SPLIT_IF_C,
      "h.c": SPLIT_CASE_C,
      "h.cpp": SPLIT_CASE_C,
      "a.cs": SPLIT_IF_CS,
    });
    assertListed(got, {
      "g.c": ["g@1", "grant_admin@11"],
      "g.cpp": ["g@1", "grant_admin@11"],
      "h.c": ["h@1", "grant_admin@12"],
      "h.cpp": ["h@1", "grant_admin@12"],
      "a.cs": ["M@3", "GrantAdmin@8"],
    });
  },
});

// ruby 3.1.2 -c: Syntax OK; loading it defines charge_card, refund and
// shown (warnings: "`<<' after local variable ... is interpreted as binary
// operator even though it seems like here document"; the same for `/`).
// Ruby knows `log` and `half` are local variables; tree-sitter-ruby reads
// `log <<MARK` as a heredoc (lines 4-5 its body) and `half /2; … /half` as a
// regexp argument. has_errors is false.
const RUBY_LOCALS = 'MARK = "--"\nlog = []\nlog <<MARK\ndef charge_card(amount) = amount\nMARK\n' +
  "half = 4\nhalf /2; def refund(amount) = amount; half /half\ndef shown; end\n";

// Printed at load: this test is ignored (an open weakness), so its reason must show.
console.log(
  "hostile21 reason: tree-sitter-ruby does not know which names are local variables; Ruby reads " +
    "`log <<MARK` and `half /2` after `log = …`/`half = …` as operators, the skeleton as a " +
    "heredoc and a regexp that swallow the definitions.",
);
Deno.test({
  name:
    "hostile21 hidden [ruby]: `x <<NAME` and `x /…/` after a local variable x are a shift and a division, and the code after them is listed",
  ignore: true, // WEAKNESS: see the reason printed below
  sanitizeResources: false,
  fn: async () => {
    const got = await skeletons({ "h.rb": RUBY_LOCALS });
    assertListed(got, { "h.rb": ["charge_card@4", "refund@7", "shown@8"] });
  },
});

// mcs 6.8 compiles it, and another assembly calls new A().GrantAdmin():
// C# never lexes the text of a skipped #if group (C# spec §6.5.5), so its
// `/*` opens nothing. tree-sitter reads a comment from it to the `*/` of the
// `//` line, and the skeleton of A has only Shown.
const CS_DISABLED = "public class A {\n#if false\n  /* disabled\n#endif\n" +
  "  public void GrantAdmin() {}\n  // */\n  public void Shown() {}\n}\n";

// Printed at load: this test is ignored (an open weakness), so its reason must show.
console.log(
  "hostile21 reason: C# skips the text of a false #if group unlexed; tree-sitter lexes it, so a " +
    '`/*` (or `@"`) there swallows the code after #endif, also in the directive-blanking ' +
    "reparse (it blanks the directive lines, not the group's text).",
);
Deno.test({
  name:
    "hostile21 hidden [csharp]: a comment opener in a skipped #if false group opens nothing, and the members after #endif are listed",
  ignore: true, // WEAKNESS: see the reason printed below
  sanitizeResources: false,
  fn: async () => {
    const got = await skeletons({ "d.cs": CS_DISABLED });
    assertListed(got, { "d.cs": ["GrantAdmin@5", "Shown@7"] });
  },
});

// ruby 3.1.2: loading it defines __END__ and grant_admin (only a line of
// exactly `__END__` ends the program; `__END__ ` calls the method).
// tree-sitter-ruby ends the program at `__END__` followed by blanks.
const RUBY_END = "def __END__ = nil\n__END__ \ndef grant_admin(uid) = uid\n";

Deno.test({
  name:
    "hostile21 hidden [ruby]: `__END__` followed by a blank is code, and the definitions after it are listed",
  sanitizeResources: false,
  fn: async () => {
    // Found by red team 21 (fixed: rubyLexerText, lib/languages/ruby/end_marker.ts).
    const got = await skeletons({ "e.rb": RUBY_END });
    assertListed(got, { "e.rb": ["__END__@1", "grant_admin@3"] });
  },
});

// A UTF-8 string "Á\\" (bytes C3 81 5C 5C) read as cp932 pairs 81 5C, so
// the second backslash escapes the closing quote and `def hidden` is string.
const AS_UTF8 = [0x73, 0x20, 0x3d, 0x20, 0x22, 0xc3, 0x81, 0x5c, 0x5c, 0x22];
// A cp932 string "表" (bytes 95 5C) read as UTF-8 is "\uFFFD\": its `\`
// escapes the closing quote.
const AS_CP932 = [0x73, 0x20, 0x3d, 0x20, 0x22, 0x95, 0x5c, 0x22];
const TAIL = '; def hidden; end # "\ndef shown; end\n';

Deno.test({
  name:
    "hostile21 hidden [ruby]: a Ruby file is decoded with the encoding Ruby itself reads, not by Python's PEP 263 rules",
  sanitizeResources: false,
  fn: async () => {
    // Found by red team 21 (fixed).
    const got = await skeletons({
      // ruby: __ENCODING__ is UTF-8 (line 2 without a #! line 1): hidden, shown.
      "frozen.rb": bytes("# frozen_string_literal: true\n# encoding: cp932\n", AS_UTF8, TAIL),
      // ruby 3.1.2: Windows-31J (vim's `fileencoding=` is read): shown only (checked with
      // `p respond_to?(:hidden, true)` → false; the cp932 string swallows `def hidden`).
      "vim.rb": bytes("# vim: set fileencoding=cp932 :\n", AS_UTF8, TAIL),
      // ruby: UTF-8 (`=` is not Ruby's separator outside -*- … -*-): hidden, shown.
      "equals.rb": bytes("# coding=cp932\n", AS_UTF8, TAIL),
      // ruby: Windows-31J (the word is matched without case): hidden, shown.
      "upper.rb": bytes("# Coding: cp932\n", AS_CP932, TAIL),
      // ruby: Windows-31J (blanks before the colon): hidden, shown.
      "spaced.rb": bytes("# coding : cp932\n", AS_CP932, TAIL),
    });
    assertListed(got, {
      "frozen.rb": ["hidden@3", "shown@4"],
      "vim.rb": ["shown@3"],
      "equals.rb": ["hidden@2", "shown@3"],
      "upper.rb": ["hidden@2", "shown@3"],
      "spaced.rb": ["hidden@2", "shown@3"],
    });
  },
});

// python 3.11 (ast.parse): hidden on line 3, shown on line 4. Python's
// iso2022_jp codec passes a line feed through inside a JIS run (`ESC $ B`);
// the WHATWG iso-2022-jp decoder turns it into U+FFFD, so line 3 joins the
// comment of line 2 and every later line moves up by one.
const ISO_2022_JP = bytes(
  "# coding: iso-2022-jp\n# note ",
  [0x1b, 0x24, 0x42],
  "\n",
  [0x1b, 0x28, 0x42],
  "def hidden(): pass\ndef shown(): pass\n",
);

Deno.test({
  name:
    "hostile21 hidden [python]: a file declaring iso-2022-jp is read as Python reads it, or refused by name",
  sanitizeResources: false,
  fn: async () => {
    // Found by red team 21 (fixed).
    const seg = await segmentOf({ "j.py": ISO_2022_JP });
    try {
      const args = ["ast", "skeleton", ".", "-s", seg, "--json", "--no-persist-cache"];
      const r = await runGuarded(["run", ...narrowFlags(args), MAIN_TS, ...args], {
        deadlineMs: HANG_GUARD_MS,
        cwd: REPO_ROOT,
      });
      assert.ok(r.finished && r.code === 0, r.stderr.slice(-1000));
      const j = JSON.parse(r.stdout) as SkeletonJson;
      const skip = j.skipped.find((s) => s.path === "j.py");
      if (skip) assert.equal(skip.code, "UNSUPPORTED_ENCODING");
      else {assertListed(new Map(j.files.map((f) => [f.path, flat(f.symbols)])), {
          "j.py": ["hidden@3", "shown@4"],
        });}
    } finally {
      await removeSegment(seg);
    }
  },
});

// CPython 3.11 defines `find` for `def ﬁnd()` (identifiers are NFKC
// normalised, PEP 3131); mcs 6.8 names the class `C` for `class \u0043`.
// Printed at load: this test is ignored (an open weakness), so its reason must show.
console.log(
  "hostile21 reason: names are shown as written: Python's NFKC normalisation (ﬁnd is find) and " +
    "C#'s \\uXXXX escapes in identifiers (\\u0043 is C) are not applied, so `ast find find`, " +
    "`ast find C` and their sym:// URIs miss them.",
);
Deno.test({
  name:
    "hostile21 hidden [python, csharp]: a definition is listed under the name the interpreter or compiler gives it",
  ignore: true, // WEAKNESS (naming, lower priority): see the reason printed below
  sanitizeResources: false,
  fn: async () => {
    const got = await skeletons({
      "n.py": "def \ufb01nd(): pass\n",
      "e.cs": "class \\u0043 { void M() {} }\n",
    });
    assertListed(got, { "n.py": ["find@1"], "e.cs": ["C@1"] });
  },
});

/** Tricks each tool ran as noted, which trifecta already lists the same way. */
const CONTROL: Record<string, { text: string; want: string[] }> = {
  // rustc 1.95 (--edition 2021): nested block comments; shown1..3 only.
  "nest.rs": {
    text: "/* a /* b */ still pub fn not_code() {} */\npub fn shown1() {}\n" +
      "/* /* */ */ pub fn shown2() {}\n/* /* */ pub fn no() {} /* */ */ pub fn shown3() {}\n",
    want: ["shown1@2", "shown2@3", "shown3@4"],
  },
  // rustc 1.95: raw strings and byte/char literals holding quotes.
  "raw.rs": {
    text: 'pub const S: &str = r##"a "# fn no() {} "##; pub fn shown1() {}\n' +
      "pub const C: char = '\"'; pub fn shown2() {}\npub const B: u8 = b'\\''; pub fn shown3() {}\n" +
      'pub const F: &[u8] = br#"""#; pub fn shown4() {}\n',
    want: ["shown1@1", "shown2@2", "shown3@3", "shown4@4"],
  },
  // go 1.19: a raw string spanning lines, a rune holding a backquote.
  "a.go": {
    text: "package p\n\nvar s = `a\n/* ` ; func Shown1() {}\nvar r = '`'; func Shown2() {}\n" +
      'var q = "/*"; func Shown3() {}\n',
    want: ["Shown1@4", "Shown2@5", "Shown3@6"],
  },
  // php 8.2: `?>` ends a // or # comment; keywords in any case; heredoc/nowdoc closers.
  "a.php": {
    text: '<?PHP\n// c ?> text <?php function shown1() {}\n$s = "?>"; function shown2() {}\n' +
      "FUNCTION upper1() {}\nClAsS Upper2 { PUBLIC STATIC FUNCTION m() {} }\n" +
      "$h = <<<EOT\n  EOT_X\n  EOT; function shown3() {}\n$n = <<<'NOW'\n  function no() {}\n  NOW;\n" +
      'function shown4() {}\n#[A("]")] function shown5() {}\n',
    want: [
      "shown1@2",
      "shown2@3",
      "upper1@4",
      "Upper2@5",
      "m@5",
      "shown3@8",
      "shown4@12",
      "shown5@13",
    ],
  },
  // python 3.11: a form feed resets the indentation count (ast: n is top-level).
  "ff.py": {
    text: "class A:\n    def m(self): pass\n    \fdef n(): pass\n\f    \ndef shown(): pass\n",
    want: ["A@1", "m@2", "n@3", "shown@5"],
  },
  // javac 17: text blocks with escaped quotes; an escaped */ (lexed by javac first).
  "A.java": {
    text: 'class A {\n  String s = """\n    a \\""" b\n    """; void shown1() {}\n' +
      "  /* \\u002a/ void shown2() {} /* */\n  void shown3() {}\n}\n",
    want: ["A@1", "shown1@4", "shown2@5", "shown3@6"],
  },
  // node 20 --check: division and regex after ), ++, }, an arrow body; nested templates.
  "re.js": {
    text: "const a = /[/]/; function shown1() {} const b = /x/;\nlet d = 1, g = 2; " +
      "const e = d /g/ 1; function shown2() {}\nif (d) /foo/.test('x'); function shown3() {}\n" +
      "const f = `${`${'`'}`}`; function shown4() {}\nconst l = x => {}\n/foo/g; function shown5() {}\n",
    want: ["shown1@1", "shown2@2", "shown3@3", "shown4@4", "shown5@6"],
  },
  // g++ 12 -std=c++20: raw strings holding )" and digit separators.
  "raw.cpp": {
    text: 'const char* s = R"x(a )" b\n)x"; int shown1() { return 0; }\n' +
      "int x = 1'000; int shown2() { return 0; } int y = 2'0;\n",
    want: ["shown1@2", "shown2@3"],
  },
  // gcc 12: digraphs; a // comment continued by a splice hides the next line.
  "d.c": {
    text: "int shown1(void) <% return 0; %>\n// note \\\nint not_code(void) { return 0; }\n" +
      "int shown2(void) { return 1; }\n",
    want: ["shown1@1", "shown2@4"],
  },
};

Deno.test({
  name:
    "hostile21 hidden (control): nested Rust comments, raw strings, Go raw strings, PHP `?>` and case, Python form feeds, Java text blocks, JS regex/division, C++ raw strings and C digraphs are read as their tools read them",
  sanitizeResources: false,
  fn: async () => {
    const got = await skeletons(
      Object.fromEntries(Object.entries(CONTROL).map(([p, c]) => [p, c.text])),
    );
    assertListed(got, Object.fromEntries(Object.entries(CONTROL).map(([p, c]) => [p, c.want])));
    // Nor is what the tools read as comment or string listed.
    for (const [path, have] of got) {
      const extra = have.filter((n) => /^(?:not_code|no)@/.test(n));
      assert.deepEqual(extra, [], `${path}: comment or string text listed as code`);
    }
  },
});
