/**
 * Watch mode and the language servers of an MCP session: a batch of
 * changes reaches the running server as `workspace/didChangeWatchedFiles`,
 * the new text of an open document that changed (`didChange`) and
 * `didClose` for an open document that was deleted; and the real watcher,
 * wired as the MCP session wires it, does this by itself. The server is the
 * fake one of tests/lsp (it logs every method it receives): pyright cannot
 * show which notifications it got.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { createAstCache } from "../../lib/cache/mod.ts";
import { LspClient } from "../../lib/lsp/client.ts";
import { lspConfig } from "../../lib/lsp/config.ts";
import { LspSession } from "../../lib/mcp/lsp_session.ts";
import { resolveSegment, type Segment } from "../../lib/segment/mod.ts";
import { refreshBatch, SegmentWatcher } from "../../lib/watch/mod.ts";

const FAKE = fileURLToPath(new URL("../lsp/fixtures/fake_server.ts", import.meta.url));
const RANGE = { start: { line: 0, character: 4 }, end: { line: 0, character: 5 } };

function fakeArgs(script: string, log: string): string[] {
  return ["run", "--no-config", "--allow-read", "--allow-write", FAKE, "answer", script, log];
}

interface Fixture {
  segment: Segment;
  log: string;
  script: string;
}

async function withFixture(fn: (f: Fixture) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-watch-lsp-" });
  const outside = await Deno.makeTempDir({ prefix: "trifecta-watch-lsp-out-" });
  try {
    await Deno.writeTextFile(join(dir, "use.py"), "from mod import f\nf()\n");
    await Deno.writeTextFile(join(dir, "mod.py"), "def f():\n    pass\n");
    const script = join(outside, "script.json");
    await Deno.writeTextFile(
      script,
      JSON.stringify({ definition: [{ uri: "file://${ROOT}/mod.py", range: RANGE }] }),
    );
    await fn({ segment: await resolveSegment(dir), log: join(outside, "methods.log"), script });
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(outside, { recursive: true });
  }
}

async function methods(log: string): Promise<string[]> {
  try {
    return (await Deno.readTextFile(log)).trim().split("\n");
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
}

/** Polls the log until it holds `method` (10 s at most). */
async function logged(log: string, method: string): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if ((await methods(log)).includes(method)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/** An LspSession on the fake server, with `use.py` asked about (so open) and `mod.py` named. */
async function withSession(
  f: Fixture,
  fn: (session: LspSession) => Promise<void>,
): Promise<void> {
  const previous = Deno.env.get("TRIFECTA_LSP_COMMAND");
  Deno.env.set(
    "TRIFECTA_LSP_COMMAND",
    JSON.stringify([Deno.execPath(), ...fakeArgs(f.script, f.log)]),
  );
  const cache = createAstCache({ persist: false, segment: f.segment });
  const session = new LspSession(f.segment, {
    openCache: () => Promise.resolve(cache),
    config: { ...lspConfig(), readyTimeoutMs: 60_000 },
  });
  try {
    const use = join(f.segment.root, "use.py");
    const answer = await session.answer({
      method: "definition",
      file: { abs: use, rel: "use.py" },
      line: 2,
      col: 1,
    });
    equal(answer.response.capability_state, "FULL");
    await fn(session);
  } finally {
    await session.close();
    cache.close();
    if (previous === undefined) Deno.env.delete("TRIFECTA_LSP_COMMAND");
    else Deno.env.set("TRIFECTA_LSP_COMMAND", previous);
  }
}

Deno.test("client: notify and closeFile send nothing before READY, then the notification and didClose", async () => {
  await withFixture(async ({ segment, log, script }) => {
    const client = new LspClient({
      command: Deno.execPath(),
      args: fakeArgs(script, log),
      backend: "lsp_custom",
      source: "env",
      label: "fake_server",
    }, { root: segment.root, language: "python" });
    const use = { abs: join(segment.root, "use.py"), text: "from mod import f\nf()\n" };
    try {
      equal(await client.notify("workspace/didChangeWatchedFiles", { changes: [] }), false);
      client.start(use);
      equal(await client.waitReady(60_000), "READY");
      equal(await client.notify("workspace/didChangeWatchedFiles", { changes: [] }), true);
      equal(await client.closeFile(use.abs), true);
      equal(await client.closeFile(use.abs), false, "not open any more");
      ok(await logged(log, "textDocument/didClose"));
      ok((await methods(log)).includes("workspace/didChangeWatchedFiles"));
      // Closed and forgotten: the next sync opens it afresh.
      const opens = async () =>
        (await methods(log)).filter((m) => m === "textDocument/didOpen").length;
      const before = await opens();
      await client.syncFile(use);
      for (let i = 0; i < 100 && await opens() === before; i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      equal(await opens(), before + 1);
    } finally {
      await client.shutdown(500);
    }
  });
});

Deno.test("session: a batch reaches the server as watched-file changes, didChange and didClose", async () => {
  await withFixture(async (f) => {
    await withSession(f, async (session) => {
      const before = (await methods(f.log)).length;
      await Deno.writeTextFile(join(f.segment.root, "use.py"), "from mod import f\nf()\nf()\n");
      await Deno.writeTextFile(join(f.segment.root, "new.py"), "x = 1\n");
      equal(await session.filesChanged({ added: ["new.py"], changed: ["use.py"], deleted: [] }), 1);
      ok(await logged(f.log, "workspace/didChangeWatchedFiles"));
      const after = (await methods(f.log)).slice(before);
      ok(after.includes("textDocument/didChange"), JSON.stringify(after));

      await Deno.remove(join(f.segment.root, "use.py"));
      equal(await session.filesChanged({ added: [], changed: [], deleted: ["use.py"] }), 1);
      ok(await logged(f.log, "textDocument/didClose"));
      // Files of no server's language are not sent.
      equal(await session.filesChanged({ added: ["notes.md"], changed: [], deleted: [] }), 0);
    });
  });
});

Deno.test("the watcher, wired as in an MCP session, tells the server about a file made after start", async () => {
  await withFixture(async (f) => {
    await withSession(f, async (session) => {
      const told: string[][] = [];
      const watcher = await SegmentWatcher.start(f.segment, {
        debounceMs: 50,
        rescanIntervalMs: 0,
        onBatch: async (batch) => {
          told.push(batch.added);
          await refreshBatch(f.segment, batch, {
            notifyServers: async (b) => {
              await session.filesChanged(b);
            },
          });
        },
      });
      try {
        await Deno.writeTextFile(join(f.segment.root, "later.py"), "def later():\n    pass\n");
        ok(await logged(f.log, "workspace/didChangeWatchedFiles"), JSON.stringify(told));
        deepEqual(told.flat(), ["later.py"]);
      } finally {
        await watcher.close();
      }
    });
  });
});
