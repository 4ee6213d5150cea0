/**
 * The language-server daemon follows its configuration (lib/lsp/daemon_server.ts,
 * lib/config/live.ts): it checks the files it is asked about against its own
 * segment, so a `deny` glob added to `trifecta.jsonc` after it started must
 * apply to its next query, even when a client (one with a stale config of its
 * own, or none) asks for the file directly over the socket. The real daemon
 * (`lsp daemon start`), asked by a child process through lib/lsp/daemon_client.ts.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { CLI_FLAGS, MAIN_TS, removeSegment, REPO_ROOT } from "./helpers.ts";

async function run(
  args: readonly string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [...args],
    cwd: REPO_ROOT,
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** One `hover` query sent straight to the daemon (no client-side check), as JSON. */
function askScript(seg: string, file: string): string {
  const lib = new URL("../../lib/lsp/", import.meta.url).href;
  return `
    import { callDaemon } from "${lib}daemon_client.ts";
    import { daemonPaths } from "${lib}daemon_paths.ts";
    const res = await callDaemon(daemonPaths(${JSON.stringify(seg)}), {
      id: 1, method: "query", params: { method: "hover", file: ${
    JSON.stringify(file)
  }, line: 1, col: 5 },
    }, { root: ${JSON.stringify(seg)} });
    console.log(JSON.stringify(res));
  `;
}

Deno.test({
  name: "config reload daemon: a deny glob added after the daemon started refuses its next query",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const seg = await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-reload-daemon-" }));
    const runtime = await Deno.makeTempDir({ prefix: "trifecta-reload-rt-" });
    await Deno.chmod(runtime, 0o700);
    await Deno.writeTextFile(join(seg, "secret_store.py"), "def zqkeep():\n    return 1\n");
    // No language server: the daemon answers with a fallback, after its own checks.
    const env = { XDG_RUNTIME_DIR: runtime, TRIFECTA_LSP_COMMAND: "/nonexistent/lsp-server" };
    const cliArgs = (args: string[]) => ["run", ...CLI_FLAGS, "--allow-net", MAIN_TS, ...args];
    const start = await run(cliArgs(["lsp", "daemon", "start", "--ttl", "600", "-s", seg]), env);
    assert.equal(start.code, 0, start.stderr);
    try {
      const before = await run(["eval", askScript(seg, "secret_store.py")], env);
      assert.equal(before.code, 0, before.stderr);
      assert.equal(JSON.parse(before.stdout).ok, true, before.stdout);
      await Deno.writeTextFile(join(seg, "trifecta.jsonc"), '{ "deny": ["secret_*.py"] }\n');
      const after = await run(["eval", askScript(seg, "secret_store.py")], env);
      assert.equal(after.code, 0, after.stderr);
      const res = JSON.parse(after.stdout);
      assert.equal(res.ok, false, after.stdout);
      assert.equal(res.error?.code, "PATH_DENIED", after.stdout);
    } finally {
      await run(cliArgs(["lsp", "daemon", "stop", "-s", seg]), env);
      await removeSegment(seg);
      await Deno.remove(runtime, { recursive: true });
    }
  },
});
