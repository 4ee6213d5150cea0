/**
 * Output hygiene (issue 12, class 12): a hostile repository's file names,
 * docstrings, headings and telemetry files hold ESC sequences, carriage
 * returns, newlines and bidi overrides; the real CLI must print them escaped
 * (no terminal sequence, no faked output line), keep `--json` valid and
 * equal in value, bound the nesting of skeleton JSON, and keep absolute
 * paths outside the segment out of its errors.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type CliResult, removeSegment, runCli } from "./helpers.ts";
import { MAX_QUALIFIED_CHARS } from "../../lib/ast/mod.ts";

/** What a terminal would act on (lib/escape.ts): never raw in output. */
const RAW_CONTROL =
  // deno-lint-ignore no-control-regex -- these are the characters matched on purpose
  /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|\r(?!\n)/;

/** A file name that, printed raw, colours the terminal and fakes a line. */
const EVIL_NAME = "evil\x1b[31mRED\nFAKE: injected\u202eyp.py";
/** How the CLI prints it. */
const EVIL_ESCAPED = "evil\\x1b[31mRED\\nFAKE: injected\\u202eyp.py";

// A lone CR is a line break to Python (and to the pack's chunker): content
// after it may start a line; only names and fields must never do that. The
// docstring's first line, as CPython reads it, ends at the CR.
const EVIL_SOURCE =
  'class Shop:\n    """Doc \x1b]0;pwned\x07 with \u202etxt.exe\rOVER: doc line."""\n\n' +
  '    def buy(self, x="\x1b[2J"):\n        pass\n';

async function hostileSegment(): Promise<string> {
  const seg = await Deno.makeTempDir({ prefix: "trifecta-hygiene-" });
  await Deno.writeTextFile(join(seg, EVIL_NAME), EVIL_SOURCE);
  await Deno.mkdir(join(seg, "docs"));
  await Deno.writeTextFile(
    join(seg, "docs", "guide\x1b[1m.md"),
    "# Title \x1b[31m red\n\nSome stock text about \u202e widgets.\n",
  );
  return seg;
}

/** No raw control character and no line that the hostile names forged. */
function assertClean(r: CliResult, what: string): void {
  const streams: [string, string][] = [["stdout", r.stdout], ["stderr", r.stderr]];
  for (const [stream, text] of streams) {
    const m = RAW_CONTROL.exec(text);
    assert.equal(m, null, `${what}: raw U+${m?.[0].charCodeAt(0).toString(16)} on ${stream}`);
    assert.doesNotMatch(text, /^FAKE/m, `${what}: a forged line on ${stream}`);
  }
}

