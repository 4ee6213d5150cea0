/**
 * Red team 19, angle 1: ONE hostile repository (names with newline, tab,
 * ESC, bidi, invalid UTF-8, backslash, `#`, `?`, `%2e%2e`, a long name;
 * secrets in docstrings, decorators, signatures, annotations, defaults,
 * comments and import lines; ANSI and bidi in docstrings and defaults; a
 * denied `.env`, a symlink out, a symlink onto `.env`, a name holding a
 * token) and every command and output form side by side: `ast skeleton`
 * (text, --json), `ast symbols`, `ast snippet`, `ast find`, `map`,
 * `ctx build/search/get/sync`, `lsp definition/hover/references` (AST
 * fallback), and the MCP tools (text and structured content). Each output
 * is checked for an unmasked secret, a raw control or bidi character in
 * text, an absolute path outside the segment, a denied file's content, and
 * a faked output line.
 *
 * @module
 */
import assert from "node:assert/strict";
import { scanTree } from "../../tools/pii_scan.ts";
import {
  assertNoCrash,
  disposeWorld,
  makeWorld,
  McpSession,
  randomAlnum,
  type Run,
  shown,
  trifecta,
  type World,
} from "./hostile/helpers.ts";

/** What must never appear in any output of this file's runs. */
interface Forbidden {
  /** Random bodies of the planted secrets (never shown, masked or cut). */
  secrets: string[];
  /** Markers written only in denied or outside files. */
  denied: string[];
}

// Characters a terminal acts on (lib/escape.ts TERMINAL_UNSAFE): C0 but
// newline/tab, a CR not before a newline, DEL, C1, bidi, U+2028/9.
const RAW_UNSAFE =
  // deno-lint-ignore no-control-regex -- these are the characters looked for
  /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|\r(?!\n)/;

/** A word of docstring content: file content must never reach telemetry. */
const CONTENT_WORD = "quokkadocstringword";

/** Telemetry at its fullest level for every run, so the most is recorded. */
const FULL = { TRIFECTA_TELEMETRY_LEVEL: "full", TRIFECTA_LSP: "0" };

/**
 * Angle 4: what telemetry kept after all of the runs: the no-PII scan
 * (tools/pii_scan.ts), and none of the planted secrets, denied content,
 * docstring content, or the segment's absolute path.
 */
async function telemetryProblems(w: World, bad: Forbidden): Promise<string[]> {
  const dir = `${w.seg}/_ctx/telemetry`;
  const scan = await scanTree(dir);
  const out = [...scan.problems];
  if (scan.files === 0) out.push("no telemetry was written (nothing checked)");
  for await (const e of Deno.readDir(dir)) {
    if (!e.isFile) continue;
    const text = await Deno.readTextFile(`${dir}/${e.name}`);
    out.push(...problems(`telemetry ${e.name}`, text, w, bad, { raw: false }));
    if (text.includes(CONTENT_WORD)) out.push(`telemetry ${e.name}: file content`);
    if (text.includes(w.base)) out.push(`telemetry ${e.name}: absolute path`);
  }
  return out;
}

/** Build the one hostile repository; returns what must never leak. */
async function hostileRepo(w: World): Promise<Forbidden> {
  const ghp = `ghp_${randomAlnum(36)}`;
  const aws = `AKIA${randomAlnum(16, true)}`;
  const sk = `sk-proj-${randomAlnum(20)}T3Blbk${randomAlnum(20)}`;
  const slack = `xoxb-${"1234567890"}-${"9876543210"}-${randomAlnum(24)}`;
  const pw = `Pw${randomAlnum(10)}9x`;
  const envMark = `ENVMARK${randomAlnum(12)}`;
  const outMark = `OUTMARK${randomAlnum(12)}`;
  const py = [
    `import os  # ${ghp}`,
    `from typing import Literal  # AWS ${aws}`,
    "",
    `# set up with ${slack}`,
    `@decorator(key="${ghp}")`,
    `def f(a="${aws}", b: "Literal['${sk}']" = None, *, password="${pw}"):`,
    `    """Doc ${ghp} and ${slack} ${CONTENT_WORD}.`,
    "    more",
    '    """',
    "    return a",
    "",
    "",
    "class Holder:",
    '    """\x1b[31mRED\x1b[0m \u202eevil\u202c \x1b]0;title\x07 doc"""',
    "",
    '    def m(self, x="\x1b[2J", y: "Literal[\'' + aws + "']\" = None):",
    `        """Doc of m\u2028FAKE_LINE_DOC ${sk}"""`,
    "        return x",
    "",
    "",
    "def uses():",
    "    return f() + Holder().m()",
    "",
  ].join("\n");
  await w.write("pkg/mod.py", py);
  await w.write("pkg/__init__.py", "");
  const ts = [
    `/** Client for ${ghp}. \x1b[2J */`,
    `export function connect(token: string = "${sk}", kind: "${aws}" = "${aws}"): string {`,
    "  return token;",
    "}",
    "",
  ].join("\n");
  await w.write("web/client.ts", ts);
  const names = [
    "nl\nFAKE_LINE_NAME.py",
    "tab\tname.py",
    "esc\x1b[2Jname.py",
    "bidi\u202etxt.py",
    "back\\slash.py",
    "hash#frag?q.py",
    "%2e%2e.py",
    `${"long".repeat(60)}.py`,
  ];
  for (const [i, n] of names.entries()) {
    await w.write(`names/${n}`, `def named_${i}():\n    return ${i}\n`);
  }
  // Deno takes file names as strings only: the shell writes the invalid UTF-8 one.
  const made = await new Deno.Command("bash", {
    args: [
      "-c",
      `printf 'def badname():\\n    return 1\\n' > "$1/names/bad"$'\\xff\\xfe'.py`,
      "_",
      w.seg,
    ],
  }).output();
  assert.equal(made.code, 0, "the invalid UTF-8 name was written");
  await w.write(".env", `API=${envMark}\n`);
  await w.write("config/credentials.json", `{"k": "${envMark}"}\n`);
  await w.write(`names/${ghp}.py`, `def in_secret_name():\n    return "${envMark}"\n`);
  await w.writeOutside("outside.py", `def outside_fn():\n    return "${outMark}"\n`);
  await Deno.symlink(`${w.outside}/outside.py`, `${w.seg}/outlink.py`);
  await Deno.symlink(".env", `${w.seg}/envlink.py`);
  return {
    secrets: [ghp.slice(4), aws.slice(4), sk.slice(8, 28), slack.slice(-24), pw],
    denied: [envMark, outMark],
  };
}

