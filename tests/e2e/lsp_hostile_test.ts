/**
 * Hostile input for `trifecta lsp …` and the daemon, end to end with the
 * real CLI: a module symlinked out of the segment or onto `.env` (real
 * pyright, once), an impostor daemon in a foreign-owned runtime directory,
 * oversized and malformed daemon requests, a stopped daemon, a server
 * flooding a huge frame, a server leaving children behind, and the grants
 * a CLI call needs to reach the daemon. Fake servers and daemons are small
 * Deno scripts in tests/lsp/fixtures/. After each: no marker from an
 * outside or denied file in stdout, stderr, `_ctx/` or `.trifecta/`.
 *
 * The tests run as root (so they can chown a directory to uid 65534).
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import {
  CLI_FLAGS,
  type CliResult,
  LIB_DIR,
  MAIN_TS,
  removeSegment,
  REPO_ROOT,
} from "./helpers.ts";
import { daemonPaths } from "../../lib/lsp/daemon_paths.ts";
import { permissionFlags } from "../../tools/permissions.ts";

const FIXTURES = fileURLToPath(new URL("../lsp/fixtures/", import.meta.url));
const FAKE_SERVER = join(FIXTURES, "fake_server.ts");
const MARKERS = /OUTSIDE_MARKER|ENV_MARKER|IMPOSTOR_MARKER|etc\/shadow/;

function fakeCommand(...args: string[]): string {
  return JSON.stringify([
    Deno.execPath(),
    "run",
    "--no-config",
    "--allow-read",
    "--allow-write",
    "--allow-run",
    FAKE_SERVER,
    ...args,
  ]);
}

/** Run the CLI with `flags` (default: the broad test flags plus the socket). */
async function cli(
  args: readonly string[],
  options: { env?: Record<string, string>; flags?: readonly string[]; socket?: string } = {},
): Promise<CliResult> {
  const flags = options.flags ??
    [...CLI_FLAGS, ...(options.socket ? [`--allow-net=unix:${options.socket}`] : [])];
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...flags, MAIN_TS, ...args],
    cwd: REPO_ROOT,
    env: { NO_COLOR: "1", ...options.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Everything trifecta wrote into the segment, as one string. */
async function written(seg: string): Promise<string> {
  let all = "";
  for (const top of ["_ctx", ".trifecta"]) {
    const stack = [join(seg, top)];
    while (stack.length > 0) {
      const dir = stack.pop()!;
      let entries: Deno.DirEntry[];
      try {
        entries = [...Deno.readDirSync(dir)];
      } catch (err) {
        if (err instanceof Deno.errors.NotFound) continue;
        throw err;
      }
      for (const e of entries) {
        const p = join(dir, e.name);
        if (e.isDirectory) stack.push(p);
        else if (e.isFile) all += new TextDecoder().decode(await Deno.readFile(p));
      }
    }
  }
  return all;
}

async function assertNoMarker(seg: string, ...results: CliResult[]): Promise<void> {
  for (const r of results) {
    assert.doesNotMatch(r.stdout, MARKERS, r.stdout);
    assert.doesNotMatch(r.stderr, MARKERS, r.stderr);
  }
  assert.doesNotMatch(await written(seg), MARKERS, "nothing in _ctx/ or .trifecta/");
}

/** A segment with `use.py` importing `helper` (inside) and `secretmod`/`envmod` (links). */
async function hostileSegment(): Promise<{ seg: string; outside: string }> {
  const seg = await Deno.makeTempDir({ prefix: "trifecta-hostile-" });
  const outside = await Deno.makeTempDir({ prefix: "trifecta-outside-" });
  await Deno.writeTextFile(
    join(outside, "secretmod.py"),
    'def outside_fn(x: int) -> str:\n    """OUTSIDE_MARKER doc line"""\n    return "OUTSIDE_MARKER"\n',
  );
  await Deno.writeTextFile(join(seg, ".env"), 'def env_fn():\n    """ENV_MARKER doc"""\n');
  await Deno.writeTextFile(join(seg, "helper.py"), 'def helper():\n    """Inside doc."""\n');
  await Deno.symlink(join(outside, "secretmod.py"), join(seg, "secretmod.py"));
  await Deno.symlink(".env", join(seg, "envmod.py"));
  await Deno.writeTextFile(
    join(seg, "use.py"),
    "from secretmod import outside_fn\nfrom envmod import env_fn\nfrom helper import helper\n\noutside_fn(1)\nenv_fn()\nhelper()\n",
  );
  return { seg, outside };
}

async function until(what: string, check: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`gave up waiting for: ${what}`);
}

