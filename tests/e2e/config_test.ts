/**
 * The config file end to end, through the real CLI under the documented
 * narrow flags: `config show`, the trust rule against a hostile
 * `trifecta.jsonc`, `CONFIG_INVALID`, the persistent cache by default,
 * trifecta's own `.gitignore`s, and telemetry under the state directory.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { LIB_DIR, removeSegment, runCli, tempExample } from "./helpers.ts";
import { permissionFlags } from "../../tools/permissions.ts";
import { stateTelemetryGrant } from "../../tools/cli.ts";
import { resolveSegment } from "../../lib/segment/mod.ts";

/** A user config home of its own, so the developer's real config never counts. */
function userEnv(home: string): Record<string, string> {
  return { XDG_CONFIG_HOME: join(home, "config"), XDG_STATE_HOME: join(home, "state") };
}

async function withExample(fn: (seg: string, home: string) => Promise<void>): Promise<void> {
  const seg = await tempExample();
  // A run on the checkout's example may have left trifecta's own state there.
  for (const own of ["_ctx", ".trifecta"]) {
    await Deno.remove(join(seg, own), { recursive: true }).catch((err) => {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    });
  }
  const home = await Deno.makeTempDir({ prefix: "trifecta-e2e-home-" });
  try {
    await fn(seg, home);
  } finally {
    await removeSegment(seg);
    await Deno.remove(home, { recursive: true });
  }
}

function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

const HOSTILE = `{
  "lsp": { "servers": { "python": ["/bin/sh", "-c", "echo pwned"] }, "daemon": "auto" },
  "telemetry": { "dir": "state" },
  "deny": [],
}`;

Deno.test("e2e config show: each setting with its value and source, and a hostile file's keys ignored with warnings", async () => {
  await withExample(async (seg, home) => {
    await Deno.writeTextFile(join(seg, "trifecta.jsonc"), HOSTILE);
    const env = userEnv(home);
    const r = await runCli(["config", "show", "-s", seg, "--json"], { env });
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.equal(json.status, "ok");
    assert.deepEqual(json.settings["lsp.servers"], { value: {}, source: "default" });
    assert.deepEqual(json.settings["lsp.daemon"], { value: "off", source: "default" });
    assert.deepEqual(json.settings["telemetry.dir"], { value: "segment", source: "default" });
    assert.deepEqual(json.settings["cache.persist"], { value: true, source: "default" });
    assert.equal(json.files.segment.state, "loaded");
    assert.equal(json.files.trusted, false);
    const keys = json.warnings.map((w: { code: string; key: string }) => `${w.code} ${w.key}`);
    assert.deepEqual(keys.sort(), [
      "CONFIG_KEY_UNTRUSTED lsp.daemon",
      "CONFIG_KEY_UNTRUSTED lsp.servers",
      "CONFIG_KEY_UNTRUSTED telemetry.dir",
    ]);
    const text = await runCli(["config", "show", "-s", seg], { env });
    assert.match(text.stdout, /^cache\.persist +true +default$/m);
    assert.match(text.stdout, /CONFIG_KEY_UNTRUSTED lsp\.servers/);
    // Any other command names the ignored keys on stderr, and still works.
    const sk = await runCli(["ast", "skeleton", "src", "-s", seg], { env });
    assert.equal(sk.code, 0, sk.stderr);
    assert.match(sk.stderr, /warning: CONFIG_KEY_UNTRUSTED: trifecta\.jsonc: lsp\.servers ignored/);
    assert.ok(!exists(join(home, "state")), "nothing written under the state directory");
  });
});

