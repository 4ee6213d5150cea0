/**
 * Cheap MCP calls while a `skeleton` of a whole tree runs in the same
 * session: start `trifecta mcp` on a segment, ask `skeleton` of `.` (with a
 * progress token), and until it answers, call the cheap tools one after the
 * other (round robin, 50 ms apart); print each tool's p50/p95/max round trip
 * and how many calls were answered before the skeleton; then the same calls
 * again with no skeleton running (what the loaded machine alone costs).
 * Usage:
 *
 *   deno run -A bench/mcp_load_bench.ts <segment> '<calls JSON>'
 *
 * bench/mcp_load_run.sh runs it on a copy of the large corpus. Figures:
 * docs/benchmarks.md "MCP: cheap calls during a whole-tree skeleton".
 *
 * @module
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { fileURLToPath } from "node:url";
import { FLAGS } from "./mcp_bench.ts";
import { quantile as q } from "../lib/telemetry/summary.ts";

const MAIN_TS = fileURLToPath(new URL("../main.ts", import.meta.url));

type Call = [string, Record<string, unknown>];

/** Cheap calls on the large corpus (django, sympy and stdlib side by side). */
const LARGE_CALLS: Call[] = [
  ["symbol", { uri: "sym://python/type/django.apps.config/AppConfig" }],
  ["find_symbol", { pattern: "AppConfig", path: "django/apps" }],
  ["snippet", { uri: "sym://python/type/django.apps.config/AppConfig#ready", mode: "excerpt" }],
  ["hover", { file: "django/apps/config.py", line: 15, column: 7 }],
];

function ms(x: number): string {
  return x.toFixed(1);
}

/** Round trips of the cheap calls by tool. */
type Times = Map<string, number[]>;

/**
 * Call the cheap tools round robin, 50 ms apart, while `more(i)` holds;
 * round trips of the calls `keep` accepts go to the result.
 */
async function cheapCalls(
  client: Client,
  calls: readonly Call[],
  o: { t0: number; more: (i: number) => boolean; keep: () => boolean },
): Promise<Times> {
  const times: Times = new Map(calls.map(([n]) => [n, []]));
  for (let i = 0; o.more(i); i++) {
    const [name, args] = calls[i % calls.length] ?? ["symbol", {}];
    const s = performance.now();
    const r = await client.callTool({ name, arguments: args }, undefined, { timeout: 600_000 });
    const took = performance.now() - s;
    // The slow ones, with when they started: which stage of the skeleton held them.
    if (took > 500) console.error(`${name}: ${ms(took)} ms at ${ms(s - o.t0)} ms`);
    if (o.keep()) times.get(name)?.push(took);
    if (r.isError && i < calls.length) console.error(`${name}: ${JSON.stringify(r.content)}`);
    await new Promise((res) => setTimeout(res, 50));
  }
  return times;
}

function table(title: string, times: Times): void {
  console.log(`\n${title}\n`);
  console.log("| tool | calls | p50 ms | p95 ms | max ms |");
  console.log("|---|---:|---:|---:|---:|");
  for (const [name, xs] of times) {
    const sorted = [...xs].sort((a, b) => a - b);
    const max = sorted.at(-1) ?? NaN;
    console.log(
      `| \`${name}\` | ${xs.length} | ${ms(q(sorted, 0.5))} | ${ms(q(sorted, 0.95))} | ${
        ms(max)
      } |`,
    );
  }
}

/** Calls per tool without a skeleton running, after it (the machine's share of the figures). */
const QUIET_CALLS_PER_TOOL = 60;

if (import.meta.main) {
  const segment = Deno.args[0];
  if (!segment) throw new Error("usage: mcp_load_bench.ts <segment> [calls JSON]");
  const calls: Call[] = Deno.args[1] ? JSON.parse(Deno.args[1]) : LARGE_CALLS;
  const transport = new StdioClientTransport({
    command: Deno.execPath(),
    args: ["run", ...FLAGS, MAIN_TS, "mcp", "-s", segment],
    env: Deno.env.toObject(),
    stderr: "inherit",
  });
  const client = new Client({ name: "trifecta-mcp-load", version: "1" });
  await client.connect(transport);
  try {
    const t0 = performance.now();
    let progress = 0;
    let skeletonMs = NaN;
    let rankingMs = NaN;
    const skeleton = client.callTool({ name: "skeleton", arguments: { path: "." } }, undefined, {
      onprogress: (p: { message?: string }) => {
        progress++;
        // The parse is over: the files are being ranked (lib/nav).
        if (Number.isNaN(rankingMs) && p.message?.startsWith("ranking")) {
          rankingMs = performance.now() - t0;
        }
      },
      timeout: 1_800_000,
    }).then(() => (skeletonMs = performance.now() - t0));
    const running = () => Number.isNaN(skeletonMs);
    // A call answered after the skeleton is not a call made during it.
    const during = await cheapCalls(client, calls, { t0, more: running, keep: running });
    await skeleton;
    const quiet = await cheapCalls(client, calls, {
      t0,
      more: (i) => i < QUIET_CALLS_PER_TOOL * calls.length,
      keep: () => true,
    });
    console.log(`skeleton of . : ${ms(skeletonMs)} ms, ${progress} progress notifications`);
    console.log(`first "ranking" progress at ${ms(rankingMs)} ms`);
    table("During the skeleton:", during);
    table("After it, same session, no skeleton running (the machine's share):", quiet);
  } finally {
    await client.close();
  }
}