Deno.test("hygiene: ast skeleton prints a hostile file name, doc and default escaped, one line each", async () => {
  const seg = await hostileSegment();
  try {
    const r = await runCli(["ast", "skeleton", ".", "-s", seg]);
    assert.equal(r.code, 0, r.stderr);
    assertClean(r, "ast skeleton");
    assert.ok(r.stdout.includes(EVIL_ESCAPED), r.stdout);
    assert.ok(r.stdout.includes("Doc \\x1b]0;pwned\\x07 with \\u202etxt.exe"), r.stdout);
    assert.ok(
      !r.stdout.includes("OVER"),
      "the doc line ends where Python's first docstring line does",
    );
    assert.ok(r.stdout.includes('x="\\x1b[2J"'), r.stdout);
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("hygiene: ast skeleton --json is valid, holds the exact name and escapes bidi as \\u", async () => {
  const seg = await hostileSegment();
  try {
    const r = await runCli(["ast", "skeleton", ".", "-s", seg, "--json"]);
    assert.equal(r.code, 0, r.stderr);
    assertClean(r, "ast skeleton --json");
    assert.ok(r.stdout.includes("\\u202e"), "bidi override written as a JSON escape");
    const json = JSON.parse(r.stdout);
    const file = json.files.find((f: { path: string }) => f.path.startsWith("evil"));
    assert.equal(file.path, EVIL_NAME, "JSON keeps the value");
    assert.equal(file.symbols[0].doc, "Doc \x1b]0;pwned\x07 with \u202etxt.exe");
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("hygiene: ast symbols and ast snippet print a hostile doc, default and code escaped", async () => {
  const seg = await hostileSegment();
  try {
    await Deno.writeTextFile(join(seg, "shop.py"), EVIL_SOURCE);
    for (
      const args of [
        ["ast", "symbols", "sym://python/mod/shop"],
        ["ast", "symbols", "sym://python/type/shop/Shop"],
        ["ast", "snippet", "sym://python/type/shop/Shop", "--mode", "raw"],
        ["ast", "snippet", "sym://python/type/shop/Shop", "--mode", "skeleton"],
      ]
    ) {
      const r = await runCli([...args, "-s", seg]);
      assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
      assertClean(r, args.join(" "));
      assert.match(r.stdout, /\\x1b/, args.join(" "));
    }
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("hygiene: ctx search and ctx get print hostile titles, ids and content escaped", async () => {
  const seg = await hostileSegment();
  try {
    const build = await runCli(["ctx", "build", "-s", seg]);
    assert.equal(build.code, 0, build.stderr);
    assertClean(build, "ctx build");
    for (const q of ["Shop", "widgets"]) {
      const r = await runCli(["ctx", "search", "-q", q, "-s", seg]);
      assert.equal(r.code, 0, r.stderr);
      assertClean(r, `ctx search ${q}`);
      assert.match(r.stdout, /Search Results \(1 hit\)/);
    }
    const found = await runCli(["ctx", "search", "-q", "Shop", "-s", seg, "--json"]);
    assertClean(found, "ctx search --json");
    const id = JSON.parse(found.stdout).hits[0].id as string;
    assert.ok(id.includes(EVIL_NAME), "the id holds the real name");
    for (const mode of ["raw", "excerpt", "skeleton"]) {
      const r = await runCli(["ctx", "get", "-i", id, "-m", mode, "-s", seg]);
      assert.equal(r.code, 0, r.stderr);
      assertClean(r, `ctx get -m ${mode}`);
      assert.ok(r.stdout.includes(EVIL_ESCAPED), r.stdout);
    }
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("hygiene: an error card escapes a hostile path argument (text and --json)", async () => {
  const seg = await hostileSegment();
  try {
    const name = "nope\x1b[2J\nFAKE: missing.py";
    const r = await runCli(["ast", "skeleton", name, "-s", seg]);
    assert.equal(r.code, 1);
    assertClean(r, "error card");
    assert.match(r.stderr, /^TRIFECTA_ERROR_CODE: FILE_NOT_FOUND$/m);
    assert.ok(r.stderr.includes("nope\\x1b[2J\\nFAKE: missing.py"), r.stderr);
    const j = await runCli(["ast", "skeleton", name, "-s", seg, "--json"]);
    assertClean(j, "error --json");
    assert.equal(JSON.parse(j.stdout).error_code, "FILE_NOT_FOUND");
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("hygiene: telemetry report escapes command names and warnings planted in the segment", async () => {
  const seg = await hostileSegment();
  try {
    await Deno.mkdir(join(seg, "_ctx", "telemetry"), { recursive: true });
    const planted = {
      ts: new Date().toISOString(),
      run_id: "run_1_0",
      segment_id: "00000000",
      cmd: "evil\x1b[2J\nFAKE: cmd",
      args: {},
      result: { status: "ok" },
      timing_ms: 3,
      tokens: { input_tokens: 0, output_tokens: 0, total_tokens: 0, retrieved_tokens: 0 },
      warnings: ["warn\x1b]0;title\x07\nFAKE: warning"],
      x: {},
    };
    await Deno.writeTextFile(
      join(seg, "_ctx", "telemetry", "events.jsonl"),
      JSON.stringify(planted) + "\n",
    );
    const r = await runCli(["telemetry", "report", "-s", seg]);
    assert.equal(r.code, 0, r.stderr);
    assertClean(r, "telemetry report");
    assert.ok(r.stdout.includes("evil\\x1b[2J\\nFAKE: cmd"), r.stdout);
    const h = await runCli(["telemetry", "health", "-s", seg]);
    assertClean(h, "telemetry health");
  } finally {
    await removeSegment(seg);
  }
});

/** The deepest nesting of `[`/`{` in a JSON text. */
function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "[" || c === "{") max = Math.max(max, ++depth);
    else if (c === "]" || c === "}") depth--;
  }
  return max;
}

interface Sym {
  qualified_name: string;
  depth_flattened?: boolean;
  children: Sym[];
}

Deno.test("hygiene: 1,000 nested classes give --json that python's json and jq parse, 32 levels deep at most", async () => {
  const seg = await Deno.makeTempDir({ prefix: "trifecta-deep-" });
  try {
    const lines: string[] = [];
    for (let i = 0; i < 1000; i++) lines.push(`${"    ".repeat(i)}class C${i}:`);
    lines.push(`${"    ".repeat(1000)}pass`);
    await Deno.writeTextFile(join(seg, "deep.py"), lines.join("\n") + "\n");
    const r = await runCli(["ast", "skeleton", "deep.py", "-s", seg, "--json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(jsonDepth(r.stdout) < 100, `JSON depth ${jsonDepth(r.stdout)}`);
    const py = new Deno.Command("python3", {
      args: ["-c", "import json,sys; json.load(sys.stdin); print('ok')"],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const w = py.stdin.getWriter();
    await w.write(new TextEncoder().encode(r.stdout));
    await w.close();
    const pyOut = await py.output();
    assert.equal(
      new TextDecoder().decode(pyOut.stdout).trim(),
      "ok",
      new TextDecoder().decode(pyOut.stderr),
    );
    // Walk it: no symbol deeper than 32, every class kept, names intact.
    const json = JSON.parse(r.stdout);
    const seen: Sym[] = [];
    let deepest = 0;
    const walk = (list: Sym[], depth: number) => {
      for (const s of list) {
        seen.push(s);
        deepest = Math.max(deepest, depth);
        walk(s.children, depth + 1);
      }
    };
    walk(json.files[0].symbols, 1);
    // tree-sitter's Python grammar recovers the innermost ~511 levels (the
    // outer ones are lost to error recovery, has_errors: true): one chain.
    const n = seen.length;
    assert.ok(n > 100, `${n} classes`);
    assert.equal(deepest, 32);
    const last = seen[n - 1];
    assert.ok(last);
    assert.match(last.qualified_name, /\.C999$/);
    // Names nest intact up to the bound; past it the front is clipped, the tail kept.
    const joined = seen.map((s) => s.qualified_name.split(".").pop()).join(".");
    assert.equal(
      last.qualified_name,
      joined.length <= MAX_QUALIFIED_CHARS ? joined : `… ${joined.slice(-MAX_QUALIFIED_CHARS)}`,
    );
    assert.equal(last.depth_flattened, true);
    assert.equal(seen.filter((s) => s.depth_flattened).length, n - 32);
    const level32 = seen[31];
    assert.ok(level32);
    assert.equal(level32.depth_flattened, undefined, "the 32nd level is where it was");
    const text = await runCli(["ast", "skeleton", "deep.py", "-s", seg]);
    assert.equal(text.code, 0, text.stderr);
    assert.ok(
      !text.stdout.includes(" ".repeat(2 * 33) + "class"),
      "text indentation is bounded too",
    );
  } finally {
    await removeSegment(seg);
  }
});

const JQ_TEST = "hygiene: jq reads the --json skeleton of 1,000 nested classes";
const HAS_JQ = await hasJq();
if (!HAS_JQ) console.log(`SKIPPED ${JQ_TEST}: jq is not installed`);

Deno.test({
  name: JQ_TEST,
  ignore: !HAS_JQ,
  fn: async () => {
    const seg = await Deno.makeTempDir({ prefix: "trifecta-deep-jq-" });
    try {
      const lines: string[] = [];
      for (let i = 0; i < 1000; i++) lines.push(`${"  ".repeat(i)}class K${i}:`);
      lines.push(`${"  ".repeat(1000)}pass`);
      await Deno.writeTextFile(join(seg, "deep.py"), lines.join("\n") + "\n");
      const r = await runCli(["ast", "skeleton", "deep.py", "-s", seg, "--json"]);
      assert.equal(r.code, 0, r.stderr);
      const jq = new Deno.Command("jq", {
        args: ["[.. | objects | select(.qualified_name?) ] | length"],
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const w = jq.stdin.getWriter();
      await w.write(new TextEncoder().encode(r.stdout));
      await w.close();
      const out = await jq.output();
      assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
      assert.ok(Number(new TextDecoder().decode(out.stdout).trim()) > 100);
    } finally {
      await removeSegment(seg);
    }
  },
});

async function hasJq(): Promise<boolean> {
  try {
    return (await new Deno.Command("jq", { args: ["--version"], stdout: "null", stderr: "null" })
      .output()).code === 0;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

Deno.test("hygiene: errors never name where a symlink leads outside the segment", async () => {
  const seg = await hostileSegment();
  const outside = await Deno.makeTempDir({ prefix: "trifecta-outside-marker-" });
  try {
    await Deno.writeTextFile(join(outside, "mod.py"), "def secret():\n    pass\n");
    await Deno.symlink(join(outside, "mod.py"), join(seg, "link.py"));
    await Deno.symlink(outside, join(seg, "linkdir"));
    for (
      const args of [
        ["ast", "skeleton", "link.py"],
        ["ast", "skeleton", "linkdir/mod.py"],
        ["ast", "symbols", "sym://python/mod/link"],
        ["ast", "snippet", "sym://python/type/linkdir.mod/secret"],
      ]
    ) {
      for (const json of [false, true]) {
        const r = await runCli([...args, "-s", seg, ...(json ? ["--json"] : [])]);
        const what = `${args.join(" ")}${json ? " --json" : ""}`;
        assert.notEqual(r.code, 0, `${what}: ${r.stdout}`);
        assert.ok(!(r.stdout + r.stderr).includes(outside), `${what} names ${outside}`);
        assert.doesNotMatch(r.stdout + r.stderr, /trifecta-outside-marker/, what);
        assertClean(r, what);
      }
    }
  } finally {
    await removeSegment(seg);
    await Deno.remove(outside, { recursive: true });
  }
});
