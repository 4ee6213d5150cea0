/**
 * `trifecta lsp …` end to end: the real CLI as a subprocess, the real
 * pyright from npm (few spawns: one one-shot, one daemon), and a fake server
 * for the hung-server faults (tests/lsp/fixtures/fake_server.ts).
 *
 * Deno 2.9 needs net permission on the exact socket path to use a Unix
 * socket, so the daemon tests run the CLI with `--allow-net=unix:<socket>`
 * added to the documented flags.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import {
  CLI_FLAGS,
  type CliResult,
  exists,
  removeSegment,
  runCli,
  tempExample,
} from "./helpers.ts";
import { daemonPaths } from "../../lib/lsp/daemon_paths.ts";

const FAKE = fileURLToPath(new URL("../lsp/fixtures/fake_server.ts", import.meta.url));
const fakeCommand = (mode: string) =>
  JSON.stringify([Deno.execPath(), "run", "--no-config", FAKE, mode]);
const LOC = "src/inventory/service.py:11:25"; // `Inventory` in restock's signature

/** The CLI with a grant to the daemon's socket (its files were never part of the no-PII scan). */
function runCliNet(
  args: readonly string[],
  socket: string,
  env: Record<string, string>,
): Promise<CliResult> {
  const flags = [...CLI_FLAGS, `--allow-net=unix:${socket}`];
  return runCli(args, { flags, env, piiScan: false });
}

function alive(pid: number): boolean {
  try {
    Deno.kill(pid, "SIGCONT");
    return true;
  } catch {
    // ESRCH: the process is gone.
    return false;
  }
}

async function until(what: string, check: () => Promise<boolean>, ms = 180_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`gave up waiting for: ${what}`);
}

Deno.test("e2e lsp: no server found → degraded AST answer with lsp_binary_not_found, exit 0; --require-lsp exits 1", async () => {
  const dir = await tempExample();
  try {
    const env = { TRIFECTA_LSP_COMMAND: "/nonexistent/pyright-langserver --stdio" };
    const r = await runCli(["lsp", "definition", LOC, "-s", dir, "--json"], { env });
    assert.equal(r.code, 0, r.stderr);
    const res = JSON.parse(r.stdout);
    assert.equal(res.status, "ok");
    assert.equal(res.capability_state, "DEGRADED");
    assert.equal(res.backend, "ast_only");
    assert.equal(res.response_state, "degraded");
    assert.equal(res.fallback_reason, "lsp_binary_not_found");
    assert.deepEqual(
      res.data.locations.map((l: { path: string; line: number }) => [l.path, l.line]),
      [[
        "src/inventory/models.py",
        31,
      ]],
    );

    const strict = await runCli(["lsp", "definition", LOC, "-s", dir, "--json", "--require-lsp"], {
      env,
    });
    assert.equal(strict.code, 1);
    const err = JSON.parse(strict.stdout);
    assert.equal(err.status, "error");
    assert.equal(err.error_code, "LSP_UNAVAILABLE");
    assert.equal(err.fallback_reason, "lsp_binary_not_found");

    const text = await runCli(["lsp", "definition", LOC, "-s", dir, "--require-lsp"], { env });
    assert.equal(text.code, 1);
    assert.match(text.stderr, /TRIFECTA_ERROR_CODE: LSP_UNAVAILABLE/);

    const events = await Deno.readTextFile(join(dir, "_ctx/telemetry/events.jsonl"));
    assert.match(events, /"cmd":"lsp.fallback"/);
    assert.ok(!events.includes(dir), "no absolute path in telemetry");
  } finally {
    await removeSegment(dir);
  }
});

