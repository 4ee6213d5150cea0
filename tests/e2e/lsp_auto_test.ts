/**
 * The keep-warm hint and `lsp.daemon: "auto"` end to end: the real CLI as a
 * subprocess, the fake language server (tests/lsp/fixtures/fake_server.ts,
 * `answer` mode) so no pyright start is paid, behind `sleep 1.2` where a
 * start of at least a second is the point. Each test has its own private
 * runtime directory (and user config directory), so its daemon is its own.
 * The setting comes from the user's config file or the environment
 * (`TRIFECTA_LSP_DAEMON=auto`).
 */
import assert from "node:assert/strict";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import {
  CLI_FLAGS,
  type CliResult,
  exists,
  LIB_DIR,
  MAIN_TS,
  removeSegment,
  runCli,
  tempExample,
} from "./helpers.ts";
import { type DaemonPaths, daemonPaths } from "../../lib/lsp/daemon_paths.ts";
import { HINT_AFTER_START_MS, keepWarmHint } from "../../lib/cli/lsp_query.ts";

const FAKE = fileURLToPath(new URL("../lsp/fixtures/fake_server.ts", import.meta.url));
const LOC = "src/inventory/service.py:11:25"; // `Inventory` in restock's signature

/** A segment (copy of the example), a private runtime directory and the fake server's script. */
interface Setup {
  dir: string;
  runtime: string;
  paths: DaemonPaths;
  env: Record<string, string>;
}

async function setup(
  options: { slowStart?: boolean; auto?: "env" | "user_file" } = {},
): Promise<Setup> {
  const dir = await Deno.realPath(await tempExample());
  // A fresh segment: what earlier runs left in the fixture is not copied along.
  for (const own of ["_ctx", ".trifecta"]) {
    await Deno.remove(join(dir, own), { recursive: true }).catch((err) => {
      // Absent: the fixture had none to copy.
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    });
  }
  const runtime = await Deno.makeTempDir({ prefix: "trifecta-rt-" });
  await Deno.chmod(runtime, 0o700);
  const script = join(runtime, "script.json");
  const range = { start: { line: 30, character: 6 }, end: { line: 30, character: 15 } };
  await Deno.writeTextFile(
    script,
    JSON.stringify({ definition: [{ uri: "file://${ROOT}/src/inventory/models.py", range }] }),
  );
  const fake = [Deno.execPath(), "run", "--no-config", "--allow-read", FAKE, "answer", script];
  const quoted = fake.map((a) => `'${a}'`).join(" ");
  const command = options.slowStart ? ["sh", "-c", `sleep 1.2; exec ${quoted}`] : fake;
  const env: Record<string, string> = {
    XDG_RUNTIME_DIR: runtime,
    TRIFECTA_LSP_COMMAND: JSON.stringify(command),
    TRIFECTA_NO_TELEMETRY: "1",
    NO_COLOR: "1",
  };
  if (options.auto === "env") env.TRIFECTA_LSP_DAEMON = "auto";
  // The user's own config file (trusted), as docs/config.md shows it.
  const configHome = join(runtime, "config");
  await Deno.mkdir(join(configHome, "trifecta"), { recursive: true });
  env.XDG_CONFIG_HOME = configHome;
  if (options.auto === "user_file") {
    const jsonc =
      '{\n  // start the daemon on the first query\n  "lsp": { "daemon": "auto" },\n}\n';
    await Deno.writeTextFile(join(configHome, "trifecta", "config.jsonc"), jsonc);
  }
  const paths = daemonPaths(dir, (n) => (n === "XDG_RUNTIME_DIR" ? runtime : undefined));
  return { dir, runtime, paths, env };
}

