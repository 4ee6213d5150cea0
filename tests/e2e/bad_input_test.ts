/**
 * The bad-input table (docs/bad_inputs.md), run against the real CLI with the
 * documented narrow permission flags: each case names its error code and exit
 * code, and checks that nothing trifecta wrote before was lost.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  type CliResult,
  LIB_DIR,
  narrowFlags,
  removeSegment,
  runCli,
  tempExample,
} from "./helpers.ts";
import { permissionFlags } from "../../tools/permissions.ts";

const TYPE_URI = "sym://python/type/src.inventory.models/Inventory";

interface Case {
  /** What is bad. */
  name: string;
  /** CLI args; `-s <seg>` and `--json` are added. */
  args: (seg: string) => string[];
  /** Expected exit code. */
  exit: number;
  /** Expected `error_code` (`ok` for a success). */
  code: string;
  /** Prepares the segment (after the baseline pack and telemetry exist). */
  setup?: (seg: string) => Promise<void>;
  /** Extra checks on the result. */
  check?: (seg: string, res: CliResult) => Promise<void> | void;
  /** Flags instead of the narrow ones for this segment. */
  flags?: (seg: string) => string[];
  /** Skip the "previous files intact" check (the case rebuilds on purpose). */
  rewrites?: boolean;
  /** No `-s` (the case passes its own). */
  noSegment?: boolean;
  /** Files that must hold these exact bytes afterwards (the default check covers the pack). */
  ignoreIntact?: string[];
}

const enc = new TextEncoder();

async function write(seg: string, rel: string, data: string | Uint8Array): Promise<void> {
  const path = join(seg, rel);
  await Deno.mkdir(join(path, ".."), { recursive: true });
  await Deno.writeFile(path, typeof data === "string" ? enc.encode(data) : data);
}

function jsonOf(res: CliResult): Record<string, unknown> {
  const text = res.stdout.trim();
  assert.ok(
    text.startsWith("{"),
    `expected one JSON object, got: ${text.slice(0, 200)}\n${res.stderr}`,
  );
  return JSON.parse(text);
}

