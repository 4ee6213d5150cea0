/**
 * Attacker's review of issue 16: a repository's own `trifecta.jsonc` is
 * hostile input. Keys the trust rule honours from it (docs/config.md,
 * "Trust": `deny` and `ignore` globs "only add") must still be bounded in the
 * work they cause: a glob is matched against every walked path, and both the
 * glob and the file names come from the repository.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  exists,
  type GuardedRun,
  MAIN_TS,
  narrowFlags,
  removeSegment,
  REPO_ROOT,
  runGuarded,
} from "./helpers.ts";

/**
 * Run the CLI under the hang guard `deadlineMs` (far above any normal run of
 * a one-file segment; it measures no speed).
 */
function runWithDeadline(args: readonly string[], deadlineMs: number): Promise<GuardedRun> {
  return runGuarded(["run", ...narrowFlags(args), MAIN_TS, ...args], { deadlineMs });
}

// Twelve stars: a backtracking regex tries on the order of n^12 splits of a
// 120-character name before it fails; a linear matcher does ~n*m steps.
const CATASTROPHIC_GLOB = "*a".repeat(12) + "*b";
const LONG_NAME = "a".repeat(120) + ".py";
const HANG_GUARD_MS = 90_000;

Deno.test("hostile16: a deny glob in an untrusted trifecta.jsonc cannot hang the walk (no catastrophic backtracking)", async () => {
  const seg = await Deno.makeTempDir({ prefix: "trifecta-red16-cfg-" });
  try {
    await Deno.writeTextFile(
      join(seg, "trifecta.jsonc"),
      JSON.stringify({ deny: [CATASTROPHIC_GLOB] }),
    );
    await Deno.writeTextFile(join(seg, LONG_NAME), "def f():\n    return 1\n");
    await Deno.writeTextFile(join(seg, "ok.py"), "def g():\n    return 2\n");
    const run = await runWithDeadline(["ast", "skeleton", "-s", seg, seg, "--json"], HANG_GUARD_MS);
    assert.ok(
      run.finished,
      `ast skeleton was still matching the deny glob ${CATASTROPHIC_GLOB} after ` +
        `${HANG_GUARD_MS / 1000} s (killed): lib/segment/denylist.ts globSource compiles each * ` +
        "to [^/]*, a backtracking regex",
    );
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.stdout.includes("ok.py"), run.stdout);
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("hostile16: the *a*a… glob as an ignore glob (the ignore package) finishes: that defence holds", async () => {
  const seg = await Deno.makeTempDir({ prefix: "trifecta-red16-cfg-" });
  try {
    await Deno.writeTextFile(
      join(seg, "trifecta.jsonc"),
      JSON.stringify({ ignore: [CATASTROPHIC_GLOB] }),
    );
    await Deno.writeTextFile(join(seg, LONG_NAME), "def f():\n    return 1\n");
    const run = await runWithDeadline(["ast", "skeleton", "-s", seg, seg, "--json"], HANG_GUARD_MS);
    assert.ok(run.finished, "ast skeleton hung on an ignore glob");
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.stdout.includes(LONG_NAME), run.stdout);
  } finally {
    await removeSegment(seg);
  }
});

const AWS_ID = "AKIAIOSFODNN7EXAMPLE";
const GH_TOKEN = "ghp_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ";

/** Every file under `dir` as text, joined (absent dir: ""). */
async function treeText(dir: string): Promise<string> {
  let out = "";
  try {
    for await (const e of Deno.readDir(dir)) {
      const p = join(dir, e.name);
      if (e.isDirectory) out += await treeText(p);
      else if (e.isFile) out += new TextDecoder("latin1").decode(await Deno.readFile(p));
    }
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  return out;
}

Deno.test("hostile16: secrets in trifecta.jsonc keys and values never reach stdout, stderr or telemetry", async () => {
  const seg = await Deno.makeTempDir({ prefix: "trifecta-red16-cfg-" });
  try {
    await Deno.writeTextFile(join(seg, "a.py"), "x = 1\n");
    const files = [
      // unknown keys (a warning quotes the key)
      { [AWS_ID]: 1, budgets: { [GH_TOKEN]: 2 } },
      // a wrong value (the error names the key, and must not echo the value)
      { budgets: { map: GH_TOKEN } },
    ];
    const dup = `{ "${GH_TOKEN}": 1, "${GH_TOKEN}": 2 }`;
    for (const text of [...files.map((f) => JSON.stringify(f)), dup]) {
      await Deno.writeTextFile(join(seg, "trifecta.jsonc"), text);
      for (
        const args of [
          ["ast", "skeleton", "-s", seg, seg],
          ["ast", "skeleton", "-s", seg, seg, "--json"],
          ["config", "show", "-s", seg],
          ["config", "show", "-s", seg, "--json"],
        ]
      ) {
        const run = await runWithDeadline(args, HANG_GUARD_MS);
        assert.ok(run.finished);
        for (const secret of [AWS_ID, GH_TOKEN]) {
          assert.ok(!run.stdout.includes(secret), `${args.join(" ")} stdout: ${run.stdout}`);
          assert.ok(!run.stderr.includes(secret), `${args.join(" ")} stderr: ${run.stderr}`);
        }
      }
    }
    const written = await treeText(join(seg, "_ctx")) + await treeText(join(seg, ".trifecta"));
    assert.ok(
      !written.includes(AWS_ID) && !written.includes(GH_TOKEN),
      "a secret in _ctx/.trifecta",
    );
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("hostile16: a file denied by a deny glob added after the build is no longer served by ctx search or ctx get", async () => {
  const seg = await Deno.makeTempDir({ prefix: "trifecta-red16-cfg-" });
  try {
    await Deno.writeTextFile(
      join(seg, "private.py"),
      'def private_fn():\n    return "PRIVATE_PROBE"\n',
    );
    await Deno.writeTextFile(join(seg, "ok.py"), "def ok():\n    return 1\n");
    const built = await runWithDeadline(["ctx", "build", "-s", seg], HANG_GUARD_MS);
    assert.equal(built.code, 0, built.stderr);
    const before = await runWithDeadline(
      ["ctx", "search", "-s", seg, "-q", "PRIVATE_PROBE", "--json"],
      HANG_GUARD_MS,
    );
    const id = (JSON.parse(before.stdout) as { hits: { id: string }[] }).hits[0]?.id;
    assert.ok(id, before.stdout);
    // The user learns the file is sensitive and denies it (docs/config.md:
    // "extra paths trifecta never reads").
    await Deno.writeTextFile(join(seg, "trifecta.jsonc"), JSON.stringify({ deny: ["private.py"] }));
    // Asserted on results, not on the output text (search echoes the query).
    const search = await runWithDeadline(
      ["ctx", "search", "-s", seg, "-q", "PRIVATE_PROBE", "--json"],
      HANG_GUARD_MS,
    );
    const hits = (JSON.parse(search.stdout) as { hits?: unknown[] }).hits ?? [];
    assert.equal(
      JSON.stringify(hits).includes("private.py"),
      false,
      `search served it:\n${search.stdout}`,
    );
    const got = await runWithDeadline(["ctx", "get", "-s", seg, "--ids", id], HANG_GUARD_MS);
    const body = 'return "PRIVATE_PROBE"';
    assert.ok(
      !got.stdout.includes(body) && !got.stderr.includes(body),
      `get served it:\n${got.stdout}`,
    );
  } finally {
    await removeSegment(seg);
  }
});

/** `depth` nested directories named `a`, a file at the bottom; returns its segment-relative path. */
async function deepTree(seg: string, depth: number): Promise<string> {
  const rel = Array.from({ length: depth }, () => "a").join("/");
  await Deno.mkdir(join(seg, rel), { recursive: true });
  await Deno.writeTextFile(join(seg, rel, "x.py"), "x = 1\n");
  return `${rel}/x.py`;
}

// `**/` is `(?:.*\/)?` in the ignore package's regex: ten of them against a
// path of seventy `a/` components backtrack for hours.
const DOUBLE_STAR_GLOB = "a/**/".repeat(10) + "b";

Deno.test("hostile16: an ignore glob of many **/ in an untrusted trifecta.jsonc cannot hang the walk of a deep tree", async () => {
  const seg = await Deno.makeTempDir({ prefix: "trifecta-red16-cfg-" });
  try {
    await deepTree(seg, 70);
    await Deno.writeTextFile(
      join(seg, "trifecta.jsonc"),
      JSON.stringify({ ignore: [DOUBLE_STAR_GLOB] }),
    );
    const run = await runWithDeadline(["ast", "skeleton", "-s", seg, seg, "--json"], HANG_GUARD_MS);
    assert.ok(
      run.finished,
      `ast skeleton was still matching the ignore glob ${DOUBLE_STAR_GLOB} after ` +
        `${HANG_GUARD_MS / 1000} s (killed): the ignore package's regex backtracks on **/`,
    );
    assert.equal(run.code, 0, run.stderr);
  } finally {
    await removeSegment(seg);
  }
});

/** Deno's cache directory of this run (DENO_DIR, else the XDG or home default). */
function denoCacheDir(): string {
  const set = Deno.env.get("DENO_DIR");
  if (set) return set;
  const xdg = Deno.env.get("XDG_CACHE_HOME");
  return xdg ? join(xdg, "deno") : join(Deno.env.get("HOME") ?? "/root", ".cache/deno");
}

/** `deno task cli <args>` (the launcher that grants what the config asks for), with `env`. */
function runTaskCli(args: readonly string[], env: Record<string, string>): Promise<GuardedRun> {
  const denoDir = Deno.execPath().replace(/\/[^/]*$/, "");
  return runGuarded(["task", "-q", "cli", ...args], {
    deadlineMs: HANG_GUARD_MS,
    cwd: REPO_ROOT,
    // HOME is a temp dir here: keep Deno's own cache where it is (no download).
    env: { PATH: `${denoDir}:/usr/bin:/bin`, DENO_DIR: denoCacheDir(), ...env },
    clearEnv: true,
    discardStdout: true,
  });
}

Deno.test("hostile16: an untrusted trifecta.jsonc's lsp.servers is never run by the cli launcher (the same command from the user's env is)", async () => {
  const seg = await Deno.makeTempDir({ prefix: "trifecta-red16-cfg-" });
  const home = await Deno.makeTempDir({ prefix: "trifecta-red16-home-" });
  try {
    await Deno.writeTextFile(join(seg, "a.py"), "def f():\n    return 1\n");
    const serverThatTouches = (name: string) => ["/bin/sh", "-c", `touch ${join(home, name)}`];
    const env = { HOME: home, XDG_CONFIG_HOME: join(home, "config"), XDG_STATE_HOME: home };
    // Control: the user's own variable starts the command, so the probe can see a start.
    const control = await runTaskCli(["lsp", "diagnostics", "-s", seg, "a.py"], {
      ...env,
      TRIFECTA_LSP_COMMAND: JSON.stringify(serverThatTouches("USER_CHOSEN")),
    });
    assert.ok(control.finished, control.stderr);
    assert.ok(await exists(join(home, "USER_CHOSEN")), `control did not start: ${control.stderr}`);
    await Deno.writeTextFile(
      join(seg, "trifecta.jsonc"),
      JSON.stringify({
        lsp: { servers: { python: serverThatTouches("REPO_CHOSEN") }, daemon: "auto" },
      }),
    );
    const run = await runTaskCli(["lsp", "diagnostics", "-s", seg, "a.py"], env);
    assert.ok(run.finished, run.stderr);
    assert.ok(!(await exists(join(home, "REPO_CHOSEN"))), "the repository's server command ran");
    assert.match(run.stderr, /CONFIG_KEY_UNTRUSTED: trifecta\.jsonc: lsp\.servers/);
  } finally {
    await removeSegment(seg);
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("hostile16: the same many-**/ line in the repository's own .gitignore cannot hang the walk of a deep tree", async () => {
  const seg = await Deno.makeTempDir({ prefix: "trifecta-red16-cfg-" });
  try {
    await deepTree(seg, 70);
    await Deno.writeTextFile(join(seg, ".gitignore"), `${DOUBLE_STAR_GLOB}\n`);
    const run = await runWithDeadline(["ast", "skeleton", "-s", seg, seg, "--json"], HANG_GUARD_MS);
    assert.ok(
      run.finished,
      `ast skeleton was still matching the .gitignore line ${DOUBLE_STAR_GLOB} after ` +
        `${HANG_GUARD_MS / 1000} s (killed): lib/segment/walk.ts gives .gitignore lines to the ` +
        "ignore package unbounded",
    );
    assert.equal(run.code, 0, run.stderr);
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("hostile16: an untrusted trifecta.jsonc cannot turn on the persistent cache the user's file turned off", async () => {
  const seg = await Deno.makeTempDir({ prefix: "trifecta-red16-cfg-" });
  const home = await Deno.makeTempDir({ prefix: "trifecta-red16-home-" });
  try {
    await Deno.writeTextFile(join(seg, "a.py"), "def f():\n    return 1\n");
    await Deno.mkdir(join(home, "trifecta"));
    await Deno.writeTextFile(
      join(home, "trifecta/config.jsonc"),
      JSON.stringify({ cache: { persist: false } }),
    );
    await Deno.writeTextFile(
      join(seg, "trifecta.jsonc"),
      JSON.stringify({ cache: { persist: true } }),
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--unstable-raw-imports", MAIN_TS, "config", "show", "-s", seg, "--json"],
      env: { NO_COLOR: "1", XDG_CONFIG_HOME: home },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const shown = JSON.parse(new TextDecoder().decode(out.stdout)) as {
      settings: Record<string, { value: unknown; source: string }>;
    };
    // docs/config.md: a segment file's keys are honoured when they only
    // narrow; writing a cache database into the checkout the user's own
    // file said not to write is not narrowing.
    assert.equal(
      shown.settings["cache.persist"]?.value,
      false,
      `the repository overrode the user's cache.persist: ${
        JSON.stringify(shown.settings["cache.persist"])
      }`,
    );
  } finally {
    await removeSegment(seg);
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("hostile16: thousands of unknown keys in trifecta.jsonc do not flood every command's stderr", async () => {
  const seg = await Deno.makeTempDir({ prefix: "trifecta-red16-cfg-" });
  try {
    await Deno.writeTextFile(join(seg, "a.py"), "x = 1\n");
    // ~59 KB, under the 64 KiB cap: 6,000 keys trifecta does not know.
    const keys = Array.from({ length: 6000 }, (_, i) => `"k${i}":1`).join(",");
    await Deno.writeTextFile(join(seg, "trifecta.jsonc"), `{${keys}}`);
    const run = await runWithDeadline(["ast", "skeleton", "-s", seg, seg], HANG_GUARD_MS);
    assert.equal(run.code, 0, run.stderr.slice(0, 2000));
    const lines = run.stderr.split("\n").filter((l) => l.includes("CONFIG_KEY_UNKNOWN")).length;
    // A bounded list ("… and N more") is enough to fix the file; one line per
    // key turns 59 KB of config into 680 KB of stderr on every command.
    assert.ok(
      lines <= 50,
      `${lines} CONFIG_KEY_UNKNOWN lines on stderr (${run.stderr.length} bytes)`,
    );
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("hostile16: a .gitignore mixing many **, * and [..] forms cannot hang the walk of a deep tree with long names", async () => {
  const seg = await Deno.makeTempDir({ prefix: "trifecta-red16-cfg-" });
  try {
    const rel = await deepTree(seg, 120);
    const dir = rel.slice(0, rel.lastIndexOf("/"));
    await Deno.writeTextFile(join(seg, dir, "a".repeat(200) + ".py"), "y = 2\n");
    const lines = [
      "**/a/".repeat(20) + "b",
      "*a".repeat(14) + "*b",
      "a/**/".repeat(20) + "*a*a*a*a*a*a*a*a*b",
      "[a-z]*".repeat(11) + "b",
    ];
    await Deno.writeTextFile(join(seg, ".gitignore"), lines.join("\n") + "\n");
    const run = await runWithDeadline(["ast", "skeleton", "-s", seg, seg, "--json"], HANG_GUARD_MS);
    assert.ok(
      run.finished,
      `ast skeleton was still matching the .gitignore after ${HANG_GUARD_MS / 1000} s`,
    );
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.stdout.includes("x.py"), run.stdout.slice(0, 500));
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("hostile16: a relative trusted_segments entry does not trust whatever directory of that name the command runs next to", async () => {
  const work = await Deno.makeTempDir({ prefix: "trifecta-red16-cwd-" });
  const home = await Deno.makeTempDir({ prefix: "trifecta-red16-home-" });
  try {
    // The user meant their own ~/proj; a checkout they cd into has a proj/ too.
    await Deno.mkdir(join(work, "proj"));
    await Deno.writeTextFile(join(work, "proj/a.py"), "x = 1\n");
    await Deno.writeTextFile(
      join(work, "proj/trifecta.jsonc"),
      JSON.stringify({ lsp: { daemon: "auto" } }),
    );
    await Deno.mkdir(join(home, "trifecta"));
    await Deno.writeTextFile(
      join(home, "trifecta/config.jsonc"),
      JSON.stringify({ trusted_segments: ["proj"] }),
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--unstable-raw-imports",
        MAIN_TS,
        "config",
        "show",
        "-s",
        "proj",
        "--json",
      ],
      cwd: work,
      env: { NO_COLOR: "1", XDG_CONFIG_HOME: home },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const shown = JSON.parse(new TextDecoder().decode(out.stdout)) as {
      settings?: Record<string, { value: unknown; source: string }>;
      files?: { trusted?: boolean };
      error_code?: string;
    };
    // Either the entry is refused (CONFIG_INVALID) or ignored; never does it
    // trust by the working directory (docs/config.md: "array of real paths").
    assert.ok(
      shown.error_code === "CONFIG_INVALID" || shown.files?.trusted === false,
      `trusted by a relative entry: ${JSON.stringify(shown.files)} lsp.daemon=${
        JSON.stringify(shown.settings?.["lsp.daemon"])
      }`,
    );
  } finally {
    await Deno.remove(work, { recursive: true });
    await Deno.remove(home, { recursive: true });
  }
});
