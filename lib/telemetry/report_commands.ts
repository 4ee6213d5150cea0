/**
 * The "user commands first" part of `telemetry report`: each command a user
 * or an agent ran, with the internal events it caused grouped under it
 * (lib/telemetry/report_groups.ts), and the log-scale latency histogram of
 * the commands (lib/telemetry/report_histogram.ts).
 *
 * @module
 */
import { groupEvents, type GroupOptions } from "./report_groups.ts";
import { type LatencyHistogram, logHistogram } from "./report_histogram.ts";
import type { StoredEvent } from "./stored_event.ts";
import { latencySummary, round } from "./summary.ts";

/** An internal event name under a command (or under no command). */
export interface InternalRow {
  /** Event name. */
  cmd: string;
  /** Events of this name. */
  count: number;
  /** Events per run of the command, 1 decimal (0 under no command). */
  per_command: number;
  /** Median `timing_ms`. */
  p50_ms: number;
  /** 95th percentile `timing_ms`. */
  p95_ms: number;
  /** Largest `timing_ms`. */
  max_ms: number;
  /** Sum of `timing_ms`. */
  total_ms: number;
}

/** One user command of the report, with what it caused. */
export interface UserCommandRow {
  /** Event name of the command (`ast.skeleton`, `mcp.search`, …). */
  cmd: string;
  /** Runs of the command in the window. */
  count: number;
  /** Runs whose `result.status` is `error`. */
  errors: number;
  /** Median `timing_ms`. */
  p50_ms: number;
  /** 95th percentile `timing_ms`. */
  p95_ms: number;
  /** Largest `timing_ms`. */
  max_ms: number;
  /** Internal events the command caused, most frequent first. */
  internal: InternalRow[];
}

/** The command part of the report object. */
export interface CommandTree {
  /** User commands, most frequent first. */
  user_commands: UserCommandRow[];
  /** Internal events that followed no command of their run (daemons, killed runs), most frequent first. */
  internal_unattributed: InternalRow[];
  /** Latency histogram of the user commands (log-scale buckets). */
  latency_histogram: LatencyHistogram & { of: "user_commands" };
}

function byCountThenName<T extends { cmd: string; count: number }>(a: T, b: T): number {
  return b.count - a.count || a.cmd.localeCompare(b.cmd);
}

/** Internal rows from the events by name; `per` = the command's runs (0: none). */
function internalRows(byName: Map<string, number[]>, per: number): InternalRow[] {
  return [...byName].map(([cmd, timings]) => {
    const l = latencySummary(timings);
    let total = 0;
    for (const t of timings) total += t;
    return {
      cmd,
      count: timings.length,
      per_command: per > 0 ? round(timings.length / per, 1) : 0,
      p50_ms: l.p50_ms,
      p95_ms: l.p95_ms,
      max_ms: l.max_ms,
      total_ms: round(total, 3),
    };
  }).sort(byCountThenName);
}

function push(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

interface CommandTally {
  timings: number[];
  errors: number;
  internal: Map<string, number[]>;
}

/**
 * User commands with their internal events, the events of no command, and
 * the commands' latency histogram.
 *
 * @example
 * ```ts
 * import { commandTree } from "./report_commands.ts";
 * import { equal } from "node:assert/strict";
 * const ev = (cmd: string, timing_ms: number) =>
 *   ({ cmd, run_id: "r", args: {}, result: {}, timing_ms, warnings: [], x: {} });
 * const t = commandTree([ev("ast.parse", 1), ev("ast.parse", 3), ev("ast.skeleton", 9)], {
 *   commandNames: new Set(["ast.skeleton"]),
 * });
 * equal(t.user_commands[0]?.cmd, "ast.skeleton");
 * equal(t.user_commands[0]?.internal[0]?.count, 2);
 * equal(t.user_commands[0]?.internal[0]?.per_command, 2);
 * equal(t.latency_histogram.counts[0], 1);
 * ```
 */
export function commandTree(
  events: readonly StoredEvent[],
  options: GroupOptions = {},
): CommandTree {
  const commands = new Map<string, CommandTally>();
  const orphans = new Map<string, number[]>();
  const timings: number[] = [];
  for (const g of groupEvents(events, options)) {
    const c = g.command;
    if (c === undefined) {
      for (const ev of g.internal) push(orphans, ev.cmd, ev.timing_ms);
      continue;
    }
    let t = commands.get(c.cmd);
    if (t === undefined) commands.set(c.cmd, t = { timings: [], errors: 0, internal: new Map() });
    t.timings.push(c.timing_ms);
    timings.push(c.timing_ms);
    if (c.result.status === "error") t.errors++;
    for (const ev of g.internal) push(t.internal, ev.cmd, ev.timing_ms);
  }
  const rows = [...commands].map(([cmd, t]) => {
    const l = latencySummary(t.timings);
    return {
      cmd,
      count: t.timings.length,
      errors: t.errors,
      p50_ms: l.p50_ms,
      p95_ms: l.p95_ms,
      max_ms: l.max_ms,
      internal: internalRows(t.internal, t.timings.length),
    };
  }).sort(byCountThenName);
  return {
    user_commands: rows,
    internal_unattributed: internalRows(orphans, 0),
    latency_histogram: { of: "user_commands", ...logHistogram(timings) },
  };
}