const CASES: Case[] = [
  // --- sym:// URIs (ast symbols / ast snippet)
  {
    name: "URI without sym:// scheme",
    args: () => ["ast", "symbols", "sym:/x"],
    exit: 1,
    code: "INVALID_URI",
  },
  {
    name: "URI with unknown language",
    args: () => ["ast", "symbols", "sym://cobol/mod/a"],
    exit: 1,
    code: "INVALID_URI",
  },
  {
    name: "URI without kind and path",
    args: () => ["ast", "symbols", "sym://python/"],
    exit: 1,
    code: "INVALID_URI",
  },
  {
    name: "URI with unknown kind",
    args: () => ["ast", "symbols", "sym://python/fn/a.b"],
    exit: 1,
    code: "INVALID_URI",
  },
  {
    name: "URI with ../ in the path",
    args: () => ["ast", "symbols", "sym://python/mod/../../etc/passwd"],
    exit: 1,
    code: "INVALID_URI",
  },
  {
    name: "URI with an absolute path",
    args: () => ["ast", "symbols", "sym://python/mod//etc/passwd"],
    exit: 1,
    code: "INVALID_URI",
  },
  {
    name: "mod URI with a #fragment",
    args: () => ["ast", "symbols", "sym://python/mod/a#b"],
    exit: 1,
    code: "INVALID_URI",
  },
  {
    name: "type URI without module",
    args: () => ["ast", "symbols", "sym://python/type/Foo"],
    exit: 1,
    code: "INVALID_URI",
  },
  {
    name: "URI with an empty member",
    args: () => ["ast", "symbols", `${TYPE_URI}#`],
    exit: 1,
    code: "INVALID_URI",
  },
  {
    name: "URI with a control character",
    args: () => ["ast", "symbols", "sym://python/mod/a\u0007b"],
    exit: 1,
    code: "INVALID_URI",
  },
  {
    name: "URI of 5000 characters",
    args: () => ["ast", "symbols", `sym://python/mod/${"a".repeat(5000)}`],
    exit: 1,
    code: "INVALID_URI",
  },
  {
    name: "URI of a missing module",
    args: () => ["ast", "symbols", "sym://python/mod/nope.missing"],
    exit: 1,
    code: "FILE_NOT_FOUND",
  },
  {
    name: "URI of a missing symbol",
    args: () => ["ast", "symbols", "sym://python/type/src.inventory.models/Nope"],
    exit: 1,
    code: "SYMBOL_NOT_FOUND",
  },
  // --- budgets and flag values
  {
    name: "negative budget",
    args: () => ["ast", "snippet", TYPE_URI, "--budget-token-est", "-5"],
    exit: 2,
    code: "USAGE_ERROR",
  },
  {
    name: "zero budget",
    args: () => ["ast", "snippet", TYPE_URI, "--budget-token-est", "0"],
    exit: 2,
    code: "USAGE_ERROR",
  },
  {
    name: "huge budget (beyond 2^53)",
    args: () => ["ast", "snippet", TYPE_URI, "--budget-token-est", "99999999999999999999"],
    exit: 2,
    code: "USAGE_ERROR",
  },
  {
    name: "budget too small for the symbol",
    args: () => ["ast", "snippet", TYPE_URI, "--mode", "raw", "--budget-token-est", "1"],
    exit: 1,
    code: "BUDGET_EXCEEDED",
  },
  {
    name: "unknown snippet mode",
    args: () => ["ast", "snippet", TYPE_URI, "--mode", "bogus"],
    exit: 2,
    code: "USAGE_ERROR",
  },
  {
    name: "ctx get negative budget",
    args: () => ["ctx", "get", "-i", "x", "-b", "-1"],
    exit: 2,
    code: "USAGE_ERROR",
  },
  {
    name: "ctx search limit 0",
    args: () => ["ctx", "search", "-q", "inventory", "-l", "0"],
    exit: 2,
    code: "USAGE_ERROR",
  },
  {
    name: "ctx search empty query",
    args: () => ["ctx", "search", "-q", "   "],
    exit: 2,
    code: "QUERY_REJECTED",
  },
  {
    name: "cache prune non-numeric age",
    args: () => ["cache", "prune", "--older-than", "abc"],
    exit: 2,
    code: "USAGE_ERROR",
  },
  {
    name: "telemetry export unknown format",
    args: () => ["telemetry", "export", "--format", "xml"],
    exit: 2,
    code: "USAGE_ERROR",
  },
  {
    name: "unknown telemetry level",
    args: () => ["ast", "skeleton", "src", "--telemetry", "loud"],
    exit: 2,
    code: "USAGE_ERROR",
  },
  {
    name: "misspelt flag",
    args: () => ["ast", "skeleton", "src", "--jsn"],
    exit: 2,
    code: "USAGE_ERROR",
  },
  {
    name: "lsp location without line/col",
    args: () => ["lsp", "definition", "src/inventory/models.py:abc"],
    exit: 2,
    code: "INVALID_LOCATION",
  },
  // --- paths, ids, symlinks, segments
  {
    name: "../ in a path",
    args: () => ["ast", "skeleton", "../../etc/passwd"],
    exit: 1,
    code: "PATH_OUTSIDE_SEGMENT",
  },
  {
    name: "absolute path outside the segment",
    args: () => ["ast", "skeleton", "/etc/hostname"],
    exit: 1,
    code: "PATH_OUTSIDE_SEGMENT",
  },
  {
    name: "../ in an lsp location",
    args: () => ["lsp", "definition", "../x.py:1:1"],
    exit: 1,
    code: "PATH_OUTSIDE_SEGMENT",
  },
  {
    name: "../ in a chunk id",
    args: () => ["ctx", "get", "-i", "doc:../../etc/passwd:abc"],
    exit: 2,
    code: "PATH_TRAVERSAL",
  },
  {
    name: "absolute chunk id",
    args: () => ["ctx", "get", "-i", "/etc/passwd"],
    exit: 2,
    code: "PATH_TRAVERSAL",
  },
  {
    name: "symlink escaping the segment",
    setup: (seg) => Deno.symlink("/etc", join(seg, "escape")),
    args: () => ["ast", "skeleton", "escape/hostname"],
    exit: 1,
    code: "PATH_OUTSIDE_SEGMENT",
  },
  {
    name: "symlink loop",
    setup: async (seg) => {
      await Deno.symlink("loop_b", join(seg, "loop_a"));
      await Deno.symlink("loop_a", join(seg, "loop_b"));
    },
    args: () => ["ast", "skeleton", "loop_a"],
    exit: 1,
    code: "SYMLINK_LOOP",
  },
  {
    name: "denylisted .env file",
    setup: (seg) => write(seg, ".env", "API_KEY=sk-secretsecretsecret\n"),
    args: () => ["ast", "skeleton", ".env"],
    exit: 1,
    code: "PATH_DENIED",
  },
  {
    name: "missing file",
    args: () => ["ast", "skeleton", "src/nope.py"],
    exit: 1,
    code: "FILE_NOT_FOUND",
  },
  {
    name: "missing segment",
    noSegment: true,
    args: (seg) => ["ast", "skeleton", "src", "-s", join(seg, "no-such-dir")],
    flags: (seg) => narrowFlags(["-s", seg]),
    exit: 1,
    code: "INVALID_SEGMENT_PATH",
  },
  {
    name: "segment that is a file",
    noSegment: true,
    args: (seg) => ["ast", "skeleton", "src", "-s", join(seg, "pyproject.toml")],
    flags: (seg) => narrowFlags(["-s", seg]),
    exit: 1,
    code: "INVALID_SEGMENT_PATH",
  },
  {
    name: "segment outside the granted --allow-read (unreadable)",
    flags: (seg) => permissionFlags({ segment: join(seg, "src"), codeDirs: [LIB_DIR] }),
    args: () => ["ast", "skeleton", "src"],
    exit: 1,
    code: "PERMISSION_NOT_GRANTED",
    check: (seg, res) => {
      assert.match(JSON.stringify(jsonOf(res).next_steps), /--allow-read=/);
      assert.ok(res.stdout.includes(seg) || res.stdout.includes("--allow-read"));
    },
  },
  {
    name: "_ctx outside the granted --allow-write",
    flags: (seg) => [
      ...permissionFlags({ segment: seg, codeDirs: [LIB_DIR] }).filter((f) =>
        !f.startsWith("--allow-write")
      ),
      `--allow-write=${join(seg, ".trifecta")}`,
    ],
    args: () => ["ctx", "build"],
    exit: 1,
    code: "PERMISSION_NOT_GRANTED",
    check: (_seg, res) => assert.match(JSON.stringify(jsonOf(res).next_steps), /--allow-write=/),
  },
  // --- file contents
  {
    name: "binary file",
    setup: (seg) =>
      write(seg, "bin.py", new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2, 0, 255])),
    args: () => ["ast", "skeleton", "bin.py"],
    exit: 1,
    code: "BINARY_FILE",
  },
  {
    name: "a file declaring an encoding no decoder here reads (utf-7)",
    setup: (seg) => write(seg, "u7.py", "# coding: utf-7\n# +AAo-def hidden(): pass\n"),
    args: () => ["ast", "skeleton", "u7.py"],
    exit: 1,
    code: "UNSUPPORTED_ENCODING",
    check: (_seg, res) => assert.match(JSON.stringify(jsonOf(res)), /utf-7/),
  },
  {
    name: "huge file (3 MB, over the 2 MiB cap)",
    setup: (seg) => write(seg, "huge.py", "x = 1  # " + "a".repeat(3 * 1024 * 1024) + "\n"),
    args: () => ["ast", "skeleton", "huge.py"],
    exit: 1,
    code: "FILE_TOO_LARGE",
  },
  {
    name: "directory with binary and huge files skips them",
    setup: async (seg) => {
      await write(seg, "mixed/bin.py", new Uint8Array([0, 1, 2, 3, 0, 255]));
      await write(seg, "mixed/huge.py", "a".repeat(3 * 1024 * 1024));
      await write(seg, "mixed/ok.py", "def ok():\n    return 1\n");
    },
    args: () => ["ast", "skeleton", "mixed"],
    exit: 0,
    code: "ok",
    check: (_seg, res) => {
      const out = jsonOf(res) as { files: { path: string }[]; skipped: { reason: string }[] };
      assert.deepEqual(out.files.map((f) => f.path), ["mixed/ok.py"]);
      assert.deepEqual(out.skipped.map((s) => s.reason).sort(), ["binary", "too_large"]);
    },
  },
  {
    name: "invalid UTF-8 in a source file",
    setup: (seg) =>
      write(
        seg,
        "utf.py",
        new Uint8Array([
          ...enc.encode('x = "'),
          0xff,
          0xfe,
          ...enc.encode('"\ndef g():\n    pass\n'),
        ]),
      ),
    args: () => ["ast", "skeleton", "utf.py"],
    exit: 0,
    code: "ok",
    check: (_seg, res) => {
      const out = jsonOf(res) as { files: { symbols: { name: string }[] }[] };
      assert.deepEqual(out.files[0]?.symbols.map((s) => s.name), ["g"]);
    },
  },
  {
    name: "source with syntax errors",
    setup: (seg) => write(seg, "broken.py", "def f(:\n    pass\nclass C:\n    def m(self): pass\n"),
    args: () => ["ast", "skeleton", "broken.py"],
    exit: 0,
    code: "ok",
    check: (_seg, res) => {
      const out = jsonOf(res) as { files: { has_errors: boolean }[] };
      assert.equal(out.files[0]?.has_errors, true);
    },
  },
  {
    name: "empty source file",
    setup: (seg) => write(seg, "empty.py", ""),
    args: () => ["ast", "skeleton", "empty.py"],
    exit: 0,
    code: "ok",
    check: (_seg, res) => {
      const out = jsonOf(res) as { files: { symbols: unknown[]; bytes: number }[] };
      assert.deepEqual(out.files[0]?.symbols, []);
      assert.equal(out.files[0]?.bytes, 0);
    },
  },
  {
    name: "invalid JSONC config in the segment (tsconfig.json) is indexed as text",
    setup: (seg) =>
      write(seg, "tsconfig.json", '{ "compilerOptions": { // bad\n "strict": tru,, }\n'),
    args: () => ["ctx", "build"],
    exit: 0,
    code: "ok",
    rewrites: true,
  },
  // --- corrupt state
  {
    name: "corrupt context pack (ctx get)",
    setup: (seg) => write(seg, "_ctx/context_pack.db", '{"broken'),
    args: () => ["ctx", "get", "-i", "x"],
    exit: 1,
    code: "INDEX_CORRUPT",
  },
  {
    name: "corrupt context pack (ctx validate)",
    setup: (seg) => write(seg, "_ctx/context_pack.db", "[1,2"),
    args: () => ["ctx", "validate"],
    exit: 1,
    code: "error-or-invalid",
  },
  {
    name: "corrupt search index",
    setup: (seg) => write(seg, "_ctx/context_pack.db", "this is not a database"),
    args: () => ["ctx", "search", "-q", "inventory"],
    exit: 1,
    code: "INDEX_CORRUPT",
  },
  {
    name: "corrupt context pack is replaced by ctx build",
    setup: (seg) => write(seg, "_ctx/context_pack.db", "{}}}"),
    args: () => ["ctx", "build"],
    exit: 0,
    code: "ok",
    rewrites: true,
  },
  {
    name: "corrupt AST cache is moved aside and rebuilt",
    setup: (seg) => write(seg, ".trifecta/cache/ast_cache.db", "garbage, not SQLite"),
    args: () => ["ast", "skeleton", "src", "--persist-cache"],
    exit: 0,
    code: "ok",
    check: async (seg) => {
      const names = [...Deno.readDirSync(join(seg, ".trifecta/cache"))].map((e) => e.name);
      const aside = names.find((n) => n.startsWith("ast_cache.db.corrupt-"));
      assert.ok(aside, `corrupt db kept aside: ${names}`);
      assert.equal(
        await Deno.readTextFile(join(seg, ".trifecta/cache", aside)),
        "garbage, not SQLite",
      );
    },
  },
  {
    name: ".trifecta is a file (cache unavailable)",
    setup: async (seg) => {
      // The baseline's build made the (now default) persistent cache's directory.
      await Deno.remove(join(seg, ".trifecta"), { recursive: true });
      await write(seg, ".trifecta", "not a directory");
    },
    args: () => ["cache", "stats"],
    exit: 1,
    code: "CACHE_UNAVAILABLE",
    check: async (seg) =>
      assert.equal(await Deno.readTextFile(join(seg, ".trifecta")), "not a directory"),
  },
  {
    name: "corrupt telemetry lines are counted, not fatal",
    setup: async (seg) => {
      await Deno.writeTextFile(
        join(seg, "_ctx/telemetry/events.jsonl"),
        '{"half\n\u0000\u0001garbage\n',
        {
          append: true,
        },
      );
    },
    args: () => ["telemetry", "report"],
    exit: 0,
    code: "ok",
    check: (_seg, res) => {
      assert.ok(JSON.stringify(jsonOf(res)).includes("corrupt"), res.stdout.slice(0, 300));
    },
  },
  {
    name: "corrupt telemetry lines fail telemetry health",
    // As many bad lines as good ones: past health's FAIL threshold (5%)
    // whatever the baseline wrote.
    setup: async (seg) => {
      const file = join(seg, "_ctx/telemetry/events.jsonl");
      const good = (await Deno.readTextFile(file)).split("\n").filter((l) => l !== "").length;
      await Deno.writeTextFile(file, "not json\n".repeat(Math.max(1, good)), { append: true });
    },
    args: () => ["telemetry", "health"],
    exit: 3,
    code: "FAIL",
  },
  {
    name: "read-only _ctx (a file where the directory should be)",
    setup: async (seg) => {
      await Deno.remove(join(seg, "_ctx"), { recursive: true });
      await write(seg, "_ctx", "a file, not a directory");
    },
    args: () => ["ctx", "build"],
    exit: 1,
    code: "OUTPUT_NOT_WRITABLE",
    check: async (seg) =>
      assert.equal(await Deno.readTextFile(join(seg, "_ctx")), "a file, not a directory"),
  },
];