Deno.test("e2e config: flags and env outrank the file in config show", async () => {
  await withExample(async (seg, home) => {
    await Deno.writeTextFile(join(seg, "trifecta.jsonc"), '{"cache": {"persist": false}}');
    const env = userEnv(home);
    const show = async (args: string[], extra: Record<string, string> = {}) => {
      const r = await runCli(["config", "show", "-s", seg, "--json", ...args], {
        env: { ...env, ...extra },
      });
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout).settings;
    };
    assert.deepEqual((await show([]))["cache.persist"], { value: false, source: "file" });
    assert.deepEqual((await show(["--persist-cache"]))["cache.persist"], {
      value: true,
      source: "flag",
    });
    assert.deepEqual((await show(["--telemetry", "full"]))["telemetry.level"], {
      value: "full",
      source: "flag",
    });
    assert.deepEqual((await show([], { TRIFECTA_LSP_DAEMON: "auto" }))["lsp.daemon"], {
      value: "auto",
      source: "env",
    });
  });
});

Deno.test("e2e config: an invalid trifecta.jsonc is CONFIG_INVALID with line and column, exit 1", async () => {
  await withExample(async (seg, home) => {
    await Deno.writeTextFile(
      join(seg, "trifecta.jsonc"),
      '{\n  "lsp": {"daemon": "sometimes"}\n}\n',
    );
    const r = await runCli(["ast", "skeleton", "src", "-s", seg, "--json"], { env: userEnv(home) });
    assert.equal(r.code, 1);
    const err = JSON.parse(r.stdout);
    assert.equal(err.error_code, "CONFIG_INVALID");
    assert.match(err.message, /^trifecta\.jsonc:2:21: lsp\.daemon: expected one of "off", "auto"/);
    assert.equal(err.details.line, 2);
    assert.equal(err.details.column, 21);
  });
});

Deno.test("e2e config: the persistent cache is the default; --no-persist-cache and cache.persist false opt out", async () => {
  await withExample(async (seg, home) => {
    const env = userEnv(home);
    const db = join(seg, ".trifecta", "cache", "ast_cache.db");
    let r = await runCli(["ast", "skeleton", "src", "-s", seg, "--no-persist-cache"], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!exists(join(seg, ".trifecta")), "--no-persist-cache creates no .trifecta");
    await Deno.writeTextFile(join(seg, "trifecta.jsonc"), '{"cache": {"persist": false}}');
    r = await runCli(["ast", "skeleton", "src", "-s", seg], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!exists(join(seg, ".trifecta")), "cache.persist false creates no .trifecta");
    await Deno.remove(join(seg, "trifecta.jsonc"));
    r = await runCli(["ast", "skeleton", "src", "-s", seg, "--json"], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(exists(db), "the default run made the SQLite cache");
    assert.equal(
      await Deno.readTextFile(join(seg, ".trifecta", ".gitignore")),
      "# Written by trifecta: its own state, never committed.\n*\n",
    );
  });
});

Deno.test("e2e config: without a write grant for .trifecta the default falls back to memory, silently", async () => {
  await withExample(async (seg, home) => {
    const flags = [
      ...permissionFlags({ segment: seg, codeDirs: [LIB_DIR] }).filter((f) =>
        !f.startsWith("--allow-write")
      ),
      `--allow-write=${join(seg, "_ctx")}`,
    ];
    const env = userEnv(home);
    const r = await runCli(["ast", "skeleton", "src", "-s", seg], { env, flags });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "");
    assert.ok(!exists(join(seg, ".trifecta")));
    const show = await runCli(["config", "show", "-s", seg, "--json"], { env, flags });
    assert.equal(show.code, 0, show.stderr);
    assert.match(JSON.parse(show.stdout).cache_fallback, /not granted: memory cache/);
  });
});

Deno.test("e2e config: extra deny and ignore globs from trifecta.jsonc narrow what is read and walked", async () => {
  await withExample(async (seg, home) => {
    await Deno.mkdir(join(seg, "src", "gen"));
    await Deno.writeTextFile(join(seg, "src", "gen", "auto.py"), "def generated():\n    pass\n");
    await Deno.writeTextFile(join(seg, "src", "private.py"), "def hidden():\n    pass\n");
    await Deno.writeTextFile(
      join(seg, "trifecta.jsonc"),
      '{"deny": ["private.py"], "ignore": ["gen/"]}',
    );
    const env = userEnv(home);
    const r = await runCli(["ast", "skeleton", "src", "-s", seg, "--json"], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /generated|hidden/);
    assert.match(r.stdout, /"rel": "src\/private\.py",\s*"reason": "denied"|private\.py.*denied/s);
    const one = await runCli(["ast", "skeleton", "src/private.py", "-s", seg, "--json"], { env });
    assert.equal(one.code, 1);
    assert.equal(JSON.parse(one.stdout).error_code, "PATH_DENIED");
  });
});

