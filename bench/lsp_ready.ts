/**
 * Time from spawn to READY (initialize → initialized → didOpen →
 * publishDiagnostics) of the language server trifecta would use, over N runs.
 * Usage: deno run -A bench/lsp_ready.ts <segment> <file.py> [runs]
 */
import { join } from "node:path";
import { LspClient } from "../lib/lsp/client.ts";
import { findServer, isServerCommand } from "../lib/lsp/discovery.ts";
import { quantile } from "../lib/telemetry/summary.ts";

const [segment, rel, runsArg] = Deno.args;
if (segment === undefined || rel === undefined) {
  throw new Error("usage: deno run -A bench/lsp_ready.ts <segment> <file.py> [runs]");
}
const root = await Deno.realPath(segment);
const abs = join(root, rel);
const text = await Deno.readTextFile(abs);
const server = await findServer("python");
if (!isServerCommand(server)) throw new Error("no server");
const times: number[] = [];
for (let i = 0; i < Number(runsArg ?? 5); i++) {
  const client = new LspClient(server, { root, language: "python" });
  const t0 = performance.now();
  client.start({ abs, text });
  const state = await client.waitReady(180_000);
  times.push(performance.now() - t0);
  await client.shutdown();
  if (state !== "READY") throw new Error(`state ${state}`);
}
times.sort((a, b) => a - b);
function pct(p: number): number {
  return quantile(times, p);
}
console.log(JSON.stringify({
  server: server.label,
  runs: times.length,
  p50_ms: Math.round(pct(0.5)),
  max_ms: Math.round(pct(1)),
  min_ms: Math.round(pct(0)),
}));