function alive(pid: number): boolean {
  try {
    Deno.kill(pid, "SIGCONT");
    return true;
  } catch (err) {
    // ESRCH: the process is gone.
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

/** True when `pid` has exited (no /proc entry, or a zombie). Read through `cat`. */
async function gone(pid: number): Promise<boolean> {
  const out = await new Deno.Command("cat", { args: [`/proc/${pid}/stat`], stderr: "null" })
    .output();
  if (out.code !== 0) return true;
  const stat = new TextDecoder().decode(out.stdout);
  return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
}

Deno.test("e2e lsp hostile: a module symlinked outside the segment or onto .env never reaches hover/definition (pyright and AST fallback)", async () => {
  const { seg, outside } = await hostileSegment();
  const env = { TRIFECTA_LSP_READY_TIMEOUT: "180", TRIFECTA_LSP_DAEMON: "0" };
  try {
    const results: CliResult[] = [];
    for (const method of ["hover", "definition"]) {
      for (const loc of ["use.py:5:3", "use.py:6:3"]) {
        const r = await cli(["lsp", method, loc, "-s", seg, "--json"], { env });
        assert.equal(r.code, 0, r.stderr);
        const res = JSON.parse(r.stdout);
        assert.equal(res.fallback_reason, "unsafe_links");
        assert.match(res.message, /2 symlinks in the segment lead outside it/);
        assert.match(res.message, /Remove or replace them/);
        results.push(r);
      }
    }
    const ast = await cli(["lsp", "hover", "use.py:5:3", "-s", seg], {
      env: { ...env, TRIFECTA_LSP: "0" },
    });
    assert.equal(ast.code, 0, ast.stderr);
    const strict = await cli(["lsp", "hover", "use.py:5:3", "-s", seg, "--require-lsp"], { env });
    assert.equal(strict.code, 1);
    assert.match(strict.stderr, /TRIFECTA_ERROR_CODE: UNSAFE_LINKS/);
    await assertNoMarker(seg, ...results, ast, strict);

    // Control: with the links gone, the same pyright answers (FULL) inside the segment.
    await Deno.remove(join(seg, "secretmod.py"));
    await Deno.remove(join(seg, "envmod.py"));
    const full = await cli(["lsp", "hover", "use.py:7:3", "-s", seg, "--json"], { env });
    const res = JSON.parse(full.stdout);
    assert.equal(res.capability_state, "FULL", full.stdout + full.stderr);
    assert.match(res.data.contents, /Inside doc/);
  } finally {
    await removeSegment(seg);
    await Deno.remove(outside, { recursive: true });
  }
});

interface Impostor {
  seg: string;
  runtime: string;
  socket: string;
  log: string;
  stop: () => Promise<void>;
}

/**
 * An impostor daemon listening at the segment's socket path in a runtime
 * directory prepared by `prepare` (ownership, mode).
 */
async function impostor(prepare: (dir: string) => Promise<void>): Promise<Impostor> {
  const { seg } = await hostileSegment();
  for (const l of ["secretmod.py", "envmod.py"]) await Deno.remove(join(seg, l));
  const runtime = await Deno.makeTempDir({ prefix: "trifecta-rt-" });
  const paths = daemonPaths(
    await Deno.realPath(seg),
    (n) => n === "XDG_RUNTIME_DIR" ? runtime : undefined,
  );
  await Deno.mkdir(paths.dir, { mode: 0o700 });
  const log = join(runtime, "impostor.log");
  const ready = join(runtime, "ready");
  await Deno.writeTextFile(log, "");
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      `--allow-net=unix:${paths.socket}`,
      `--allow-read=${runtime}`,
      `--allow-write=${runtime}`,
      join(FIXTURES, "fake_daemon.ts"),
      paths.socket,
      log,
      ready,
    ],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  await until("impostor listening", async () => {
    try {
      await Deno.stat(ready);
      return true;
    } catch {
      return false;
    }
  });
  await prepare(paths.dir);
  return {
    seg,
    runtime,
    socket: paths.socket,
    log,
    stop: async () => {
      child.kill("SIGKILL");
      await child.status;
      await removeSegment(seg);
      await Deno.remove(runtime, { recursive: true });
    },
  };
}

/** The hover and the definition (`--json`), then the definition as text. */
async function askThroughImpostor(d: Impostor): Promise<[CliResult, CliResult, CliResult]> {
  const env = { XDG_RUNTIME_DIR: d.runtime, TRIFECTA_LSP_COMMAND: "/nonexistent/ls" };
  const ask = (method: string, json: string[]) =>
    cli(["lsp", method, "use.py:7:3", "-s", d.seg, ...json], { env, socket: d.socket });
  const hover = await ask("hover", ["--json"]);
  const definition = await ask("definition", ["--json"]);
  return [hover, definition, await ask("definition", [])];
}

Deno.test("e2e lsp daemon trust: an impostor in a runtime directory owned by another user (mode 0777) is never contacted", async () => {
  const d = await impostor(async (dir) => {
    await Deno.chown(dir, 65534, 65534);
    await Deno.chmod(dir, 0o777);
  });
  try {
    const results = await askThroughImpostor(d);
    for (const r of results.slice(0, 2)) {
      assert.equal(r.code, 0, r.stderr);
      const res = JSON.parse(r.stdout);
      assert.equal(res.fallback_reason, "daemon_untrusted");
      assert.equal(res.capability_state, "DEGRADED");
      assert.match(res.message, /owned by uid 65534/);
    }
    assert.match(results[2].stdout, /AST fallback \(daemon_untrusted\)/);
    const env = { XDG_RUNTIME_DIR: d.runtime };
    const status = await cli(["lsp", "daemon", "status", "-s", d.seg, "--json"], {
      env,
      socket: d.socket,
    });
    const st = JSON.parse(status.stdout);
    assert.equal(st.trusted, false);
    assert.equal(st.reachable, false);
    const stop = await cli(["lsp", "daemon", "stop", "-s", d.seg, "--json"], {
      env,
      socket: d.socket,
    });
    assert.equal(stop.code, 1);
    assert.equal(JSON.parse(stop.stdout).error_code, "DAEMON_UNTRUSTED");
    await assertNoMarker(d.seg, ...results, status, stop);
    assert.equal(await Deno.readTextFile(d.log), "", "the impostor received nothing");
  } finally {
    await d.stop();
  }
});

Deno.test("e2e lsp daemon trust: a socket owned by another user, or a directory open to the group, is refused too", async () => {
  for (
    const prepare of [
      async (dir: string) => await Deno.chown(join(dir, (await firstSocket(dir))!), 65534, 65534),
      async (dir: string) => await Deno.chmod(dir, 0o750),
    ]
  ) {
    const d = await impostor(prepare);
    try {
      const [hover] = await askThroughImpostor(d);
      assert.equal(JSON.parse(hover.stdout).fallback_reason, "daemon_untrusted");
      await assertNoMarker(d.seg, hover);
      assert.equal(await Deno.readTextFile(d.log), "");
    } finally {
      await d.stop();
    }
  }

  async function firstSocket(dir: string): Promise<string | undefined> {
    for await (const e of Deno.readDir(dir)) if (e.name.endsWith(".sock")) return e.name;
    return undefined;
  }
});

Deno.test("e2e lsp daemon trust (control): the same fake daemon in a private directory is contacted, and its ../../etc/shadow is dropped", async () => {
  const d = await impostor(() => Promise.resolve());
  try {
    const [, definition] = await askThroughImpostor(d);
    const res = JSON.parse(definition.stdout);
    assert.equal(res.capability_state, "FULL");
    assert.deepEqual(res.data.locations, []);
    assert.match(res.data.note, /1 item\(s\) with an invalid path or position dropped/);
    assert.doesNotMatch(definition.stdout, /shadow/);
    assert.match(await Deno.readTextFile(d.log), /CONNECT/, "the mechanism sees contact");
  } finally {
    await d.stop();
  }
});

interface RealDaemon {
  seg: string;
  runtime: string;
  socket: string;
  env: Record<string, string>;
  pid: number;
}

async function startDaemon(serverArgs: string[], extraEnv = {}): Promise<RealDaemon> {
  const seg = await Deno.makeTempDir({ prefix: "trifecta-daemon-" });
  await Deno.writeTextFile(join(seg, "use.py"), "from mod import f\nf()\n");
  await Deno.writeTextFile(join(seg, "mod.py"), "def f():\n    pass\n");
  const runtime = await Deno.makeTempDir({ prefix: "trifecta-rt-" });
  const paths = daemonPaths(
    await Deno.realPath(seg),
    (n) => n === "XDG_RUNTIME_DIR" ? runtime : undefined,
  );
  const env = {
    XDG_RUNTIME_DIR: runtime,
    TRIFECTA_LSP_COMMAND: fakeCommand(...serverArgs),
    ...extraEnv,
  };
  const r = await cli(["lsp", "daemon", "start", "--ttl", "600", "-s", seg, "--json"], {
    env,
    socket: paths.socket,
  });
  assert.equal(r.code, 0, r.stderr);
  return { seg, runtime, socket: paths.socket, env, pid: JSON.parse(r.stdout).pid };
}

async function stopDaemon(d: RealDaemon): Promise<void> {
  try {
    Deno.kill(d.pid, "SIGCONT");
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  await cli(["lsp", "daemon", "stop", "-s", d.seg], { env: d.env, socket: d.socket });
  if (alive(d.pid)) Deno.kill(d.pid, "SIGKILL");
  await removeSegment(d.seg);
  await Deno.remove(d.runtime, { recursive: true });
}

Deno.test("e2e lsp daemon: an oversized or malformed request gets an error line and the daemon stays up", async () => {
  const d = await startDaemon(["handshake"]);
  const payloadFile = join(d.runtime, "payloads.json");
  try {
    const payloads = [
      "x".repeat(100 * 1024) + "\n",
      "y".repeat(200 * 1024), // no newline at all
      "null\n",
      "[]\n",
      "5\n",
      "not json\n",
      '{"method":"nope"}\n',
      '{"method":"query","params":null}\n',
      '{"method":"query","params":{"method":"hover","file":"use.py","line":-1,"col":1}}\n',
      '{"method":"query","params":{"method":"hover","file":"../../etc/passwd","line":1,"col":1}}\n',
      '{"id":{"x":1},"method":"status"}\n',
    ];
    await Deno.writeTextFile(payloadFile, JSON.stringify(payloads));
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        `--allow-net=unix:${d.socket}`,
        `--allow-read=${payloadFile},${d.socket}`,
        `--allow-write=${d.socket}`,
        join(FIXTURES, "raw_client.ts"),
        d.socket,
        payloadFile,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    const replies = (JSON.parse(new TextDecoder().decode(out.stdout)) as (string | null)[])
      .map((r) => (r === null ? null : JSON.parse(r)));
    const codes = replies.map((r) => r?.error?.code ?? (r?.ok ? "OK" : null));
    assert.deepEqual(codes, [
      "REQUEST_TOO_LARGE",
      "REQUEST_TOO_LARGE",
      "BAD_REQUEST",
      "BAD_REQUEST",
      "BAD_REQUEST",
      "BAD_REQUEST",
      "BAD_REQUEST",
      "BAD_REQUEST",
      "BAD_REQUEST",
      "PATH_OUTSIDE_SEGMENT",
      "OK",
    ]);
    assert.equal(alive(d.pid), true, "the daemon is still up");
    const status = JSON.parse(
      (await cli(["lsp", "daemon", "status", "-s", d.seg, "--json"], {
        env: d.env,
        socket: d.socket,
      })).stdout,
    );
    assert.equal(status.running, true);
    assert.equal(status.reachable, true);
    assert.equal(status.pid, d.pid);
  } finally {
    await stopDaemon(d);
  }
});

Deno.test("e2e lsp daemon: a stopped (SIGSTOP) daemon is given up on with a named fallback, and status never says reachable without running", async () => {
  const d = await startDaemon(["handshake"]);
  try {
    const before = JSON.parse(
      (await cli(["lsp", "daemon", "status", "-s", d.seg, "--json"], {
        env: d.env,
        socket: d.socket,
      })).stdout,
    );
    assert.deepEqual([before.running, before.reachable], [true, true]);
    Deno.kill(d.pid, "SIGSTOP");
    const r = await cli(["lsp", "definition", "use.py:2:1", "-s", d.seg, "--json"], {
      env: { ...d.env, TRIFECTA_LSP_READY_TIMEOUT: "60" },
      socket: d.socket,
    });
    assert.equal(r.code, 0, r.stderr);
    const res = JSON.parse(r.stdout);
    assert.equal(res.fallback_reason, "daemon_unavailable");
    assert.match(res.message, /did not respond within 2000 ms \(stopped or hung\)/);
    const st = JSON.parse(
      (await cli(["lsp", "daemon", "status", "-s", d.seg, "--json"], {
        env: d.env,
        socket: d.socket,
      })).stdout,
    );
    assert.deepEqual([st.running, st.reachable], [true, false]);
    Deno.kill(d.pid, "SIGCONT");
    await cli(["lsp", "daemon", "stop", "-s", d.seg], { env: d.env, socket: d.socket });
    const after = JSON.parse(
      (await cli(["lsp", "daemon", "status", "-s", d.seg, "--json"], {
        env: d.env,
        socket: d.socket,
      })).stdout,
    );
    assert.deepEqual([after.running, after.reachable], [false, false]);
  } finally {
    await stopDaemon(d);
  }
});

Deno.test("e2e lsp daemon: with an unsafe link the daemon does not ask its server (unsafe_links), and answers once fixed", async () => {
  const outside = await Deno.makeTempDir({ prefix: "trifecta-outside-" });
  const script = join(outside, "script.json");
  const log = join(outside, "requests.log");
  const range = { start: { line: 0, character: 4 }, end: { line: 0, character: 5 } };
  await Deno.writeTextFile(
    script,
    JSON.stringify({ definition: [{ uri: "file://${ROOT}/mod.py", range }] }),
  );
  await Deno.writeTextFile(join(outside, "o.py"), "X = 'OUTSIDE_MARKER'\n");
  const d = await startDaemon(["answer", script, log]);
  try {
    await Deno.symlink(join(outside, "o.py"), join(d.seg, "o.py"));
    const refused = await cli(["lsp", "definition", "use.py:2:1", "-s", d.seg, "--json"], {
      env: d.env,
      socket: d.socket,
    });
    const res = JSON.parse(refused.stdout);
    assert.equal(res.fallback_reason, "unsafe_links", refused.stdout);
    assert.match(
      res.message,
      /1 symlink in the segment leads outside it or onto a denied file \(e\.g\. o\.py\)/,
    );
    await assertNoMarker(d.seg, refused);
    await Deno.remove(join(d.seg, "o.py"));
    const answered = await cli(["lsp", "definition", "use.py:2:1", "-s", d.seg, "--json"], {
      env: { ...d.env, TRIFECTA_LSP_READY_TIMEOUT: "60" },
      socket: d.socket,
    });
    const ok = JSON.parse(answered.stdout);
    assert.equal(ok.capability_state, "FULL", answered.stdout);
    assert.equal(ok.data.locations[0].path, "mod.py");
  } finally {
    await stopDaemon(d);
    await Deno.remove(outside, { recursive: true });
  }
});

Deno.test("e2e lsp: a server that announces Content-Length: 99999999999 and streams gives lsp_frame_too_large", async () => {
  const seg = await Deno.makeTempDir({ prefix: "trifecta-flood-" });
  try {
    await Deno.writeTextFile(join(seg, "use.py"), "def f():\n    pass\nf()\n");
    const r = await cli(["lsp", "definition", "use.py:3:1", "-s", seg, "--json"], {
      env: { TRIFECTA_LSP_COMMAND: fakeCommand("flood"), TRIFECTA_LSP_DAEMON: "0" },
    });
    assert.equal(r.code, 0, r.stderr);
    const res = JSON.parse(r.stdout);
    assert.equal(res.fallback_reason, "lsp_frame_too_large");
    assert.equal(res.data.locations[0].path, "use.py", "the AST answered");
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("e2e lsp daemon under the narrow flags: stop ends the server's children too (its process group)", async () => {
  const seg = await Deno.makeTempDir({ prefix: "trifecta-pg-" });
  const outside = await Deno.makeTempDir({ prefix: "trifecta-pid-" });
  const pidFile = join(outside, "child.pid");
  try {
    await Deno.writeTextFile(join(seg, "use.py"), "x = 1\n");
    const flags = [
      ...permissionFlags({ segment: seg, codeDirs: [LIB_DIR], daemon: true }),
      "--allow-write=" + outside,
    ];
    const env = { TRIFECTA_LSP_COMMAND: fakeCommand("child", pidFile) };
    const start = await cli(["lsp", "daemon", "start", "-s", seg, "--json"], { env, flags });
    assert.equal(start.code, 0, start.stderr);
    await until("server child spawned", async () => {
      try {
        return (await Deno.readTextFile(pidFile)).length > 0;
      } catch {
        return false;
      }
    });
    const child = Number(await Deno.readTextFile(pidFile));
    assert.equal(await gone(child), false);
    const stop = await cli(["lsp", "daemon", "stop", "-s", seg, "--json"], { env, flags });
    assert.equal(stop.code, 0, stop.stderr);
    await until("the server's child ended", () => gone(child), 20_000);
  } finally {
    await removeSegment(seg);
    await Deno.remove(outside, { recursive: true });
  }
});

Deno.test("e2e lsp grants: without the runtime directory and socket grants a running daemon is named (daemon_not_granted with the flags), with them it answers", async () => {
  const script = join(await Deno.makeTempDir(), "script.json");
  const range = { start: { line: 0, character: 4 }, end: { line: 0, character: 5 } };
  await Deno.writeTextFile(
    script,
    JSON.stringify({ definition: [{ uri: "file://${ROOT}/mod.py", range }] }),
  );
  const d = await startDaemon(["answer", script]);
  try {
    const narrow = permissionFlags({ segment: d.seg, codeDirs: [LIB_DIR], daemon: false });
    const r = await cli(["lsp", "definition", "use.py:2:1", "-s", d.seg, "--json"], {
      env: d.env,
      flags: narrow,
    });
    assert.equal(r.code, 0, r.stderr);
    const res = JSON.parse(r.stdout);
    assert.equal(res.fallback_reason, "daemon_not_granted");
    const dir = daemonPaths(await Deno.realPath(d.seg), (n) =>
      n === "XDG_RUNTIME_DIR" ? d.runtime : undefined).dir;
    for (
      const flag of [`--allow-read=${dir}`, `--allow-write=${dir}`, `--allow-net=unix:${d.socket}`]
    ) {
      assert.ok(res.message.includes(flag), res.message);
    }

    const granted = await cli(["lsp", "definition", "use.py:2:1", "-s", d.seg, "--json"], {
      env: { ...d.env, TRIFECTA_LSP_READY_TIMEOUT: "60" },
      flags: [
        ...narrow,
        `--allow-read=${dir}`,
        `--allow-write=${dir}`,
        `--allow-net=unix:${d.socket}`,
      ],
    });
    const ok = JSON.parse(granted.stdout);
    assert.equal(ok.capability_state, "FULL", granted.stdout + granted.stderr);
  } finally {
    await stopDaemon(d);
    await Deno.remove(join(script, ".."), { recursive: true });
  }
});