/** Every problem of one output text (empty when it is clean). */
function problems(
  what: string,
  text: string,
  w: World,
  bad: Forbidden,
  options: { raw: boolean },
): string[] {
  const out: string[] = [];
  for (const s of bad.secrets) {
    if (text.includes(s)) out.push(`${what}: unmasked secret …${s.slice(0, 6)}…`);
  }
  for (const d of bad.denied) {
    if (text.includes(d)) out.push(`${what}: denied/outside content ${d}`);
  }
  if (text.includes(w.outside) || text.includes(w.base + "/outside")) {
    out.push(`${what}: outside path`);
  }
  if (options.raw) {
    const m = RAW_UNSAFE.exec(text);
    if (m) {
      const at = m.index;
      out.push(
        `${what}: raw U+${m[0].charCodeAt(0).toString(16)} near ${
          JSON.stringify(text.slice(Math.max(0, at - 30), at + 10))
        }`,
      );
    }
    if (/^\s*FAKE_LINE/m.test(text)) {
      out.push(`${what}: a repository string started its own line (FAKE_LINE)`);
    }
  }
  return out;
}

/** The CLI runs of the comparison: every command, text and --json. */
const CLI_RUNS: readonly (readonly string[])[] = [
  ["ast", "skeleton", "."],
  ["ast", "skeleton", ".", "--json"],
  ["ast", "skeleton", "pkg/mod.py", "web/client.ts"],
  ["ast", "symbols", "sym://python/mod/pkg.mod"],
  ["ast", "symbols", "sym://python/mod/pkg.mod", "--json"],
  ["ast", "symbols", "sym://python/type/pkg/mod/Holder#m"],
  ["ast", "snippet", "sym://python/type/pkg/mod/f", "--mode", "raw"],
  ["ast", "snippet", "sym://python/type/pkg/mod/Holder", "--mode", "excerpt", "--json"],
  ["ast", "snippet", "sym://typescript/type/web/client/connect", "--mode", "raw"],
  ["ast", "find", "*"],
  ["ast", "find", "*", "--json"],
  ["map"],
  ["map", "--json"],
  ["ctx", "build"],
  ["ctx", "search", "-q", "Doc and more"],
  ["ctx", "search", "-q", "Client connect token", "--json"],
  ["ctx", "sync"],
  ["lsp", "hover", "pkg/mod.py:6:5"],
  ["lsp", "definition", "pkg/mod.py:22:12", "--json"],
  ["lsp", "references", "sym://python/type/pkg/mod/f"],
];

/** Chunk ids named in a search's --json output. */
function idsOf(r: Run): string[] {
  const j = JSON.parse(r.stdout) as { results?: { id?: string }[]; hits?: { id?: string }[] };
  return [...(j.results ?? []), ...(j.hits ?? [])].flatMap((h) => (h.id ? [h.id] : []));
}