interface Baseline {
  pack: Uint8Array;
  events: string;
}

async function baseline(seg: string): Promise<Baseline> {
  const build = await runCli(["ctx", "build", "-s", seg, "--json"]);
  assert.equal(build.code, 0, build.stderr);
  return {
    pack: await Deno.readFile(join(seg, "_ctx/context_pack.db")),
    events: await Deno.readTextFile(join(seg, "_ctx/telemetry/events.jsonl")),
  };
}

async function readOrNull(path: string): Promise<Uint8Array | null> {
  try {
    return await Deno.readFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory) {
      return null;
    }
    throw err;
  }
}

/** The pack and the telemetry written before the case are still there. */
async function assertIntact(seg: string, before: Baseline, c: Case): Promise<void> {
  const packNow = await readOrNull(join(seg, "_ctx/context_pack.db"));
  const packTouched = c.rewrites || c.setup?.toString().includes("context_pack.db") ||
    c.setup?.toString().includes('"_ctx"');
  if (!packTouched) assert.deepEqual(packNow, before.pack, "context pack unchanged");
  const events = await readOrNull(join(seg, "_ctx/telemetry/events.jsonl"));
  if (events !== null) {
    assert.ok(
      new TextDecoder().decode(events).startsWith(before.events),
      "earlier telemetry lines kept",
    );
  }
}

