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