Deno.test("e2e lsp: TRIFECTA_LSP=0 answers from the AST with lsp_disabled, in readable text", async () => {
  const dir = await tempExample();
  try {
    const r = await runCli(["lsp", "hover", LOC, "-s", dir], { env: { TRIFECTA_LSP: "0" } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /hover 'Inventory' at src\/inventory\/service.py:11:25 — AST fallback \(lsp_disabled\)/,
    );
    assert.match(r.stdout, /class Inventory/);
    assert.match(r.stdout, /note: degraded answer/);
  } finally {
    await removeSegment(dir);
  }
});

Deno.test("e2e lsp: a server that never answers → lsp_not_ready; one that hangs mid-session → lsp_request_timeout", async () => {
  const dir = await tempExample();
  try {
    const silent = await runCli(["lsp", "definition", LOC, "-s", dir, "--json"], {
      env: { TRIFECTA_LSP_COMMAND: fakeCommand("silent"), TRIFECTA_LSP_READY_TIMEOUT: "1" },
    });
    assert.equal(silent.code, 0, silent.stderr);
    assert.equal(JSON.parse(silent.stdout).fallback_reason, "lsp_not_ready");

    const hung = await runCli(["lsp", "definition", LOC, "-s", dir, "--json"], {
      env: { TRIFECTA_LSP_COMMAND: fakeCommand("handshake"), TRIFECTA_LSP_REQUEST_TIMEOUT: "0.5" },
    });
    assert.equal(hung.code, 0, hung.stderr);
    const res = JSON.parse(hung.stdout);
    assert.equal(res.fallback_reason, "lsp_request_timeout");
    assert.equal(res.data.locations[0].path, "src/inventory/models.py");
  } finally {
    await removeSegment(dir);
  }
});

Deno.test("e2e lsp: one-shot pyright resolves a definition across files (FULL, lsp_pyright)", async () => {
  const dir = await tempExample();
  try {
    const r = await runCli(["lsp", "definition", LOC, "-s", dir, "--json", "--require-lsp"], {
      env: { TRIFECTA_LSP_READY_TIMEOUT: "180" },
    });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const res = JSON.parse(r.stdout);
    assert.equal(res.capability_state, "FULL");
    assert.equal(res.backend, "lsp_pyright");
    assert.equal(res.fallback_reason, undefined);
    assert.deepEqual(res.data.locations, [{
      path: "src/inventory/models.py",
      line: 31,
      col: 7,
      end_line: 31,
      end_col: 16,
    }]);
  } finally {
    await removeSegment(dir);
  }
});

Deno.test("e2e lsp daemon: start, status, definition through it, singleton, server crash → fallback, stop leaves nothing", async () => {
  const dir = await tempExample();
  const runtime = await Deno.makeTempDir({ prefix: "trifecta-rt-" });
  const realDir = await Deno.realPath(dir);
  const paths = daemonPaths(realDir, (n) => (n === "XDG_RUNTIME_DIR" ? runtime : undefined));
  const env = { XDG_RUNTIME_DIR: runtime, TRIFECTA_LSP_READY_TIMEOUT: "180" };
  const cli = (...args: string[]) => runCliNet([...args, "-s", dir, "--json"], paths.socket, env);
  let pids: number[] = [];
  try {
    const started = await cli("lsp", "daemon", "start", "--ttl", "600");
    assert.equal(started.code, 0, started.stderr);
    const s = JSON.parse(started.stdout);
    assert.equal(s.daemon, "started");
    pids.push(s.pid);
    assert.ok(await exists(paths.socket), "socket exists once start returns");
    const info = await Deno.stat(paths.dir);
    assert.equal(info.mode! & 0o777, 0o700);

    await until("daemon READY", async () => {
      const st = JSON.parse((await cli("lsp", "daemon", "status")).stdout);
      if (st.server_pid) pids = [s.pid, st.server_pid];
      return st.state === "READY";
    });

    const def = await cli("lsp", "definition", LOC, "--require-lsp");
    assert.equal(def.code, 0, def.stderr);
    const res = JSON.parse(def.stdout);
    assert.equal(res.capability_state, "FULL");
    assert.deepEqual(
      res.data.locations.map((l: { path: string; line: number }) => [l.path, l.line]),
      [[
        "src/inventory/models.py",
        31,
      ]],
    );
    const after = JSON.parse((await cli("lsp", "daemon", "status")).stdout);
    assert.equal(after.queries, 1, "the query went through the daemon");

    const again = JSON.parse((await cli("lsp", "daemon", "start")).stdout);
    assert.equal(again.daemon, "already_running");
    assert.equal(again.pid, s.pid);

    // Kill the daemon's language server: the next answer is a named fallback.
    Deno.kill(after.server_pid, "SIGKILL");
    await until("server gone", () => Promise.resolve(!alive(after.server_pid)), 30_000);
    const degraded = await runCliNet(
      ["lsp", "definition", LOC, "-s", dir, "--json"],
      paths.socket,
      {
        ...env,
        TRIFECTA_LSP_READY_TIMEOUT: "0",
      },
    );
    assert.equal(degraded.code, 0, degraded.stderr);
    const dres = JSON.parse(degraded.stdout);
    assert.equal(dres.capability_state, "DEGRADED");
    assert.ok(["lsp_not_ready", "lsp_error"].includes(dres.fallback_reason), dres.fallback_reason);
    assert.equal(dres.data.locations[0].path, "src/inventory/models.py");
    const restarted = JSON.parse((await cli("lsp", "daemon", "status")).stdout);
    if (restarted.server_pid) pids.push(restarted.server_pid);

    const stopped = await cli("lsp", "daemon", "stop");
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.equal(JSON.parse(stopped.stdout).daemon, "stopped");
    await until("processes gone", () => Promise.resolve(!pids.some(alive)), 30_000);
    assert.equal(await exists(paths.socket), false);
    assert.equal(await exists(paths.lock), false);
    const status = JSON.parse((await cli("lsp", "daemon", "status")).stdout);
    assert.equal(status.running, false);
  } finally {
    for (const pid of pids) {
      if (alive(pid)) Deno.kill(pid, "SIGKILL");
    }
    await removeSegment(dir);
    await removeSegment(runtime);
  }
});

Deno.test("e2e lsp daemon: the idle TTL ends it and removes its socket and lock", async () => {
  const dir = await tempExample();
  const runtime = await Deno.makeTempDir({ prefix: "trifecta-rt-" });
  const paths = daemonPaths(
    await Deno.realPath(dir),
    (n) => (n === "XDG_RUNTIME_DIR" ? runtime : undefined),
  );
  // The fake server keeps this test from spawning another pyright.
  const env = { XDG_RUNTIME_DIR: runtime, TRIFECTA_LSP_COMMAND: fakeCommand("handshake") };
  let pid = 0;
  try {
    const r = await runCliNet(
      ["lsp", "daemon", "start", "--ttl", "1", "-s", dir, "--json"],
      paths.socket,
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    pid = JSON.parse(r.stdout).pid;
    assert.ok(await exists(paths.lock));
    await until(
      "TTL expiry",
      async () => !(await exists(paths.socket)) && !(await exists(paths.lock)),
      60_000,
    );
    await until("daemon exit", () => Promise.resolve(!alive(pid)), 30_000);
  } finally {
    if (pid && alive(pid)) Deno.kill(pid, "SIGKILL");
    await removeSegment(dir);
    await removeSegment(runtime);
  }
});
