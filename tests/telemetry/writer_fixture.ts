/**
 * A telemetry writer process for the multi-process tests and the
 * concurrency benchmark:
 * `deno run -A tests/telemetry/writer_fixture.ts <segment> <events> [maxBytes] [keep] [flushEvery]`.
 * Writes `<events>` events (each with a distinct `x.seq`) and one counter
 * `writer_events` per event, flushing every `flushEvery` events (0 = once at
 * the end). Prints `done <run_id>`.
 *
 * @module
 */
import { resolveSegment } from "../../lib/segment/mod.ts";
import { Telemetry } from "../../lib/telemetry/mod.ts";

const [segDir, countArg, maxBytesArg, keepArg, flushEveryArg] = Deno.args;
const count = Number(countArg ?? "500");
const flushEvery = Number(flushEveryArg ?? "0");
const segment = await resolveSegment(segDir);
const t = Telemetry.open(segment, {
  level: "lite",
  maxEventsBytes: maxBytesArg ? Number(maxBytesArg) : undefined,
  keepRotated: keepArg ? Number(keepArg) : undefined,
});
for (let i = 0; i < count; i++) {
  t.event("writer.event", {
    args: { file: `${segment.root}/src/file_${i % 7}.py`, i },
    result: { status: "ok", pid: Deno.pid },
    timingMs: 1 + (i % 5),
    extra: { seq: i, padding: "p".repeat(120) },
  });
  t.incr("writer_events");
  if (flushEvery > 0 && (i + 1) % flushEvery === 0) await t.flush();
}
await t.flush();
console.log(`done ${t.runId}`);
