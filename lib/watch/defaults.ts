/**
 * The watcher's default timings, apart from the watcher itself: the
 * `watch` command's spec (on the CLI's fast path, which must not load the
 * parser or SQLite) reads them from here.
 *
 * @module
 */

/** Quiet time after the last event before a batch is made (ms). */
export const DEFAULT_DEBOUNCE_MS = 150;
/** Longest a pending event waits under a steady stream of events (ms). */
export const MAX_WAIT_MS = 1000;
/** Default period of the full re-scan that catches lost events (ms). */
export const DEFAULT_RESCAN_INTERVAL_MS = 60_000;
/** Default period of the re-scan when no event stream can be opened (ms). */
export const DEFAULT_POLL_MS = 2000;
/** Wait before a failed event stream is reopened (ms). */
export const REOPEN_DELAY_MS = 500;
/** Failed streams in a row after which the watcher polls instead. */
export const MAX_REOPENS = 3;
/**
 * Period of the silence check (ms): while no event arrives, the segment is
 * stat-walked this often, so a change the event stream never reports (a
 * stalled stream, e.g. Deno's watcher thread blocked opening a FIFO) is
 * still seen within 2 s.
 */
export const DEFAULT_CHECK_MS = 1000;
/**
 * A silence check is skipped until this many times its last walk's cost
 * has passed since it ended (its CPU stays near 10% of one core on a large tree).
 */
export const CHECK_COST_FACTOR = 9;
/**
 * Grace after a silence check saw a change (ms): an event for it arriving
 * within this time means the stream is alive (it was only slower than the stat).
 */
export const LOST_GRACE_MS = 300;
/** Re-scan period once the event stream is known to have gone silent (ms). */
export const LOST_POLL_MS = 1000;
/**
 * Period of the stat of the config files while watching (ms): a `deny` or
 * `ignore` glob added with no file change is applied (a full re-scan under
 * it) within about this long. Batches check the files anyway.
 */
export const CONFIG_CHECK_MS = 1000;
