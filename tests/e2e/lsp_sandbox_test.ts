/**
 * The read sandbox of pyright from npm, end to end with the real CLI and
 * the real server (one daemon, so one pyright start): a module above the
 * segment imported as `from ..outside import outfunc` — which no link or
 * config names, so the segment scan cannot see it — never reaches hover,
 * definition, references or diagnostics, while the standard library's
 * docs still do (its search paths are granted).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { CLI_FLAGS, type CliResult, removeSegment, runCli } from "./helpers.ts";
import { daemonPaths } from "../../lib/lsp/daemon_paths.ts";

const MARKERS = /OUTDEFAULT_M6|OUTFUNCDOC_M8|OUTLIT_M2|outside\.py/;

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

Deno.test("e2e lsp sandbox: a module above the segment (from ..outside import …) never reaches hover, definition, references or diagnostics; stdlib docs still do", async () => {
  const top = await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-sandbox-" }));
  const seg = join(top, "seg");
  await Deno.mkdir(seg);
  await Deno.writeTextFile(
    join(top, "outside.py"),
    'from typing import Final\nKEY: Final = "x]OUTLIT_M2_value"\n\n' +
      'def outfunc(token: str = "OUTDEFAULT_M6"):\n    """OUTFUNCDOC_M8"""\n    return token\n',
  );
  await Deno.writeTextFile(
    join(seg, "use.py"),
    "from ..outside import outfunc, KEY\nf = outfunc\nk = KEY\nf()\nimport json\njson.dumps\n",
  );
  const runtime = await Deno.makeTempDir({ prefix: "trifecta-rt-" });
  const paths = daemonPaths(seg, (n) => (n === "XDG_RUNTIME_DIR" ? runtime : undefined));
  const env = { XDG_RUNTIME_DIR: runtime, TRIFECTA_LSP_READY_TIMEOUT: "180" };
  const cli = (...args: string[]) => runCliNet([...args, "-s", seg], paths.socket, env);
  let pids: number[] = [];
  try {
    const started = await cli("lsp", "daemon", "start", "--ttl", "600", "--json");
    assert.equal(started.code, 0, started.stderr);
    pids.push(JSON.parse(started.stdout).pid);
    const outputs: CliResult[] = [];
    const ask = async (...args: string[]) => {
      const r = await cli("lsp", ...args, "--json", "--require-lsp");
      outputs.push(r);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const res = JSON.parse(r.stdout);
      assert.equal(res.capability_state, "FULL", "answered by pyright, not the AST");
      return res;
    };
    const hoverF = await ask("hover", "use.py:2:1");
    assert.match(hoverF.data.contents, /f: Unknown/, "the outside module is unreadable");
    await ask("hover", "use.py:1:24");
    await ask("hover", "use.py:3:1");
    const def = await ask("definition", "use.py:2:5");
    await ask("references", "use.py:2:5");
    await ask("diagnostics", "use.py");
    for (const l of def.data.locations ?? []) assert.doesNotMatch(l.path, /outside/);

    // Control: the standard library is granted, so its docs still come through.
    const dumps = await ask("hover", "use.py:6:6");
    assert.match(dumps.data.contents, /def dumps\(/);
    assert.match(dumps.data.contents, /Serialize/, "the docstring from the stdlib source");

    const st = JSON.parse((await cli("lsp", "daemon", "status", "--json")).stdout);
    if (st.server_pid) pids.push(st.server_pid);
    assert.ok(st.queries >= 7, "the questions went through the daemon (one pyright start)");
    for (const r of outputs) {
      assert.doesNotMatch(r.stdout + r.stderr, MARKERS);
    }
    const stopped = await cli("lsp", "daemon", "stop", "--json");
    assert.equal(stopped.code, 0, stopped.stderr);
  } finally {
    pids = pids.filter(alive);
    for (const pid of pids) Deno.kill(pid, "SIGKILL");
    await removeSegment(top);
    await removeSegment(runtime);
  }
});
