/**
 * Per-tool latency through MCP: start `trifecta mcp` on a segment, wait for
 * the language server to be READY, then call each tool N times and print
 * p50/p95 (client-side round trip over stdio). Usage:
 *
 *   deno run -A bench/mcp_bench.ts <segment> [runs]
 *
 * The calls target django (see bench/mcp_run.sh); override them with
 * MCP_BENCH_CALLS='[["tool", {...args}], …]'.
 *
 * @module
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { fileURLToPath } from "node:url";
import { quantile as q } from "../lib/telemetry/summary.ts";

const MAIN_TS = fileURLToPath(new URL("../main.ts", import.meta.url));
/** The flags `trifecta mcp` runs with in the MCP benchmarks (docs/mcp.md). */
export const FLAGS: readonly string[] = [
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-run",
  "--allow-sys",
  "--unstable-raw-imports",
];

type Call = [string, Record<string, unknown>];

const DJANGO_CALLS: Call[] = [
  ["skeleton", { path: "django/db/models/query.py", budget_tokens: 200000 }],
  ["skeleton", { path: "django/db/models/base.py", budget_tokens: 200000 }],
  ["symbol", { uri: "sym://python/type/django.db.models.query/QuerySet" }],
  ["symbol", { uri: "sym://python/type/django.db.models.query/QuerySet#get" }],
  ["snippet", { uri: "sym://python/type/django.db.models.query/QuerySet#get", mode: "excerpt" }],
  ["definition", { file: "django/db/models/base.py", line: 122, column: 45 }],
  ["hover", { file: "django/db/models/base.py", line: 122, column: 45 }],
  ["references", { file: "django/db/models/base.py", line: 404, column: 7, limit: 50 }],
];

if (import.meta.main) {
  const segment = Deno.args[0];
  const runs = Number(Deno.args[1] ?? 50);
  if (!segment) throw new Error("usage: mcp_bench.ts <segment> [runs]");
  const calls: Call[] = JSON.parse(Deno.env.get("MCP_BENCH_CALLS") ?? "null") ?? DJANGO_CALLS;
  const transport = new StdioClientTransport({
    command: Deno.execPath(),
    args: ["run", ...FLAGS, MAIN_TS, "mcp", "-s", segment],
    env: Deno.env.toObject(),
    stderr: "inherit",
  });
  const client = new Client({ name: "trifecta-mcp-bench", version: "1" });
  const t0 = performance.now();
  await client.connect(transport);
  try {
    const connectMs = performance.now() - t0;
    // Wait until the language server answers (READY), at most 180 s.
    const def = calls.find(([n]) => n === "definition");
    let readyMs = NaN;
    if (def) {
      const until = performance.now() + 180_000;
      while (performance.now() < until) {
        const r = await client.callTool({ name: def[0], arguments: def[1] });
        const s = r.structuredContent as Record<string, unknown> | undefined;
        if (s?.capability_state === "FULL") {
          readyMs = performance.now() - t0;
          break;
        }
        await new Promise((res) => setTimeout(res, 500));
      }
    }
    console.log(
      `connect ${connectMs.toFixed(0)} ms; definition FULL after ${readyMs.toFixed(0)} ms`,
    );
    // One warm-up round (fills the AST cache), then the measured runs.
    for (const [name, args] of calls) await client.callTool({ name, arguments: args });
    const samples = new Map<string, number[]>();
    for (let i = 0; i < runs; i++) {
      for (const [name, args] of calls) {
        const key = `${name} ${JSON.stringify(args)}`;
        const s = performance.now();
        const r = await client.callTool({ name, arguments: args });
        const ms = performance.now() - s;
        if (r.isError) throw new Error(`${key}: ${JSON.stringify(r.content)}`);
        const list = samples.get(key) ?? [];
        list.push(ms);
        samples.set(key, list);
      }
    }
    console.log(`| tool call | runs | p50 ms | p95 ms |`);
    console.log(`|---|---|---|---|`);
    for (const [key, list] of samples) {
      const sorted = [...list].sort((a, b) => a - b);
      console.log(
        `| \`${key}\` | ${sorted.length} | ${q(sorted, 0.5).toFixed(2)} | ${
          q(sorted, 0.95).toFixed(2)
        } |`,
      );
    }
  } finally {
    await client.close();
  }
}