Deno.test("e2e config: after ast, ctx and config commands in a git repository, git status is clean", async () => {
  await withExample(async (seg, home) => {
    const git = async (...args: string[]) => {
      const out = await new Deno.Command("git", {
        args: ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args],
        cwd: seg,
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
      return new TextDecoder().decode(out.stdout);
    };
    await git("init", "-q");
    await git("add", "-A");
    await git("commit", "-q", "-m", "example");
    const env = userEnv(home);
    for (
      const args of [
        ["ast", "skeleton", "src"],
        ["ctx", "build"],
        ["ctx", "search", "-q", "stock"],
        ["config", "show"],
        ["telemetry", "report"],
      ]
    ) {
      const r = await runCli([...args, "-s", seg], { env });
      assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
    }
    assert.ok(exists(join(seg, "_ctx", ".gitignore")));
    assert.ok(exists(join(seg, ".trifecta", ".gitignore")));
    assert.equal(await git("status", "--porcelain"), "");
  });
});

Deno.test("e2e config: trifecta never writes .gitignore through a symlinked _ctx, nor over an existing one", async () => {
  await withExample(async (seg, home) => {
    const outside = await Deno.makeTempDir({ prefix: "trifecta-e2e-outside-" });
    try {
      await Deno.symlink(outside, join(seg, "_ctx"));
      await Deno.mkdir(join(seg, ".trifecta"));
      await Deno.writeTextFile(join(seg, ".trifecta", ".gitignore"), "mine\n");
      await runCli(["config", "show", "-s", seg], { env: userEnv(home) });
      assert.ok(!exists(join(outside, ".gitignore")));
      assert.equal(await Deno.readTextFile(join(seg, ".trifecta", ".gitignore")), "mine\n");
    } finally {
      await Deno.remove(outside, { recursive: true });
    }
  });
});

Deno.test("e2e config: telemetry under the state directory for a trusted segment; the launcher grants only that directory", async () => {
  await withExample(async (seg, home) => {
    const env = userEnv(home);
    const real = await Deno.realPath(seg);
    await Deno.mkdir(join(home, "config", "trifecta"), { recursive: true });
    await Deno.writeTextFile(
      join(home, "config", "trifecta", "config.jsonc"),
      JSON.stringify({ trusted_segments: [real] }),
    );
    await Deno.writeTextFile(join(seg, "trifecta.jsonc"), '{"telemetry": {"dir": "state"}}');
    const id = (await resolveSegment(seg)).id;
    const stateDir = join(home, "state", "trifecta", id, "telemetry");
    const before = Object.fromEntries(Object.keys(env).map((k) => [k, Deno.env.get(k)]));
    for (const [k, v] of Object.entries(env)) Deno.env.set(k, v);
    let grant: string[];
    try {
      grant = await stateTelemetryGrant(seg);
    } finally {
      for (const [k, v] of Object.entries(before)) {
        if (v === undefined) Deno.env.delete(k);
        else Deno.env.set(k, v);
      }
    }
    assert.deepEqual(grant, [stateDir]);
    const flags = permissionFlags({
      segment: seg,
      codeDirs: [LIB_DIR],
      extraWrite: grant,
      userConfig: join(home, "config", "trifecta", "config.jsonc"),
    });
    const r = await runCli(["ast", "skeleton", "src", "-s", seg], { env, flags });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(exists(join(stateDir, "events.jsonl")), "events under the state directory");
    assert.ok(!exists(join(seg, "_ctx", "telemetry")), "no telemetry in the segment");
    const report = await runCli(["telemetry", "report", "-s", seg, "--json"], { env, flags });
    assert.equal(report.code, 0, report.stderr);
  });
});