Deno.test({
  name:
    "hostile19 outputs [cli]: every command and output form over one hostile repository: no secret, raw control/bidi, outside path or denied content",
  sanitizeResources: false,
  async fn() {
    const w = await makeWorld({ example: false });
    try {
      const bad = await hostileRepo(w);
      const found: string[] = [];
      let ids: string[] = [];
      for (const args of CLI_RUNS) {
        const r = await trifecta(w, args, { env: FULL });
        assertNoCrash(r);
        assert.ok(r.code === 0, `expected success: ${shown(r)}`);
        found.push(...problems(args.join(" "), r.stdout + r.stderr, w, bad, { raw: true }));
        if (args[1] === "search" && args.includes("--json")) ids = idsOf(r);
      }
      assert.ok(ids.length > 0, "the search found the client chunk");
      for (const mode of ["raw", "excerpt", "skeleton"]) {
        const r = await trifecta(w, ["ctx", "get", "-i", ids.join(","), "-m", mode], { env: FULL });
        assertNoCrash(r);
        found.push(...problems(`ctx get ${mode}`, r.stdout + r.stderr, w, bad, { raw: true }));
      }
      found.push(...await telemetryProblems(w, bad));
      assert.deepEqual(found, []);
    } finally {
      await disposeWorld(w);
    }
  },
});

Deno.test({
  name:
    "hostile19 outputs [mcp]: every tool, text and structured content, over the same hostile repository leaks nothing",
  sanitizeResources: false,
  async fn() {
    const w = await makeWorld({ example: false });
    const s = await (async () => {
      await hostileRepo(w);
      return await McpSession.start(w, { env: FULL, args: ["--no-watch"] });
    })().catch(async (err) => {
      await disposeWorld(w);
      throw err;
    });
    try {
      const bad = await (async () => {
        // The repository was written above; read its secrets back from the files.
        const text = await Deno.readTextFile(`${w.seg}/pkg/mod.py`);
        const ghp = /ghp_([A-Za-z0-9]{36})/.exec(text)?.[1] ?? "";
        const aws = /AKIA([A-Z0-9]{16})/.exec(text)?.[1] ?? "";
        const env = /API=(\w+)/.exec(await Deno.readTextFile(`${w.seg}/.env`))?.[1] ?? "";
        const out =
          /"(OUTMARK\w+)"/.exec(await Deno.readTextFile(`${w.outside}/outside.py`))?.[1] ?? "";
        assert.ok(ghp && aws && env && out, "planted values found");
        return { secrets: [ghp, aws], denied: [env, out] };
        // (the other planted values are checked by the CLI test)
      })();
      const calls: [string, Record<string, unknown>][] = [
        ["skeleton", { path: "." }],
        ["skeleton", { path: "names" }],
        ["map", {}],
        ["find_symbol", { pattern: "*", include_body: true, limit: 100 }],
        ["symbol", { uri: "sym://python/mod/pkg.mod" }],
        ["symbol", { uri: "sym://python/type/pkg/mod/Holder#m" }],
        ["snippet", { uri: "sym://python/type/pkg/mod/f", mode: "raw" }],
        ["snippet", { uri: "sym://typescript/type/web/client/connect", mode: "raw" }],
        ["hover", { file: "pkg/mod.py", line: 6, column: 5 }],
        ["definition", { uri: "sym://python/type/pkg/mod/Holder#m" }],
        ["references", { uri: "sym://python/type/pkg/mod/f" }],
        ["find_references", { uri: "sym://python/type/pkg/mod/f" }],
        ["diagnostics", { file: "pkg/mod.py" }],
        ["pack_sync", {}],
        ["search", { query: "Doc and more" }],
        ["search", { query: "Client connect token" }],
      ];
      const found: string[] = [];
      const ids: string[] = [];
      for (const [tool, args] of calls) {
        const a = await s.call(tool, args);
        const what = `mcp ${tool} ${JSON.stringify(args)}`;
        assert.ok(!a.text.includes("INTERNAL_ERROR"), `${what}: ${a.text}`);
        found.push(...problems(what, a.text, w, bad, { raw: true }));
        found.push(
          ...problems(`${what} structured`, JSON.stringify(a.structured), w, bad, { raw: false }),
        );
        if (tool === "search") {
          const hits = (a.structured.results ?? a.structured.hits ?? []) as { id?: string }[];
          for (const h of hits) if (h.id) ids.push(h.id);
        }
      }
      assert.ok(ids.length > 0, "search found chunks");
      for (const mode of ["raw", "excerpt", "skeleton"]) {
        const a = await s.call("get", { ids, mode });
        found.push(...problems(`mcp get ${mode}`, a.text, w, bad, { raw: true }));
        found.push(
          ...problems(`mcp get ${mode} structured`, JSON.stringify(a.structured), w, bad, {
            raw: false,
          }),
        );
      }
      assert.deepEqual(s.junk, [], "stdout carries only the protocol");
      await s.close();
      found.push(...await telemetryProblems(w, bad));
      assert.deepEqual(found, []);
    } finally {
      await s.close();
      await disposeWorld(w);
    }
  },
});
