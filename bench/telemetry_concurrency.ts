/**
 * 16 writer processes × 500 events into one segment, all started at once:
 * wall time, lines written, lost and corrupt lines, metrics.json sums.
 * `deno run -A bench/telemetry_concurrency.ts [procs] [events] [maxBytes]`
 * (maxBytes > 0 rotates events.jsonl at that size, keeping every file).
 *
 * @module
 */
import { join } from "node:path";
import { allEventLines, runWriters } from "../tests/telemetry/_multiproc.ts";

const procs = Number(Deno.args[0] ?? 16);
const events = Number(Deno.args[1] ?? 500);
const maxBytes = Number(Deno.args[2] ?? 0);
const seg = await Deno.makeTempDir({ prefix: "trifecta-bench-conc-" });
try {
  const start = performance.now();
  const ids = await runWriters(
    seg,
    { procs, events },
    maxBytes > 0 ? { maxBytes, keep: 100_000 } : {},
  );
  const wall = performance.now() - start;
  const dir = join(seg, "_ctx", "telemetry");
  const { lines, files } = await allEventLines(dir);
  let corrupt = 0;
  const seen = new Set<string>();
  for (const l of lines) {
    try {
      const ev = JSON.parse(l);
      seen.add(`${ev.run_id}:${ev.x.seq}`);
    } catch (err) {
      if (!(err instanceof SyntaxError)) throw err;
      corrupt++;
    }
  }
  const expected = procs * events;
  const m = JSON.parse(await Deno.readTextFile(join(dir, "metrics.json")));
  console.log(JSON.stringify(
    {
      procs,
      events_per_proc: events,
      expected,
      lines: lines.length,
      distinct_events: seen.size,
      lost: expected - seen.size,
      corrupt,
      files: files.length,
      run_ids: new Set(ids).size,
      metrics_writer_events: m.writer_events,
      metrics_written: m.telemetry_events_written,
      lock_skipped: m.telemetry_lock_skipped ?? 0,
      rotations: m.telemetry_rotations ?? 0,
      wall_ms: Math.round(wall),
    },
    null,
    2,
  ));
} finally {
  await Deno.remove(seg, { recursive: true });
}