function assertOutcome(c: Case, res: CliResult): void {
  const detail = `stdout: ${res.stdout.slice(0, 400)}\nstderr: ${res.stderr.slice(0, 400)}`;
  assert.equal(res.code, c.exit, detail);
  assert.doesNotMatch(res.stderr, /^\s+at .*:\d+:\d+\)?$/m, "no stack trace");
  assert.doesNotMatch(res.stdout + res.stderr, /INTERNAL_ERROR/);
  if (c.code === "ok") return;
  if (c.code === "FAIL") {
    assert.equal(jsonOf(res).status, "FAIL");
    return;
  }
  if (c.code === "error-or-invalid") {
    assert.ok(["error", "invalid", "failed"].includes(String(jsonOf(res).status)), detail);
    return;
  }
  assert.equal(jsonOf(res).error_code, c.code, detail);
}

for (const c of CASES) {
  Deno.test(`bad input: ${c.name} → ${c.code}, exit ${c.exit}, nothing lost`, async () => {
    const seg = await Deno.realPath(await tempExample());
    try {
      const before = await baseline(seg);
      await c.setup?.(seg);
      const args = [...c.args(seg), ...(c.noSegment ? [] : ["-s", seg]), "--json"];
      const res = await runCli(args, { flags: c.flags?.(seg) });
      assertOutcome(c, res);
      await c.check?.(seg, res);
      await assertIntact(seg, before, c);
    } finally {
      await removeSegment(seg);
    }
  });
}

