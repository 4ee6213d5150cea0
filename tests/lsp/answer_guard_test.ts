/**
 * What an answer may carry: scrubbed text, checked paths and positions —
 * for answers converted from a server (convert.ts, against real files and
 * symlinks) and answers that crossed from another process (sanitizeAnswer).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { resolveSegment } from "../../lib/segment/mod.ts";
import {
  maskLiteralValues,
  sanitizeAnswer,
  scrubText,
  validAnswerPath,
} from "../../lib/lsp/answer_guard.ts";
import { convertContext, toDiagnostics, toLocations } from "../../lib/lsp/convert.ts";
import { uriToPath } from "../../lib/lsp/uri.ts";
import type { LspDiagnostic } from "../../lib/lsp/client.ts";

const AWS = "AKIAIOSFODNN7EXAMPLE";

Deno.test("scrubText masks secrets, turns file URIs and home paths into shown paths, drops control characters", () => {
  const out = scrubText(
    "/repo",
    `key ${AWS}_x at file:///repo/src/a.py and /home/alice/notes.txt or /root/.bashrc\x1b[2J\r`,
  );
  assert.doesNotMatch(out, /AKIAIOSFODNN7EXAMPLE/);
  assert.match(out, /<SECRET_REDACTED:aws-access-key-id>/);
  assert.match(out, / src\/a\.py /);
  assert.doesNotMatch(out, /file:|\/home\/alice|\/root\//);
  assert.match(out, /external\/[0-9a-f]{8}-notes\.txt/);
  // deno-lint-ignore no-control-regex -- these are the characters matched on purpose
  assert.doesNotMatch(out, /[\x1b\r]/);
});

Deno.test("scrubText keeps the punctuation that follows a path (it belongs to the sentence)", () => {
  const out = scrubText(
    "/repo",
    "see /home/ann/x.py, key; then file:///repo/src/a.py: and /repo/b.py.",
  );
  assert.match(out, /external\/[0-9a-f]{8}-x\.py, key;/);
  assert.match(out, / src\/a\.py: and /);
  assert.match(out, / b\.py\.$/);
  assert.doesNotMatch(out, /\/home\/ann|file:|\/repo\//);
});

Deno.test("scrubText caps a huge text", () => {
  const out = scrubText("/repo", "x".repeat(1_000_000));
  assert.ok(out.length < 70_000);
  assert.match(out, /… \(cut\)$/);
});

Deno.test("uriToPath refuses remote hosts, encoded slashes and NUL, and other schemes", () => {
  assert.equal(uriToPath("file:///repo/a%20b.py"), "/repo/a b.py");
  assert.equal(uriToPath("file:///repo/../etc/passwd"), "/etc/passwd");
  assert.equal(uriToPath("file://evil.example/etc/passwd"), undefined);
  assert.equal(uriToPath("file:///repo/a%2F..%2Fb"), undefined);
  assert.equal(uriToPath("file:///repo/a%00b"), undefined);
  assert.equal(uriToPath("https://example.com/a.py"), undefined);
});

Deno.test("validAnswerPath accepts segment-relative and external paths only", () => {
  for (const ok of ["src/a.py", "external/0123abcd-typing.pyi", "external/non-file-uri"]) {
    assert.equal(validAnswerPath(ok), true, ok);
  }
  for (
    const bad of [
      "../../etc/shadow",
      "/etc/shadow",
      "src/../../x",
      "a//b",
      "./a",
      "a\nb",
      ".env",
      "external/../../x",
      "external/zz-x",
      "",
    ]
  ) {
    assert.equal(validAnswerPath(bad), false, bad);
  }
});

Deno.test("sanitizeAnswer rebuilds a daemon answer: bad paths and positions dropped, text scrubbed, extra fields gone", () => {
  const raw = {
    file: "/etc/passwd",
    source: "lsp",
    locations: [
      { path: "src/a.py", line: 3, col: 1, end_line: 3, end_col: 4 },
      { path: "../../etc/shadow", line: 1, col: 1, end_line: 1, end_col: 2 },
      { path: "src/a.py", line: -1, col: 1, end_line: 1, end_col: 2 },
      { path: "src/a.py", line: Number.NaN, col: 1, end_line: 1, end_col: 2 },
      { path: "src/a.py", line: 1e12, col: 1, end_line: 1, end_col: 2 },
      "junk",
    ],
    contents: `MARKER ${AWS} /home/bob/x.py`,
    evil: "EXTRA_FIELD",
  };
  const out = sanitizeAnswer("/repo", raw, { file: "src/use.py", line: 2, col: 3 });
  assert.equal(out.file, "src/use.py");
  assert.deepEqual(out.locations, [{ path: "src/a.py", line: 3, col: 1, end_line: 3, end_col: 4 }]);
  assert.match(out.note!, /5 item\(s\) with an invalid path or position dropped/);
  assert.doesNotMatch(JSON.stringify(out), /AKIAIOSFODNN7EXAMPLE|\/home\/bob|EXTRA_FIELD|shadow/);
});

Deno.test("convert: locations on denied files or through links that leave the segment are dropped, outside ones shown as external/<hash8>-<name>, bad positions dropped", async () => {
  const dir = await Deno.makeTempDir();
  const outside = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "a.py"), "x = 1\ny = 2\n");
    await Deno.writeTextFile(join(dir, ".env"), "SECRET=1\n");
    await Deno.writeTextFile(join(outside, "o.py"), "OUTSIDE = 1\n");
    await Deno.symlink(join(outside, "o.py"), join(dir, "link.py"));
    await Deno.writeTextFile(join(dir, "id_rsa_backup.py"), "K = 1\n");
    const segment = await resolveSegment(dir);
    const u = (p: string) => `file://${segment.root}/${p}`;
    const r = (line: number, character = 0) => ({
      start: { line, character },
      end: { line, character: character + 1 },
    });
    const ctx = convertContext(segment);
    const locations = toLocations(ctx, [
      { uri: u("a.py"), range: r(1) },
      { uri: u(".env"), range: r(0) },
      { uri: u("link.py"), range: r(0) },
      { uri: u("id_rsa_backup.py"), range: r(0) },
      { targetUri: "file:///root/.ssh/id_rsa", targetRange: r(0) },
      { uri: `file://${outside}/o.py`, range: r(0) },
      { uri: u("a.py"), range: r(-1) },
      { uri: u("a.py"), range: { start: { line: "NaN", character: 0 }, end: r(0).end } },
      { uri: u("a.py"), range: r(500) }, // past the end of a two-line file
      { uri: u("a.py"), range: r(1e12) },
    ]);
    assert.equal(locations.length, 2);
    assert.deepEqual(locations[0], { path: "a.py", line: 2, col: 1, end_line: 2, end_col: 2 });
    assert.match(locations[1]?.path ?? "", /^external\/[0-9a-f]{8}-o\.py$/);
    assert.deepEqual(ctx.dropped, { refused: 4, invalid: 4 });
    assert.doesNotMatch(JSON.stringify(locations), new RegExp(outside.replaceAll("/", "\\/")));
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(outside, { recursive: true });
  }
});

Deno.test("convert: diagnostics with invalid ranges are dropped, messages scrubbed", () => {
  const dropped = { refused: 0, invalid: 0 };
  const items = [
    { range: r(0), message: `bad ${AWS}`, severity: 1 },
    { range: r(-5), message: "negative" },
    {
      range: { start: { line: 0, character: Infinity }, end: { line: 0, character: 1 } },
      message: "x",
    },
  ] as unknown as LspDiagnostic[];
  const out = toDiagnostics(items, ["x = 1"], { root: "/repo", dropped });
  assert.equal(out.length, 1);
  assert.doesNotMatch(out[0]?.message ?? "", /AKIA/); // out.length is 1: checked above
  assert.equal(dropped.invalid, 2);

  function r(line: number) {
    return { start: { line, character: 0 }, end: { line, character: 1 } };
  }
});

Deno.test("maskLiteralValues hides string literal values in types (pyright Literal[...], TypeScript quoted types), keeps numbers", () => {
  assert.equal(
    maskLiteralValues(
      `y: Literal['sk-1', "b"], Literal[b'x', 3], Literal['it\\'s']`,
      "literal_types",
    ),
    "y: Literal['…', '…'], Literal['…', 3], Literal['…']",
  );
  assert.equal(
    maskLiteralValues(`Type '"sk-abc"' is not assignable to type 'number'.`, "quoted"),
    `Type '"…"' is not assignable to type 'number'.`,
  );
  assert.equal(
    maskLiteralValues('name: "kept in python"', "literal_types"),
    'name: "kept in python"',
  );
});

Deno.test("maskLiteralValues: a ] or a quote inside a value does not end it (hover and diagnostics)", () => {
  const cases = [
    `KEY: Literal['x]OUTLIT_M2_value']`,
    `Type "Literal['x]OUTLIT_M2_value']" is not assignable to declared type "int"`,
    `Literal["a\\"]OUTLIT_M2_value"]`,
    `Literal['''x]'OUTLIT_M2_value''', b"]OUTLIT_M2_value", rb'\\']OUTLIT_M2_value']`,
    `Literal[Literal['a'], 'x]OUTLIT_M2_value']`,
    `Literal['x]OUTLIT_M2_value`, // cut open
  ];
  for (const text of cases) {
    const out = maskLiteralValues(text, "literal_types");
    assert.doesNotMatch(out, /OUTLIT_M2/, text);
    assert.match(out, /Literal\[/, "the type stays");
  }
});

Deno.test("maskLiteralValues: every string literal in a Python code block is masked (defaults, Final values), prose is kept", () => {
  const hover = [
    "```python",
    `(function) def outfunc(token: str = "OUTDEFAULT_M6", b: bytes = rb'\\'OUT_M7', t: str = '''OUT"_M9''') -> None`,
    `(constant) KEY: Final = "x]OUTLIT_M2_value"`,
    "```",
    "---",
    "It's the doc: 'kept'",
  ].join("\n");
  const out = maskLiteralValues(hover, "literal_types");
  assert.doesNotMatch(out, /OUTDEFAULT_M6|OUT_M7|OUT"_M9|OUTLIT_M2/);
  assert.match(out, /token: str = '…', b: bytes = '…', t: str = '…'\) -> None/);
  assert.match(out, /It's the doc: 'kept'/);
});

Deno.test("maskLiteralValues (property): no value survives, whatever quotes, escapes, brackets or prefixes it is written with", () => {
  const quotes = ["'", '"', "'''", '"""'];
  const prefixes = ["", "b", "r", "rb", "Br", "f", "u"];
  const alphabet = ["]", "[", "'", '"', "\\", "x", " ", ",", "\n"];
  let seed = 7;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  // next(n) < n: the index is always in range.
  const pick = (xs: string[]): string => xs[next(xs.length)]!;
  for (let run = 0; run < 2000; run++) {
    const q = pick(quotes);
    const single = q.length === 1;
    let body = "";
    for (let k = next(8); k > 0; k--) {
      const c = pick(alphabet);
      if (c === "\n" && single) continue;
      // Escape what would end the literal, as a server's repr does.
      body += c === "\\" || c === q[0] ? `\\${c}` : c;
    }
    const literal = `${pick(prefixes)}${q}${body}SECRETVAL${body}${q}`;
    for (
      const text of [
        `x: Literal[${literal}, 3]`,
        "```python\nv: str = " + literal + "\n```",
      ]
    ) {
      assert.doesNotMatch(maskLiteralValues(text, "literal_types"), /SECRETVAL/, text);
    }
  }
});
