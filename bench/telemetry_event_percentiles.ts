/**
 * Median and p95 of single `Telemetry.event()` calls (deno bench prints avg,
 * p75, p99): `deno run --allow-read --allow-write --allow-env
 * bench/telemetry_event_percentiles.ts [n]`.
 *
 * @module
 */
import { resolveSegment } from "../lib/segment/mod.ts";
import { quantile } from "../lib/telemetry/summary.ts";
import { Telemetry } from "../lib/telemetry/mod.ts";

const n = Number(Deno.args[0] ?? 20000);
const dir = await Deno.makeTempDir({ prefix: "trifecta-bench-pct-" });
try {
  const segment = await resolveSegment(dir);
  const t = Telemetry.open(segment, { level: "lite", env: () => undefined });
  const args = {
    file: `${segment.root}/src/pkg/module.py`,
    query_preview: "where is the config loader",
  };
  const result = { status: "ok", hits: 5, cache_status: "hit", symbols_count: 12 };
  const us: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    t.event("ast.symbols", { args, result, timingMs: 3, extra: { seq: i } });
    us.push((performance.now() - s) * 1000);
  }
  us.sort((a, b) => a - b);
  console.log(JSON.stringify({
    events: n,
    p50_us: Math.round(quantile(us, 0.5)),
    p95_us: Math.round(quantile(us, 0.95)),
    p99_us: Math.round(quantile(us, 0.99)),
    max_us: Math.round(quantile(us, 1)),
  }));
} finally {
  await Deno.remove(dir, { recursive: true });
}
