/**
 * Cost of one telemetry event (redaction + JSON + one O_APPEND write) and of
 * the pure redaction step, at level lite:
 * `deno bench --allow-read --allow-write --allow-env bench/telemetry_bench.ts`.
 *
 * @module
 */
import { resolveSegment } from "../lib/segment/mod.ts";
import { redactValue, Telemetry } from "../lib/telemetry/mod.ts";

const dir = await Deno.makeTempDir({ prefix: "trifecta-bench-tel-" });
const segment = await resolveSegment(dir);
const t = Telemetry.open(segment, { level: "lite", env: () => undefined });
const args = {
  file: `${segment.root}/src/pkg/module.py`,
  query_preview: "where is the config loader",
  ids: ["repo:a.md:0123456789", "repo:b.md:abcdef0123"],
};
const result = { status: "ok", hits: 5, cache_status: "hit", symbols_count: 12 };
let i = 0;

Deno.bench("telemetry.event (lite, typical ast.symbols-sized event)", () => {
  t.event("ast.symbols", {
    args,
    result,
    timingMs: 3,
    extra: { seq: i++, cache_key: "abc:def:1" },
  });
});

Deno.bench("redactValue of the same args + result", () => {
  redactValue({ args, result }, { root: segment.root });
});

Deno.bench("telemetry.incr", () => {
  t.incr("ast_cache_hit_count");
});

globalThis.addEventListener("unload", () => {
  Deno.removeSync(dir, { recursive: true });
});
