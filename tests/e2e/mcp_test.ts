/**
 * End to end: the real `trifecta mcp` server over stdio, driven by the MCP
 * SDK's own client. One server (and one language server) for the file.
 */
import assert from "node:assert/strict";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import {
  CLI_FLAGS,
  keepForPiiScan,
  MAIN_TS,
  removeSegment,
  runCli,
  tempExample,
} from "./helpers.ts";
import { TOOLS } from "../../lib/mcp/mod.ts";
import { estimateTokens } from "../../lib/text.ts";

interface CallResult {
  isError?: boolean;
  content: { type: string; text: string }[];
  structuredContent?: Record<string, unknown>;
}

function textOf(r: CallResult): string {
  return r.content.map((c) => c.text).join("");
}

// Deno needs --allow-all to read /proc directly; `cat` only needs --allow-run.
function procRead(path: string): string | undefined {
  const out = new Deno.Command("cat", { args: [path], stdout: "piped", stderr: "null" })
    .outputSync();
  return out.success ? new TextDecoder().decode(out.stdout) : undefined;
}

function rssKb(pid: number): number {
  const status = procRead(`/proc/${pid}/status`) ?? "";
  const m = /^VmRSS:\s+(\d+) kB/m.exec(status);
  assert.ok(m, "VmRSS in /proc/<pid>/status");
  return Number(m[1]);
}

function descendants(pid: number): number[] {
  const out = new Deno.Command("ps", {
    args: ["-o", "pid=", "--ppid", String(pid)],
    stdout: "piped",
    stderr: "null",
  }).outputSync();
  const kids = new TextDecoder().decode(out.stdout).split(/\s+/).filter((s) => s !== "")
    .map(Number);
  return kids.flatMap((k) => [k, ...descendants(k)]);
}

function alive(pid: number): boolean {
  const stat = procRead(`/proc/${pid}/stat`);
  return stat !== undefined && !/\) Z /.test(stat);
}

async function waitGone(pids: number[], maxMs: number): Promise<number[]> {
  const until = Date.now() + maxMs;
  let left = pids.filter(alive);
  while (left.length > 0 && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
    left = left.filter(alive);
  }
  return left;
}