function cli(s: Setup, args: readonly string[], flags?: readonly string[]): Promise<CliResult> {
  const granted = flags ?? [...CLI_FLAGS, `--allow-net=unix:${s.paths.socket}`];
  return runCli(args, { flags: granted, env: s.env, piiScan: false });
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

/** Stop the daemon if one runs, then remove the segment and runtime directory. */
async function teardown(s: Setup): Promise<void> {
  try {
    await cli(s, ["lsp", "daemon", "stop", "-s", s.dir, "--json"]);
  } finally {
    await removeSegment(s.dir);
    await Deno.remove(s.runtime, { recursive: true });
  }
}

async function definition(s: Setup, extra: string[] = []): Promise<Record<string, unknown>> {
  const r = await cli(s, ["lsp", "definition", LOC, "-s", s.dir, "--json", ...extra]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

Deno.test("lsp hint: only a one-shot answer whose server start took a second or more gets it", () => {
  assert.equal(HINT_AFTER_START_MS, 1000);
  const hint = keepWarmHint({ via: "oneshot", serverStartMs: 1000 }, "my repo") ?? "";
  assert.match(hint, /took 1\.0 s to start/);
  assert.match(hint, /trifecta lsp daemon start -s 'my repo'/);
  assert.match(hint, /lsp\.daemon: "auto"/);
  assert.equal(keepWarmHint({ via: "oneshot", serverStartMs: 999 }, "."), undefined);
  assert.equal(keepWarmHint({ via: "oneshot" }, "."), undefined, "no measured start, no hint");
  assert.equal(keepWarmHint({ via: "daemon", serverStartMs: 5000 }, "."), undefined);
  assert.equal(keepWarmHint({ via: "none", serverStartMs: 5000 }, "."), undefined);
  assert.ok(!keepWarmHint({ via: "oneshot", serverStartMs: 2000 }, ".")?.includes(" -s "));
});

Deno.test("e2e lsp hint: a slow one-shot start says how to keep the server warm (stderr, or `hint` in --json); a daemon's answer does not", async () => {
  const s = await setup({ slowStart: true });
  try {
    const text = await cli(s, ["lsp", "definition", LOC, "-s", s.dir]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /src\/inventory\/models\.py:31:7/);
    assert.match(
      text.stderr,
      /^hint: the language server took \d+\.\d s to start; keep it warm with `trifecta lsp daemon start -s \S+` or the setting lsp\.daemon: "auto"/m,
    );
    assert.ok(!text.stdout.includes("hint"), "the hint is not part of the answer");

    const json = await definition(s);
    assert.equal(json.served_by, "oneshot");
    assert.equal(json.capability_state, "FULL");
    assert.match(String(json.hint), /took \d+\.\d s to start/);
    assert.equal("auto_daemon" in json, false, "the setting is off");

    const started = await cli(s, ["lsp", "daemon", "start", "-s", s.dir, "--json"]);
    assert.equal(started.code, 0, started.stderr);
    const warm = await definition(s);
    assert.equal(warm.served_by, "daemon");
    assert.equal(warm.capability_state, "FULL");
    assert.equal("hint" in warm, false);
    const warmText = await cli(s, ["lsp", "definition", LOC, "-s", s.dir]);
    assert.equal(warmText.stderr, "", "no hint when the daemon answered");
  } finally {
    await teardown(s);
  }
});

Deno.test('e2e lsp auto: with lsp.daemon "auto" in the user\'s config file the first query starts the daemon and is served by it, the second too; daemon stop cleans up', async () => {
  const s = await setup({ auto: "user_file" });
  let pid = 0;
  try {
    const first = await cli(s, ["lsp", "definition", LOC, "-s", s.dir]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /src\/inventory\/models\.py:31:7/);
    assert.match(
      first.stderr,
      /^note: started the language-server daemon \(lsp\.daemon: "auto"\)/m,
    );
    assert.ok(await exists(s.paths.socket), "the daemon listens");
    const status = JSON.parse(
      (await cli(s, ["lsp", "daemon", "status", "-s", s.dir, "--json"])).stdout,
    );
    assert.equal(status.running, true);
    pid = status.pid;
    assert.ok(pid > 1);

    const second = await definition(s);
    assert.equal(second.served_by, "daemon");
    assert.equal(second.auto_daemon, "running");
    assert.equal(second.capability_state, "FULL");
    assert.equal("hint" in second, false);
    const after = JSON.parse(
      (await cli(s, ["lsp", "daemon", "status", "-s", s.dir, "--json"])).stdout,
    );
    assert.equal(after.pid, pid, "the same daemon, not a second one");
    assert.ok(after.queries >= 2, "both questions went through the daemon");

    const stopped = await cli(s, ["lsp", "daemon", "stop", "-s", s.dir, "--json"]);
    assert.equal(JSON.parse(stopped.stdout).daemon, "stopped");
    assert.equal(await exists(s.paths.socket), false);
    assert.equal(await exists(s.paths.lock), false);
    assert.equal(alive(pid), false);
  } finally {
    if (pid && alive(pid)) Deno.kill(pid, "SIGKILL");
    await teardown(s);
  }
});

Deno.test("e2e lsp auto: a run that may not write the segment, reach the daemon's socket or look into the runtime directory starts no daemon and still answers one-shot", async () => {
  const s = await setup({ auto: "env" });
  try {
    const readOnly = [
      "--no-prompt",
      "--allow-read",
      `--allow-write=${s.runtime}`,
      "--allow-env",
      "--allow-run",
      "--allow-sys",
      `--allow-net=unix:${s.paths.socket}`,
      "--unstable-raw-imports",
    ];
    const args = ["lsp", "definition", LOC, "-s", s.dir, "--json"];
    const r = await cli(s, args, readOnly);
    assert.equal(r.code, 0, r.stderr);
    const res = JSON.parse(r.stdout);
    assert.equal(res.status, "ok");
    assert.equal(res.served_by, "oneshot");
    assert.equal(res.auto_daemon, "not_started");
    assert.equal(await exists(s.paths.socket), false, "no daemon");
    assert.equal(await exists(join(s.dir, ".trifecta")), false, "nothing written in the segment");
    assert.equal(await exists(join(s.dir, "_ctx")), false);

    const text = await cli(s, ["lsp", "definition", LOC, "-s", s.dir], readOnly);
    assert.equal(text.code, 0, text.stderr);
    assert.match(
      text.stderr,
      /note: lsp\.daemon: "auto": this run may not write the segment's _ctx\/ and \.trifecta\//,
    );

    const noRuntime = [
      "--no-prompt",
      `--allow-read=${s.dir},${LIB_DIR},${FAKE},${s.runtime}/script.json`,
      `--allow-write=${join(s.dir, "_ctx")},${join(s.dir, ".trifecta")}`,
      "--allow-env",
      "--allow-run",
      "--allow-sys",
      "--unstable-raw-imports",
    ];
    const noSocket = await cli(s, args, CLI_FLAGS); // everything but --allow-net=unix:<socket>
    assert.equal(noSocket.code, 0, noSocket.stderr);
    const n = JSON.parse(noSocket.stdout);
    assert.equal(n.auto_daemon, "not_started");
    assert.equal(n.served_by, "oneshot", "answered one-shot, not by a daemon it cannot ask");
    assert.equal(n.capability_state, "FULL");
    assert.equal(await exists(s.paths.socket), false, "no daemon");

    const blind = await cli(s, args, noRuntime);
    assert.equal(blind.code, 0, blind.stderr);
    const b = JSON.parse(blind.stdout);
    assert.equal(b.auto_daemon, "not_started");
    assert.equal(b.served_by, "oneshot");
    assert.equal(await exists(s.paths.socket), false, "no daemon");
  } finally {
    await teardown(s);
  }
});

Deno.test('e2e lsp auto: a segment\'s own trifecta.jsonc asking for "auto" starts no daemon unless the user trusts the segment', async () => {
  const s = await setup();
  try {
    await Deno.writeTextFile(join(s.dir, "trifecta.jsonc"), '{ "lsp": { "daemon": "auto" } }\n');
    const res = await definition(s);
    assert.equal(res.status, "ok");
    assert.equal(res.served_by, "oneshot");
    assert.equal("auto_daemon" in res, false, "the setting was not honoured");
    assert.equal(await exists(s.paths.socket), false, "no daemon");
  } finally {
    await teardown(s);
  }
});

Deno.test({
  name:
    "e2e lsp auto: MCP answers carry no hint and start no daemon, even with the setting and a slow server",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const s = await setup({ slowStart: true, auto: "env" });
    const transport = new StdioClientTransport({
      command: Deno.execPath(),
      args: [
        "run",
        ...CLI_FLAGS,
        `--allow-net=unix:${s.paths.socket}`,
        MAIN_TS,
        "mcp",
        "-s",
        s.dir,
      ],
      env: { ...Deno.env.toObject(), ...s.env },
      stderr: "pipe",
    });
    const client = new Client({ name: "trifecta-e2e-auto", version: "1.0.0" });
    try {
      await client.connect(transport);
      const r = await client.callTool({
        name: "definition",
        arguments: { file: "src/inventory/service.py", line: 11, column: 25 },
      }) as { content: { text: string }[]; structuredContent?: Record<string, unknown> };
      const structured = r.structuredContent ?? {};
      assert.equal(structured.symbol, "Inventory", JSON.stringify(structured));
      for (const key of ["hint", "served_by", "auto_daemon"]) {
        assert.equal(key in structured, false, key);
      }
      assert.ok(!r.content.some((c) => c.text.includes("keep it warm")), "no hint in the text");
      assert.equal(await exists(s.paths.socket), false, "the MCP session started no daemon");
    } finally {
      await client.close();
      await teardown(s);
    }
  },
});
