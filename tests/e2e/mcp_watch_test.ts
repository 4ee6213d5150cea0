/**
 * A FIFO made in the segment during an MCP session (it blocks Deno's
 * watcher thread for good, see docs/watch.md): the session's watcher says
 * on stderr that file events were lost, as `trifecta watch` does, goes on
 * serving, and the session still ends when its client closes stdin.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { CLI_FLAGS, MAIN_TS, removeSegment, REPO_ROOT } from "./helpers.ts";

/** A hang guard for the whole session, far above its normal few seconds (not a timing). */
const SESSION_DEADLINE_MS = 60_000;

/** Read `stream` into `sink.text` until it ends. */
async function collect(stream: ReadableStream<Uint8Array>, sink: { text: string }): Promise<void> {
  const dec = new TextDecoder();
  for await (const chunk of stream) sink.text += dec.decode(chunk, { stream: true });
}

/** Resolve once `check()` holds; reject at `deadline` (ms since the epoch). */
async function until(what: string, check: () => boolean, deadline: number): Promise<void> {
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`no ${what} before the hang guard`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

Deno.test({
  name:
    "mcp: with a FIFO made in the segment, the session logs once that file events were lost, keeps serving, and ends at stdin EOF",
  sanitizeResources: false,
  fn: async () => {
    const seg = await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-mcp-watch-" }));
    await Deno.writeTextFile(join(seg, "app.py"), "def app():\n    return 1\n");
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", ...CLI_FLAGS, MAIN_TS, "mcp", "-s", seg, "--telemetry", "off"],
      cwd: REPO_ROOT,
      env: { NO_COLOR: "1" },
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const out = { text: "" };
    const err = { text: "" };
    const reading = Promise.all([collect(child.stdout, out), collect(child.stderr, err)]);
    const writer = child.stdin.getWriter();
    const send = (msg: unknown) =>
      writer.write(new TextEncoder().encode(JSON.stringify(msg) + "\n"));
    const deadline = Date.now() + SESSION_DEADLINE_MS;
    try {
      await send({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: {
          protocolVersion: "2025-06-18",
          capabilities: {},
          clientInfo: { name: "t", version: "1" },
        },
      });
      await until("initialize answer", () => out.text.includes('"id":1'), deadline);
      await send({ jsonrpc: "2.0", method: "notifications/initialized" });
      // Let the watcher finish its first scan before the FIFO appears.
      await new Promise((r) => setTimeout(r, 1_500));
      const made = new Deno.Command("mkfifo", { args: [join(seg, "pipe.py")] }).outputSync();
      assert.ok(made.success, "mkfifo");
      // A change no event reports: the silence check finds it and says the events were lost.
      await Deno.writeTextFile(join(seg, "later.py"), "later = 1\n");
      await until("events-lost line", () => err.text.includes("file events lost"), deadline);
      // Still serving: a tool call is answered after the watcher fell back to polling.
      await send({
        jsonrpc: "2.0",
        id: 2,
        method: "tools/call",
        params: { name: "skeleton", arguments: { path: "app.py" } },
      });
      await until("tools/call answer", () => out.text.includes('"id":2'), deadline);
      assert.match(out.text, /def app\(\)/);
      // End of input ends the session, though the watcher's thread is stuck on the FIFO.
      await writer.close();
      const guard = setTimeout(() => child.kill("SIGKILL"), Math.max(0, deadline - Date.now()));
      const status = await child.status;
      clearTimeout(guard);
      assert.equal(
        status.signal,
        null,
        `the session did not end at stdin EOF (killed)\n${err.text}`,
      );
      assert.equal(status.code, 0, err.text);
    } finally {
      try {
        child.kill("SIGKILL");
      } catch {
        // Already exited (the normal case).
      }
      await reading;
      await removeSegment(seg);
    }
    const lost = err.text.split("\n").filter((l) => l.includes("file events lost"));
    assert.equal(lost.length, 1, err.text);
    assert.match(lost[0] ?? "", /polling the segment every 1000 ms/);
    assert.ok(!err.text.includes(seg), "no absolute path on stderr");
  },
});