Deno.test({
  name: "mcp server: every tool on the example project, errors, freshness, stable memory",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async (t) => {
    const seg = await tempExample();
    const built = await runCli(["ctx", "build", "-s", seg]);
    assert.equal(built.code, 0, built.stderr);
    const transport = new StdioClientTransport({
      command: Deno.execPath(),
      // --no-watch: the freshness step checks the per-call check, not the watcher's sync.
      args: ["run", ...CLI_FLAGS, MAIN_TS, "mcp", "-s", seg, "--no-watch"],
      env: { ...Deno.env.toObject(), NO_COLOR: "1" },
      stderr: "pipe",
    });
    const client = new Client({ name: "trifecta-e2e", version: "1.0.0" });
    const call = async (name: string, args: Record<string, unknown>): Promise<CallResult> =>
      (await client.callTool({ name, arguments: args })) as CallResult;
    let serverPid = 0;
    let children: number[] = [];
    try {
      await client.connect(transport);
      serverPid = transport.pid ?? 0;
      assert.ok(serverPid > 0);
      const rssStart = rssKb(serverPid);

      await t.step("lists every tool, each with an input and an output schema", async () => {
        const tools = (await client.listTools()).tools as {
          name: string;
          description?: string;
          inputSchema: { required?: string[] };
          outputSchema?: unknown;
        }[];
        const names = tools.map((x) => x.name).sort();
        assert.deepEqual(names, TOOLS.map((x) => x.name).sort());
        for (
          const name of [
            "definition",
            "get",
            "hover",
            "references",
            "search",
            "skeleton",
            "snippet",
            "symbol",
            "telemetry_report",
          ]
        ) assert.ok(names.includes(name), name);
        const skel = tools.find((x) => x.name === "skeleton")!;
        assert.deepEqual(skel.inputSchema.required, ["path"]);
        assert.ok(skel.outputSchema, "skeleton has an output schema");
        assert.match(skel.description ?? "", /budget/);
      });

      await t.step(
        "skeleton of one file lists its classes and methods with line ranges",
        async () => {
          const r = await call("skeleton", { path: "src/inventory/models.py" });
          assert.equal(r.isError, undefined);
          const text = textOf(r);
          assert.match(text, /^src\/inventory\/models\.py \(python, \d+ bytes\)$/m);
          assert.match(text, /^ {2}class Inventory {2}# L31-59: All items, keyed by SKU\.$/m);
          assert.match(text, /^ {4}def add\(self, item: Item\) -> None {2}# L46-48/m);
          assert.equal(r.structuredContent?.truncated, false);
        },
      );

      await t.step(
        "skeleton of a directory under a small budget ends with a marker and stays within it",
        async () => {
          const full = await call("skeleton", { path: ".", budget_tokens: 200_000 });
          assert.equal(full.structuredContent?.truncated, false);
          for (const budget of [64, 150, 400]) {
            const r = await call("skeleton", { path: ".", budget_tokens: budget });
            const s = r.structuredContent!;
            assert.equal(s.truncated, true);
            assert.ok((s.token_est as number) <= budget, `${s.token_est} <= ${budget}`);
            assert.match(
              textOf(r),
              /… \[truncated to budget_tokens=\d+: \d+ symbol\(s\) and \d+ more file\(s\) left out/,
            );
            assert.ok((s.symbols_omitted as number) > 0);
          }
        },
      );

      await t.step(
        "paging through the server: skeleton pages give every file once, each within budget; bad cursors are USAGE_ERROR",
        async () => {
          const full = await call("skeleton", { path: ".", budget_tokens: 200_000 });
          const files = (full.structuredContent!.files as { path: string }[]).map((f) => f.path);
          const seen: string[] = [];
          let cursor: string | undefined;
          for (let i = 0; i < 50; i++) {
            const args = { path: ".", budget_tokens: 100, ...(cursor ? { cursor } : {}) };
            const r = await call("skeleton", args);
            assert.equal(r.isError, undefined, textOf(r));
            assert.ok(estimateTokens(textOf(r)) <= 100, `page ${i}`);
            const s = r.structuredContent!;
            seen.push(...(s.files as { path: string }[]).map((f) => f.path));
            cursor = s.next_cursor as string | undefined;
            if (cursor === undefined) break;
            assert.ok(textOf(r).includes(`cursor "${cursor}"`), "the text names the cursor");
          }
          assert.deepEqual([...seen].sort(), [...files].sort());
          const other = await call("skeleton", { path: "src", budget_tokens: 64 });
          const wrong = await call("skeleton", {
            path: ".",
            cursor: other.structuredContent!.next_cursor,
          });
          assert.equal(wrong.structuredContent?.error_code, "USAGE_ERROR");
          assert.match(textOf(wrong), /another query/);
          const junk = await call("search", { query: "restock", cursor: "not-a-cursor" });
          assert.equal(junk.isError, true);
          assert.equal(junk.structuredContent?.error_code, "USAGE_ERROR");
        },
      );

      await t.step("symbol resolves a sym:// URI to the class and its range", async () => {
        const r = await call("symbol", { uri: "sym://python/type/src.inventory.models/Inventory" });
        const s = r.structuredContent!;
        assert.equal(s.file_rel, "src/inventory/models.py");
        const sym = s.symbol as Record<string, unknown>;
        assert.equal(sym.qualified_name, "Inventory");
        assert.equal(sym.start_line, 31);
        assert.equal(sym.end_line, 59);
        const names = (s.symbols as { name: string }[]).map((x) => x.name);
        assert.ok(names.includes("add") && names.includes("Snapshot"), names.join(","));
      });

      await t.step(
        "snippet raw gives the method's lines; a too small budget is BUDGET_EXCEEDED",
        async () => {
          const r = await call("snippet", {
            uri: "sym://python/type/src.inventory.models/Inventory#add",
            mode: "raw",
          });
          const s = r.structuredContent!;
          assert.deepEqual(s.range, { start_line: 46, end_line: 48 });
          assert.match(s.content as string, /^ {4}def add\(self, item: Item\) -> None:/);
          const over = await call("snippet", {
            uri: "sym://python/type/src.inventory.models/Inventory",
            mode: "raw",
            budget_tokens: 5,
          });
          assert.equal(over.isError, true);
          assert.equal(over.structuredContent?.error_code, "BUDGET_EXCEEDED");
          assert.match(textOf(over), /TRIFECTA_ERROR_CODE: BUDGET_EXCEEDED/);
        },
      );

      await t.step(
        "definition of Inventory in service.py points at models.py line 31",
        async () => {
          const r = await call("definition", {
            file: "src/inventory/service.py",
            line: 11,
            column: 24,
          });
          const s = r.structuredContent!;
          assert.equal(s.symbol, "Inventory");
          const locs = s.locations as { path: string; line: number }[];
          assert.ok(
            locs.some((l) => l.path === "src/inventory/models.py" && l.line === 31),
            JSON.stringify(locs),
          );
          if (s.capability_state !== "FULL") {
            assert.ok(s.fallback_reason, "a degraded answer names why");
          }
        },
      );

      await t.step("hover and references answer for the same identifier", async () => {
        const h = await call("hover", { file: "src/inventory/service.py", line: 11, column: 24 });
        assert.match(h.structuredContent?.contents as string, /Inventory/);
        const refs = await call("references", {
          file: "src/inventory/service.py",
          line: 11,
          column: 24,
          limit: 2,
        });
        const s = refs.structuredContent!;
        assert.equal((s.locations as unknown[]).length, 2);
        assert.ok((s.locations_total as number) > 2);
      });

      await t.step(
        "search finds the pack's chunks and get returns them within the budget",
        async () => {
          const r = await call("search", { query: "restock", limit: 3 });
          const hits = r.structuredContent!.hits as { id: string; path: string }[];
          assert.ok(hits.length > 0);
          assert.ok(hits.some((h) => h.path === "src/inventory/service.py"), JSON.stringify(hits));
          const first = hits[0]?.id;
          const g = await call("get", { ids: [first], mode: "raw", budget_tokens: 2000 });
          const chunks = g.structuredContent!.chunks as { id: string; text: string }[];
          assert.equal(chunks[0]?.id, first);
          assert.ok((g.structuredContent!.total_tokens as number) <= 2000);
        },
      );

      await t.step("malformed calls get tool errors and the server keeps serving", async () => {
        const bad = [
          await call("skeleton", {}),
          await call("skeleton", { path: 7 }),
          await call("symbol", { uri: "sym://cobol/x/y" }),
          await call("definition", { file: "src/inventory/service.py", line: -1, column: 1 }),
          await call("skeleton", { path: "../../etc" }),
          await call("get", { ids: [], mode: "loud" }),
          await call("skeleton", { path: "src/inventory/models.py", extra: true }),
        ];
        const codes = bad.map((r) => (r.isError ? r.structuredContent?.error_code : "ok"));
        // A bad or unknown argument is USAGE_ERROR, the CLI's code for a bad option.
        assert.deepEqual(codes, [
          "USAGE_ERROR",
          "USAGE_ERROR",
          "INVALID_URI",
          "USAGE_ERROR",
          "PATH_OUTSIDE_SEGMENT",
          "USAGE_ERROR",
          "USAGE_ERROR",
        ]);
        // An unknown tool is a JSON-RPC error -32602 (MCP spec), not a tool result.
        await assert.rejects(call("no_such_tool", {}), (err: { code?: number }) => {
          assert.equal(err.code, -32602);
          return true;
        });
        const after = await call("symbol", { uri: "sym://python/type/src.inventory.models/Item" });
        assert.equal((after.structuredContent?.symbol as { start_line: number }).start_line, 12);
      });

      await t.step("a file edited on disk between two calls gives the new answer", async () => {
        const path = `${seg}/src/inventory/models.py`;
        const old = await Deno.readTextFile(path);
        await Deno.writeTextFile(path, `# one\n# two\n${old}`);
        const sym = await call("symbol", {
          uri: "sym://python/type/src.inventory.models/Inventory",
        });
        assert.equal((sym.structuredContent?.symbol as { start_line: number }).start_line, 33);
        const sk = await call("skeleton", { path: "src/inventory/models.py" });
        assert.match(textOf(sk), /class Inventory {2}# L33-61/);
        const def = await call("definition", {
          file: "src/inventory/service.py",
          line: 11,
          column: 24,
        });
        const locs = def.structuredContent!.locations as { path: string; line: number }[];
        assert.ok(
          locs.some((l) => l.path === "src/inventory/models.py" && l.line === 33),
          JSON.stringify(locs),
        );
        const svc = `${seg}/src/inventory/service.py`;
        await Deno.writeTextFile(
          svc,
          (await Deno.readTextFile(svc)) + "\n\ndef zanzibar_report() -> None:\n    pass\n",
        );
        const found = await call("search", { query: "zanzibar_report" });
        assert.equal(found.structuredContent?.pack_rebuilt, true);
        const hits = found.structuredContent!.hits as { symbol?: string }[];
        assert.ok(
          hits.some((h) => h.symbol === "zanzibar_report"),
          JSON.stringify(hits),
        );
      });

      await t.step("telemetry_report counts the mcp.* calls", async () => {
        const r = await call("telemetry_report", { last_days: 0 });
        const report = r.structuredContent!.report as {
          commands: { cmd: string; count: number }[];
        };
        const cmds = report.commands.map((c) => c.cmd);
        assert.ok(cmds.includes("mcp.skeleton") && cmds.includes("mcp.symbol"), cmds.join(","));
        const events = (await Deno.readTextFile(`${seg}/_ctx/telemetry/events.jsonl`)).trim()
          .split("\n").map((l) => JSON.parse(l));
        const sk = events.find((e) => e.cmd === "mcp.skeleton" && e.result.status === "ok");
        assert.ok(sk.result.bytes > 0 && sk.result.tokens > 0 && sk.timing_ms >= 1);
        const bad = events.find((e) => e.cmd === "mcp.unknown_tool");
        assert.equal(bad.result.error_code, "UNKNOWN_TOOL");
        assert.ok(!JSON.stringify(events).includes(seg), "no absolute segment path in events");
      });

      await t.step("200 calls in a row keep the server's memory stable", async () => {
        const warm = rssKb(serverPid);
        const calls: [string, Record<string, unknown>][] = [
          ["skeleton", { path: "src/inventory/models.py" }],
          ["symbol", { uri: "sym://python/type/src.inventory.models/Inventory#add" }],
          ["snippet", { uri: "sym://python/type/src.inventory.service/restock", mode: "excerpt" }],
          ["definition", { file: "src/inventory/service.py", line: 11, column: 24 }],
          ["search", { query: "inventory" }],
          ["skeleton", { path: 1 }],
          ["skeleton", { path: ".", budget_tokens: 300 }],
          ["hover", { file: "src/inventory/service.py", line: 11, column: 24 }],
        ];
        for (let i = 0; i < 200; i++) {
          // i % calls.length is always an index of calls.
          const [name, args] = calls[i % calls.length]!;
          const r = await call(name, args);
          assert.equal(Boolean(r.isError), name === "skeleton" && args.path === 1, `${name} #${i}`);
        }
        const after = rssKb(serverPid);
        // Generous: a leak of a few hundred KB per call would show; GC noise does not.
        assert.ok(after - warm < 60_000, `RSS ${rssStart} → ${warm} → ${after} kB`);
      });
      children = descendants(serverPid);
    } finally {
      await client.close();
      const left = await waitGone([serverPid, ...children].filter((p) => p > 0), 15_000);
      for (const pid of left) Deno.kill(pid, "SIGKILL");
      await keepForPiiScan(seg);
      await removeSegment(seg);
      assert.deepEqual(left, [], "the server and its language server exit when stdin closes");
    }
  },
});

/** Raw JSON-RPC lines to the real server; every reply line, parsed. */
async function rawSession(
  seg: string,
  lines: (string | Uint8Array)[],
): Promise<{ replies: Record<string, unknown>[]; stderr: string; stdout: string; code: number }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...CLI_FLAGS, MAIN_TS, "mcp", "-s", seg],
    env: { NO_COLOR: "1", TRIFECTA_LSP: "0" },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const w = child.stdin.getWriter();
  const enc = new TextEncoder();
  for (const l of lines) await w.write(typeof l === "string" ? enc.encode(l) : l);
  await w.close();
  const out = await child.output();
  const stdout = new TextDecoder().decode(out.stdout);
  return {
    replies: stdout.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l)),
    stderr: new TextDecoder().decode(out.stderr),
    stdout,
    code: out.code,
  };
}