Deno.test("bad input: the table has at least 40 cases", () => {
  assert.ok(CASES.length + 1 >= 40, `${CASES.length} cases`);
});

async function tryMountTmpfs(dir: string): Promise<string | undefined> {
  try {
    const out = await new Deno.Command("mount", {
      args: ["-t", "tmpfs", "-o", "size=1m", "tmpfs", dir],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (out.success) return undefined;
    return new TextDecoder().decode(out.stderr).trim() || `mount exited ${out.code}`;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/**
 * Why no tmpfs can be mounted here (the full-disk case needs one), or
 * undefined when it can: probed once, before the tests are declared.
 */
async function tmpfsUnavailable(): Promise<string | undefined> {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-full-probe-" });
  try {
    const why = await tryMountTmpfs(dir);
    if (why === undefined) await new Deno.Command("umount", { args: [dir] }).output();
    return why;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const FULL_DISK_TEST = "bad input: full disk → DISK_FULL, exit 1, previous pack intact";
const NO_TMPFS = await tmpfsUnavailable();
if (NO_TMPFS !== undefined) {
  console.log(`SKIPPED ${FULL_DISK_TEST}: cannot mount a tmpfs here (${NO_TMPFS})`);
}

Deno.test({
  name: FULL_DISK_TEST,
  ignore: NO_TMPFS !== undefined,
  fn: fullDiskCase,
});

async function fullDiskCase(): Promise<void> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-full-" }));
  const why = await tryMountTmpfs(dir);
  try {
    assert.equal(why, undefined, "the tmpfs mounts (it did when probed)");
    await write(dir, "src/a.py", "def a():\n    return 1\n");
    await write(dir, "README.md", "# tiny\n\nA tiny segment.\n");
    const first = await runCli(["ctx", "build", "-s", dir, "--json"]);
    assert.equal(first.code, 0, first.stderr);
    const pack = await Deno.readFile(join(dir, "_ctx/context_pack.db"));
    const events = await Deno.readTextFile(join(dir, "_ctx/telemetry/events.jsonl"));
    // Fill the disk, then add enough source to need new space for the pack.
    await write(dir, "src/b.py", "def b():\n    return 2\n" + "# padding line\n".repeat(8000));
    try {
      await Deno.writeFile(join(dir, "filler"), new Uint8Array(1024 * 1024));
    } catch (err) {
      if (!/os error 28/.test(String(err))) throw err;
    }
    const res = await runCli(["ctx", "build", "-s", dir, "--json"]);
    assert.equal(res.code, 1, res.stdout + res.stderr);
    assert.doesNotMatch(res.stderr, /^\s+at .*:\d+:\d+\)?$/m, "no stack trace");
    assert.equal(jsonOf(res).error_code, "DISK_FULL", res.stdout);
    assert.deepEqual(await Deno.readFile(join(dir, "_ctx/context_pack.db")), pack);
    assert.ok(
      (await Deno.readTextFile(join(dir, "_ctx/telemetry/events.jsonl"))).startsWith(events),
    );
  } finally {
    await new Deno.Command("umount", { args: [dir] }).output();
    await removeSegment(dir);
  }
}
