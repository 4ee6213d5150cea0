/**
 * `ctx stats`: search effectiveness from the telemetry events that
 * `ctx search` and `ctx get` really write (`args.query_preview`,
 * `result.hits`, `result.returned_ids`, `result.zero_hit_reason`,
 * `result.stop_reason`, `result.bytes_read`, `timing_ms`). The events come
 * from telemetry's reader (`readTelemetry`), rotated files included.
 *
 * @module
 */
import { quantile, type StoredEvent } from "../telemetry/mod.ts";

/** Options for {@linkcode searchStats}. */
export interface StatsOptions {
  /** Only events of the last N days (0 or absent: all). */
  windowDays?: number;
  /** "Now" for the window (default: the current time). */
  now?: Date;
  /** Lines the reader could not parse (reported as `bad_lines`). */
  corruptLines?: number;
}

/** Search and get effectiveness. */
export interface SearchStats {
  /** Window in days (0 = all). */
  window_days: number;
  /** Event lines read. */
  events_read: number;
  /** Lines that were not JSON objects. */
  bad_lines: number;
  /** Searches that ran (not rejected). */
  searches: number;
  /** Searches with at least one hit. */
  with_hits: number;
  /** Searches with none. */
  zero_hits: number;
  /** with_hits / searches (0..1). */
  hit_rate: number;
  /** Rejected queries. */
  rejected: number;
  /** Mean search latency (ms). */
  avg_latency_ms: number;
  /** Median search latency (ms). */
  p50_ms: number;
  /** 95th percentile search latency (ms). */
  p95_ms: number;
  /** Zero-hit searches by reason. */
  zero_hit_reasons: Record<string, number>;
  /** Most frequent zero-hit query previews. */
  top_zero_hit_queries: { query_preview: string; count: number }[];
  /** Returned hits by chunk kind (the id prefix). */
  hit_kinds: Record<string, number>;
  /** `ctx get` calls. */
  gets: {
    count: number;
    by_mode: Record<string, number>;
    stop_reasons: Record<string, number>;
    bytes_read_by_mode: Record<string, number>;
  };
}

function bump(m: Record<string, number>, key: string, n = 1): void {
  m[key] = (m[key] ?? 0) + n;
}

/** Compute stats from telemetry events (as `readTelemetry` returns them). */
export function searchStats(
  events: readonly StoredEvent[],
  options: StatsOptions = {},
): SearchStats {
  const windowDays = options.windowDays ?? 0;
  const since = windowDays > 0
    ? (options.now ?? new Date()).getTime() - windowDays * 86_400_000
    : -Infinity;
  const s: SearchStats = {
    window_days: windowDays,
    events_read: 0,
    bad_lines: options.corruptLines ?? 0,
    searches: 0,
    with_hits: 0,
    zero_hits: 0,
    hit_rate: 0,
    rejected: 0,
    avg_latency_ms: 0,
    p50_ms: 0,
    p95_ms: 0,
    zero_hit_reasons: {},
    top_zero_hit_queries: [],
    hit_kinds: {},
    gets: { count: 0, by_mode: {}, stop_reasons: {}, bytes_read_by_mode: {} },
  };
  const latencies: number[] = [];
  const zeroQueries = new Map<string, number>();
  for (const ev of events) {
    s.events_read++;
    if (ev.ts && Date.parse(ev.ts) < since) continue;
    const { args, result } = ev;
    if (ev.cmd === "ctx.search.rejected") {
      s.rejected++;
    } else if (ev.cmd === "ctx.search" && result.status === "ok") {
      s.searches++;
      latencies.push(ev.timing_ms);
      const hits = Number(result.hits ?? 0);
      if (hits > 0) {
        s.with_hits++;
        for (const id of (result.returned_ids as unknown[] | undefined) ?? []) {
          if (typeof id === "string") {
            bump(s.hit_kinds, id.includes(":") ? id.slice(0, id.indexOf(":")) : "unknown");
          }
        }
      } else {
        s.zero_hits++;
        bump(s.zero_hit_reasons, String(result.zero_hit_reason ?? "unknown"));
        const q = String(args.query_preview ?? "");
        zeroQueries.set(q, (zeroQueries.get(q) ?? 0) + 1);
      }
    } else if (ev.cmd === "ctx.get" && result.status === "ok") {
      s.gets.count++;
      const mode = String(args.mode ?? "unknown");
      bump(s.gets.by_mode, mode);
      bump(s.gets.stop_reasons, String(result.stop_reason ?? "unknown"));
      bump(s.gets.bytes_read_by_mode, mode, Number(result.bytes_read ?? 0));
    }
  }
  latencies.sort((a, b) => a - b);
  s.hit_rate = s.searches === 0 ? 0 : s.with_hits / s.searches;
  s.avg_latency_ms = latencies.length === 0
    ? 0
    : Math.round((latencies.reduce((a, b) => a + b, 0) / latencies.length) * 10) / 10;
  s.p50_ms = quantile(latencies, 0.5);
  s.p95_ms = quantile(latencies, 0.95);
  s.top_zero_hit_queries = [...zeroQueries.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, 10)
    .map(([query_preview, count]) => ({ query_preview, count }));
  return s;
}