Deno.test("mcp server: an oversized, too deep or broken request gets a JSON-RPC error and the next is served; tools serve only what the boundary allows", async () => {
  const seg = await Deno.makeTempDir({ prefix: "trifecta-mcp-bounds-" });
  const outside = await Deno.makeTempDir({ prefix: "trifecta-outside-" });
  try {
    await Deno.mkdir(`${seg}/src`);
    await Deno.writeTextFile(
      `${seg}/src/settings.py`,
      'KEY = "AKIAIOSFODNN7EXAMPLE"\n\ndef connect():\n    return KEY\n',
    );
    await Deno.writeTextFile(`${seg}/.env`, "TOKEN=MARKER_MCP_DOTENV\n");
    await Deno.symlink(".env", `${seg}/envlink.py`);
    await Deno.writeTextFile(`${outside}/o.py`, "def outside():\n    'MARKER_MCP_OUTSIDE'\n");
    await Deno.symlink(`${outside}/o.py`, `${seg}/src/linked.py`);
    assert.equal((await runCli(["ctx", "build", "-s", seg])).code, 0);
    // The header chunk of settings.py (the pack is SQLite now: found through the CLI).
    const found = await runCli(["ctx", "search", "-q", "KEY", "-s", seg, "--json"]);
    assert.equal(found.code, 0, found.stderr);
    const header = JSON.parse(found.stdout).hits.find((c: { kind: string }) => c.kind === "header");
    const req = (id: number, method: string, params: unknown = {}) =>
      JSON.stringify({ jsonrpc: "2.0", id, method, params }) + "\n";
    const call = (id: number, name: string, args: unknown) =>
      req(id, "tools/call", { name, arguments: args });
    const big = JSON.stringify({
      jsonrpc: "2.0",
      method: "tools/call",
      params: { name: "search", arguments: { query: "x".repeat(10_000_000) } },
      id: 2,
    }) + "\n";
    const r = await rawSession(seg, [
      req(0, "initialize", {
        protocolVersion: "2025-06-18",
        capabilities: {},
        clientInfo: { name: "bounds", version: "1" },
      }),
      '{"jsonrpc":"2.0","method":"notifications/initialized"}\n',
      big,
      `{"jsonrpc":"2.0","id":3,"method":"tools/list","params":${"[".repeat(5000)}${
        "]".repeat(5000)
      }}\n`,
      "this is not json\n",
      req(4, "tools/list"),
      call(5, "get", { ids: [header.id], mode: "raw" }),
      call(6, "hover", { file: "envlink.py", line: 1, column: 1 }),
      call(7, "definition", { file: "src/linked.py", line: 1, column: 5 }),
      call(8, "snippet", { uri: "sym://python/type/src.linked/outside", mode: "raw" }),
      call(9, "search", { query: "connect key" }),
    ]);
    assert.equal(r.code, 0, r.stderr);
    const byId = new Map(r.replies.map((x) => [x.id, x]));
    const err = (id: unknown) => (byId.get(id)?.error as { code: number; message: string });
    assert.equal(err(2).code, -32600);
    assert.match(err(2).message, /too large/);
    assert.equal(err(3).code, -32600);
    assert.match(err(3).message, /nested too deeply/);
    assert.equal(err(null).code, -32700);
    assert.equal((byId.get(4)?.result as { tools: unknown[] }).tools.length, TOOLS.length);
    const get = byId.get(5)?.result as { content: { text: string }[] };
    assert.match(get.content[0]?.text ?? "", /KEY = "<SECRET_REDACTED:aws-access-key-id>"/);
    const toolError = (id: number) =>
      (byId.get(id)?.result as { structuredContent: { error_code: string } }).structuredContent
        .error_code;
    assert.equal(toolError(6), "PATH_DENIED");
    assert.equal(toolError(7), "PATH_OUTSIDE_SEGMENT");
    assert.equal(toolError(8), "PATH_OUTSIDE_SEGMENT");
    const search = JSON.stringify(byId.get(9));
    assert.match(search, /SECRET_REDACTED/);
    for (const m of ["AKIAIOSFODNN7EXAMPLE", "MARKER_MCP_DOTENV", "MARKER_MCP_OUTSIDE"]) {
      assert.ok(!r.stdout.includes(m) && !r.stderr.includes(m), `${m} leaked`);
    }
    assert.match(r.stderr, /request refused \(too_large/);
  } finally {
    await removeSegment(seg);
    await Deno.remove(outside, { recursive: true });
  }
});
