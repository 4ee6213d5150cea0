/**
 * The client against the real pyright (from npm, run by Deno) on the example
 * project — one server shared by the steps, to keep spawns few — and against
 * a fake server for the faults pyright cannot be made to show on demand.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { resolveSegment } from "../../lib/segment/mod.ts";
import { Telemetry } from "../../lib/telemetry/mod.ts";
import { LspClient, LspUnavailableError } from "../../lib/lsp/client.ts";
import { findServer, isServerCommand, type ServerCommand } from "../../lib/lsp/discovery.ts";
import { performQuestion } from "../../lib/lsp/perform.ts";
import { astAnswer } from "../../lib/lsp/fallback_ast.ts";
import { tempExample } from "../e2e/helpers.ts";

const FAKE = fileURLToPath(new URL("./fixtures/fake_server.ts", import.meta.url));
const READY_WAIT_MS = 180_000; // pyright's first start on a busy 2-core CI box

function fakeServer(mode: "silent" | "handshake"): ServerCommand {
  return {
    command: Deno.execPath(),
    args: ["run", "--no-config", FAKE, mode],
    backend: "lsp_custom",
    source: "env",
    label: "fake_server",
  };
}

function telemetryFor(segment: Awaited<ReturnType<typeof resolveSegment>>): Telemetry {
  const env = (name: string) => (name === "TRIFECTA_TELEMETRY_LEVEL" ? "lite" : undefined);
  return Telemetry.open(segment, { level: "lite", env });
}

async function events(root: string): Promise<Record<string, unknown>[]> {
  const text = await Deno.readTextFile(join(root, "_ctx/telemetry/events.jsonl"));
  return text.trim().split("\n").map((l) => JSON.parse(l));
}

Deno.test("client: real pyright reaches READY and answers definition, hover, references, symbols, diagnostics; a kill moves it to FAILED", async (t) => {
  const dir = await tempExample();
  const segment = await resolveSegment(dir);
  const telemetry = telemetryFor(segment);
  const server = await findServer("python", { root: segment.root });
  assert.ok(isServerCommand(server), "a server is found (npm pyright under Deno at least)");
  const client = new LspClient(server, { root: segment.root, language: "python", telemetry });
  const service = join(segment.root, "src/inventory/service.py");
  const text = await Deno.readTextFile(service);
  const q = { abs: service, rel: "src/inventory/service.py", text };
  try {
    assert.equal(client.state, "COLD");
    client.start(q);
    assert.equal(client.state, "WARMING");
    assert.equal(await client.waitReady(READY_WAIT_MS), "READY");

    await t.step(
      "definition of Inventory in service.py resolves to models.py's class line",
      async () => {
        const data = await performQuestion(client, segment, {
          ...q,
          method: "definition",
          line: 11,
          col: 25,
        });
        assert.equal(data.source, "lsp");
        assert.deepEqual(data.locations?.map((l) => [l.path, l.line, l.col]), [[
          "src/inventory/models.py",
          31,
          7,
        ]]);
      },
    );

    await t.step("hover gives the function's signature", async () => {
      const data = await performQuestion(client, segment, {
        ...q,
        method: "hover",
        line: 11,
        col: 6,
      });
      const flat = (data.contents ?? "").replace(/\s+/g, " ").replace(/\( /g, "(").replace(
        /,? \)/g,
        ")",
      );
      assert.match(flat, /def restock\(inventory: Inventory, sku: str\) -> int/);
      assert.match(data.contents ?? "", /Restock one item/);
    });

    await t.step("references of restock list its call site and definition", async () => {
      const data = await performQuestion(client, segment, {
        ...q,
        method: "references",
        line: 11,
        col: 6,
      });
      const at = data.locations?.map((l) => `${l.path}:${l.line}`);
      assert.ok(at?.includes("src/inventory/service.py:11"), `definition in ${at}`);
      assert.ok(at?.includes("src/inventory/service.py:28"), `call site in ${at}`);
    });

    await t.step("documentSymbol lists the module's functions", async () => {
      const result = await client.request("textDocument/documentSymbol", {
        textDocument: { uri: new URL(`file://${service}`).href },
      }, { file: service }) as { name: string }[];
      const names = result.map((s) => s.name);
      assert.ok(names.includes("restock") && names.includes("stock_report"), names.join(","));
    });

    await t.step("diagnostics follow an edit of the file (didChange)", async () => {
      const broken = text + '\nbad: int = "text"\n';
      const data = await performQuestion(client, segment, {
        ...q,
        text: broken,
        method: "diagnostics",
      });
      const errors = data.diagnostics?.filter((d) => d.severity === "error") ?? [];
      assert.equal(errors.length, 1);
      assert.equal(errors[0]?.line, broken.split("\n").length - 1);
      const clean = await performQuestion(client, segment, { ...q, method: "diagnostics" });
      assert.equal(clean.diagnostics?.filter((d) => d.severity === "error").length, 0);
    });

    await t.step(
      "a killed server → FAILED with its exit status; requests refused; the AST answers",
      async () => {
        client.kill("SIGKILL");
        await client.exited;
        assert.equal(client.state, "FAILED");
        assert.equal(client.exitStatus?.signal, "SIGKILL");
        await assert.rejects(
          performQuestion(client, segment, { ...q, method: "definition", line: 11, col: 25 }),
          (e) =>
            e instanceof LspUnavailableError && e.reason === "lsp_not_ready" &&
            e.state === "FAILED",
        );
        const fallback = await astAnswer(segment, {
          method: "definition",
          file: q,
          line: 11,
          col: 25,
        });
        assert.deepEqual(fallback.locations?.map((l) => [l.path, l.line]), [[
          "src/inventory/models.py",
          31,
        ]]);
      },
    );

    await t.step(
      "telemetry has spawn, state changes with the exit, requests — and no absolute path",
      async () => {
        await telemetry.flush();
        const evs = await events(segment.root);
        const cmds = evs.map((e) => e.cmd);
        for (const c of ["lsp.spawn", "lsp.state_change", "lsp.request"]) {
          assert.ok(cmds.includes(c), c);
        }
        const failed = evs.find((e) =>
          e.cmd === "lsp.state_change" && (e.args as { to: string }).to === "FAILED"
        );
        assert.equal((failed?.x as { signal: string }).signal, "SIGKILL");
        const raw = await Deno.readTextFile(join(segment.root, "_ctx/telemetry/events.jsonl"));
        assert.ok(!raw.includes("file://"), "no URI in telemetry");
        assert.ok(!raw.includes(segment.root), "no absolute segment path in telemetry");
        const last = JSON.parse(
          await Deno.readTextFile(join(segment.root, "_ctx/telemetry/last_run.json")),
        );
        assert.equal(last.lsp.lsp_spawn_count, 1);
        assert.equal(last.lsp.lsp_ready_count, 1);
        assert.equal(last.lsp.lsp_failed_count, 1);
      },
    );
  } finally {
    await client.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("client: requests before READY are refused with lsp_not_ready and nothing is sent", async () => {
  const client = new LspClient(fakeServer("silent"), { root: "/tmp", language: "python" });
  await assert.rejects(
    client.request("textDocument/hover", {}),
    (e) => e instanceof LspUnavailableError && e.reason === "lsp_not_ready" && e.state === "COLD",
  );
});

Deno.test("client: a server that never answers stays WARMING, and shutdown kills it", async () => {
  const dir = await tempExample();
  const client = new LspClient(fakeServer("silent"), { root: dir, language: "python" });
  try {
    const abs = join(dir, "src/inventory/models.py");
    client.start({ abs, text: await Deno.readTextFile(abs) });
    assert.equal(await client.waitReady(500), "WARMING");
  } finally {
    await client.shutdown(500);
    await Deno.remove(dir, { recursive: true });
  }
  assert.ok(client.exitStatus, "the process has exited");
  assert.equal(client.state, "CLOSED");
});

Deno.test("client: a server that hangs after the handshake times out with lsp_request_timeout", async () => {
  const dir = await tempExample();
  const segment = await resolveSegment(dir);
  const client = new LspClient(fakeServer("handshake"), {
    root: segment.root,
    language: "python",
    requestTimeoutMs: 300,
  });
  try {
    const abs = join(segment.root, "src/inventory/service.py");
    const text = await Deno.readTextFile(abs);
    client.start({ abs, text });
    assert.equal(await client.waitReady(60_000), "READY");
    await assert.rejects(
      performQuestion(client, segment, {
        method: "definition",
        abs,
        rel: "src/inventory/service.py",
        text,
        line: 11,
        col: 25,
      }),
      (e) => e instanceof LspUnavailableError && e.reason === "lsp_request_timeout",
    );
  } finally {
    await client.shutdown(500);
    await Deno.remove(dir, { recursive: true });
  }
  assert.ok(client.exitStatus, "the process has exited");
});

Deno.test("client: a missing executable → FAILED at spawn", async () => {
  const client = new LspClient({
    command: "/nonexistent/pyright-langserver",
    args: ["--stdio"],
    backend: "lsp_pyright",
    source: "env",
    label: "pyright-langserver",
  }, { root: "/tmp", language: "python" });
  client.start({ abs: "/tmp/x.py", text: "" });
  assert.equal(client.state, "FAILED");
  assert.equal(client.failReason, "binary_not_found");
  await client.shutdown();
});
