/**
 * What a running tool may tell its caller and learn from it: progress
 * (`notifications/progress`, when the request carried
 * `params._meta.progressToken`) and cancellation (`notifications/cancelled`
 * aborts {@linkcode ToolCall.signal}). Progress is monotonic (a value not
 * above the last one sent is dropped, as the MCP spec requires) and rate
 * limited (at most one notification per {@linkcode PROGRESS_INTERVAL_MS},
 * except the last one, `done === total`, which is always sent).
 *
 * @module
 */

/** The call a tool runs for: progress reporting and cancellation. */
export interface ToolCall {
  /**
   * Report progress: `done` units of `total` (when known), with a short
   * message. A no-op when the client asked for no progress.
   */
  progress(done: number, total?: number, message?: string): void;
  /** Aborted when the client cancels the request (or the session ends). */
  readonly signal: AbortSignal;
}

/** Least time between two progress notifications of one call (ms). */
export const PROGRESS_INTERVAL_MS = 100;

/** A `notifications/progress` message. */
export interface ProgressNotification {
  /** Always `notifications/progress`. */
  method: "notifications/progress";
  /** The token of the request, the progress so far, the total when known, a message. */
  params: { progressToken: string | number; progress: number; total?: number; message?: string };
}

/** Options for {@linkcode createToolCall}. */
export interface ToolCallOptions {
  /** The request's `_meta.progressToken` (none: progress is not reported). */
  progressToken?: unknown;
  /** Sends a notification to the client (failures are the sender's to report). */
  send?: (notification: ProgressNotification) => void;
  /** Least time between two notifications (default {@linkcode PROGRESS_INTERVAL_MS}). */
  intervalMs?: number;
  /** The clock in ms (default `performance.now`); a test passes its own. */
  now?: () => number;
}

/**
 * A {@linkcode ToolCall} for one request: progress goes out through
 * `send` when a progress token was given, monotonic and rate limited.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { createToolCall, type ProgressNotification } from "./tool_call.ts";
 * const sent: ProgressNotification[] = [];
 * let t = 0;
 * const call = createToolCall(new AbortController().signal, {
 *   progressToken: "p1",
 *   send: (n) => sent.push(n),
 *   now: () => t,
 * });
 * call.progress(1, 3); // sent
 * call.progress(2, 3); // dropped: too soon
 * call.progress(1, 3); // dropped: not above the last value
 * t = 500;
 * call.progress(3, 3, "done"); // sent (last one)
 * deepEqual(sent.map((n) => n.params.progress), [1, 3]);
 * ```
 */
export function createToolCall(signal: AbortSignal, options: ToolCallOptions = {}): ToolCall {
  const token = options.progressToken;
  const send = options.send;
  if ((typeof token !== "string" && typeof token !== "number") || send === undefined) {
    return { signal, progress: () => {} };
  }
  const interval = options.intervalMs ?? PROGRESS_INTERVAL_MS;
  const now = options.now ?? (() => performance.now());
  let last = -Infinity;
  let lastAt = -Infinity;
  return {
    signal,
    progress(done: number, total?: number, message?: string): void {
      if (!Number.isFinite(done) || done <= last || signal.aborted) return;
      const final = total !== undefined && done >= total;
      const at = now();
      if (!final && at - lastAt < interval) return;
      last = done;
      lastAt = at;
      const params: ProgressNotification["params"] = { progressToken: token, progress: done };
      if (total !== undefined) params.total = total;
      if (message !== undefined) params.message = message;
      send({ method: "notifications/progress", params });
    },
  };
}

/** A call that reports nothing and is never cancelled: for tools run outside a request. */
export function quietToolCall(): ToolCall {
  return { signal: new AbortController().signal, progress: () => {} };
}
