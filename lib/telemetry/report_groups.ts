/**
 * Which events are commands a user (or an agent) ran, and which internal
 * events each one caused. A command's own event is written when it ends,
 * after the events of the work it did (`ast.parse`, `ast.cache.write`, …),
 * and one process writes under one run id: so an internal event belongs to
 * the next command event of the same run. Events of a run after its last
 * command (a daemon, a killed process) belong to no command.
 *
 * @module
 */
import type { StoredEvent } from "./stored_event.ts";

/** Options for {@linkcode groupEvents}. */
export interface GroupOptions {
  /**
   * Event names of user commands (the CLI passes its command table; every
   * `mcp.<tool>` event counts too). Without it, the last event of each run
   * is taken as the run's command.
   */
  commandNames?: ReadonlySet<string>;
}

/** One command and what it caused, or (`command` undefined) a run's events after its last command. */
export interface EventGroup {
  /** The command's own event. */
  command: StoredEvent | undefined;
  /** The run id (`""` when the events carry none). */
  run: string;
  /** Position of the group in its run (0, 1, …): with `run`, a stable name for it. */
  seq: number;
  /** Position of each event in its run, same order as `[...internal, command]`. */
  positions: number[];
  /** Internal events, in file order. */
  internal: StoredEvent[];
}

/** Run id of an event, `""` when absent. */
function runOf(ev: StoredEvent): string {
  return ev.run_id ?? "";
}

/** The predicate "is a user command" for `events` under `options`. */
function commandTest(
  events: readonly StoredEvent[],
  options: GroupOptions,
): (ev: StoredEvent, i: number) => boolean {
  const names = options.commandNames;
  if (names !== undefined) return (ev) => names.has(ev.cmd) || ev.cmd.startsWith("mcp.");
  const last = new Map<string, number>();
  events.forEach((ev, i) => last.set(runOf(ev), i));
  return (ev, i) => last.get(runOf(ev)) === i || ev.cmd.startsWith("mcp.");
}

/**
 * Group `events` (file order) by the command that caused them: commands in
 * the order they ended, then each run's events left after its last command.
 *
 * @example
 * ```ts
 * import { groupEvents } from "./report_groups.ts";
 * import { deepEqual, equal } from "node:assert/strict";
 * const ev = (cmd: string, run_id: string) =>
 *   ({ cmd, run_id, args: {}, result: {}, timing_ms: 1, warnings: [], x: {} });
 * const groups = groupEvents(
 *   [ev("ast.parse", "a"), ev("ast.parse", "b"), ev("ast.skeleton", "a"), ev("lsp.spawn", "a")],
 *   { commandNames: new Set(["ast.skeleton"]) },
 * );
 * equal(groups[0]?.command?.cmd, "ast.skeleton");
 * equal(groups[0]?.internal.length, 1);
 * deepEqual(groups.slice(1).map((g) => [g.run, g.internal.length]), [["a", 1], ["b", 1]]);
 * ```
 */
export function groupEvents(
  events: readonly StoredEvent[],
  options: GroupOptions = {},
): EventGroup[] {
  const isCommand = commandTest(events, options);
  const pending = new Map<string, { internal: StoredEvent[]; positions: number[] }>();
  const seqs = new Map<string, number>();
  const counts = new Map<string, number>();
  const groups: EventGroup[] = [];
  events.forEach((ev, i) => {
    const run = runOf(ev);
    const pos = counts.get(run) ?? 0;
    counts.set(run, pos + 1);
    let p = pending.get(run);
    if (p === undefined) pending.set(run, p = { internal: [], positions: [] });
    p.positions.push(pos);
    if (!isCommand(ev, i)) {
      p.internal.push(ev);
      return;
    }
    const seq = seqs.get(run) ?? 0;
    seqs.set(run, seq + 1);
    groups.push({ command: ev, run, seq, positions: p.positions, internal: p.internal });
    pending.delete(run);
  });
  for (const [run, p] of [...pending].sort(([a], [b]) => a.localeCompare(b))) {
    groups.push({ command: undefined, run, seq: seqs.get(run) ?? 0, ...p });
  }
  return groups;
}
