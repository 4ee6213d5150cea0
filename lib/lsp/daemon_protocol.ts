/**
 * The daemon's wire protocol: newline-delimited JSON over a Unix socket.
 * Each line is one request `{"id", "method", "params"}`; each answer is one
 * line `{"id", "ok": true, "result"}` or `{"id", "ok": false, "error":
 * {"code", "message"}}`. While a query runs, the daemon sends a heartbeat
 * line `{"id", "alive": true}` every 500 ms, so a caller can tell a slow
 * answer from a stopped daemon. A connection may carry several requests.
 * A line that is not a JSON object with a known `method` gets `BAD_REQUEST`
 * (the connection stays open); a line longer than
 * {@linkcode MAX_REQUEST_BYTES} gets `REQUEST_TOO_LARGE` and the connection
 * is closed. The daemon stays up either way. See docs/lsp.md.
 *
 * @module
 */
import type { AnswerData, FallbackReason, LspMethod } from "./types.ts";
import type { LspState } from "./client_state.ts";

/** Protocol version reported by `status`. */
export const DAEMON_PROTOCOL_VERSION = 2;

/** Largest request line accepted, in bytes. */
export const MAX_REQUEST_BYTES = 64 * 1024;

/** Largest answer line a caller accepts, in bytes. */
export const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/** Most connections a daemon serves at once (more get `BUSY`). */
export const MAX_CONNECTIONS = 32;

/** Methods the daemon serves. */
export type DaemonMethod = "status" | "query" | "stop";

/** A request line. */
export interface DaemonRequest {
  /** Echoed in the answer. */
  id?: number | string;
  /** What to do. */
  method: DaemonMethod;
  /** For `query`. */
  params?: DaemonQueryParams;
}

/** Parameters of `query`. */
export interface DaemonQueryParams {
  /** Which answer. */
  method: LspMethod;
  /** Segment-relative (or absolute, inside the segment) path. */
  file: string;
  /** 1-based line. */
  line?: number;
  /** 1-based column. */
  col?: number;
  /** Wait this long for READY while the server warms up (default 0: no wait). */
  wait_ready_ms?: number;
}

/** `status` result. */
export interface DaemonStatus {
  /** Protocol version. */
  protocol: number;
  /** Daemon process id. */
  pid: number;
  /** Language-server state. */
  state: LspState;
  /** Backend of the server. */
  backend: string;
  /** Server process id. */
  server_pid: number | null;
  /** Milliseconds since the daemon started. */
  uptime_ms: number;
  /** Milliseconds since the last request. */
  idle_ms: number;
  /** Idle TTL in seconds. */
  ttl_s: number;
  /** Queries served. */
  queries: number;
  /** Segment id (8 hex). */
  segment_id: string;
}

/** `query` result: an answer, or the reason there is none. */
export interface DaemonQueryResult {
  /** The server's answer (absent on fallback). */
  answer?: AnswerData;
  /** Backend that answered. */
  backend: string;
  /** Why the server did not answer. */
  fallback_reason?: FallbackReason;
  /** Counts and how to fix (e.g. for `unsafe_links`). */
  fallback_detail?: string;
  /** Server state. */
  state: LspState;
}

/** An answer line. */
export interface DaemonResponse {
  /** The request's id. */
  id?: number | string | null;
  /** True on success. */
  ok: boolean;
  /** The result. */
  result?: unknown;
  /** The error. */
  error?: { code: string; message: string };
}

const encoder = new TextEncoder();

/** Encode one line. */
export function encodeLine(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value) + "\n");
}
