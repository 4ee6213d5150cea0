/**
 * The states of a language-server client (lib/lsp/client.ts) and what a
 * caller reports when a client cannot answer: the error a request throws,
 * the fallback reason for a client that is not READY or a request that
 * failed. Kept apart from the
 * client so that the daemon protocol and the CLI's daemon path can name them
 * without loading the client.
 *
 * @module
 */
import { RpcClosedError, RpcResponseError, RpcTimeoutError } from "./jsonrpc.ts";
import type { FallbackReason } from "./types.ts";

/** States of a client. */
export type LspState = "COLD" | "WARMING" | "READY" | "FAILED" | "CLOSED";

/** A request that could not be served by the language server. */
export class LspUnavailableError extends Error {
  /** The fallback reason to report. */
  readonly reason: FallbackReason;
  /** Client state when it happened. */
  readonly state: LspState;
  /** Create the error. */
  constructor(reason: FallbackReason, state: LspState, message: string) {
    super(message);
    this.name = "LspUnavailableError";
    this.reason = reason;
    this.state = state;
  }
}

/**
 * The fallback reason for a client that is not READY: still warming
 * (`lsp_not_ready`), no binary (`lsp_binary_not_found`), a message over the
 * frame cap (`lsp_frame_too_large`), any other failure (`lsp_error`).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { fallbackReasonOf } from "./client_state.ts";
 * equal(fallbackReasonOf("WARMING", undefined), "lsp_not_ready");
 * equal(fallbackReasonOf("FAILED", "binary_not_found"), "lsp_binary_not_found");
 * equal(fallbackReasonOf("FAILED", "process_exited"), "lsp_error");
 * ```
 */
export function fallbackReasonOf(state: LspState, failReason: string | undefined): FallbackReason {
  if (state === "WARMING" || state === "COLD") return "lsp_not_ready";
  if (failReason === "binary_not_found") return "lsp_binary_not_found";
  if (failReason === "frame_too_large") return "lsp_frame_too_large";
  return "lsp_error";
}

/**
 * The fallback reason for a question that failed with `err`: its own reason,
 * except that a generic `lsp_error` is refined by what became of the client
 * (a crash during the request says `lsp_error`, a frame over the cap says
 * `lsp_frame_too_large`).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { LspUnavailableError, reasonOfUnavailable } from "./client_state.ts";
 * const err = new LspUnavailableError("lsp_error", "READY", "closed");
 * equal(reasonOfUnavailable(err, { state: "FAILED", failReason: "frame_too_large" }), "lsp_frame_too_large");
 * const late = new LspUnavailableError("lsp_request_timeout", "READY", "slow");
 * equal(reasonOfUnavailable(late, { state: "READY", failReason: undefined }), "lsp_request_timeout");
 * ```
 */
export function reasonOfUnavailable(
  err: LspUnavailableError,
  client: { state: LspState; failReason: string | undefined },
): FallbackReason {
  return err.reason === "lsp_error"
    ? fallbackReasonOf(client.state, client.failReason)
    : err.reason;
}

/**
 * The fallback reason and a telemetry-safe detail (no message: it may hold
 * paths) for a request that failed with `err`.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { requestFailure } from "./client_state.ts";
 * import { RpcTimeoutError } from "./jsonrpc.ts";
 * deepEqual(requestFailure(new RpcTimeoutError("textDocument/hover", 50), false, 50), {
 *   reason: "lsp_request_timeout",
 *   detail: "timeout 50 ms",
 * });
 * ```
 */
export function requestFailure(
  err: unknown,
  frameTooLarge: boolean,
  timeoutMs: number,
): { reason: FallbackReason; detail: string } {
  const reason: FallbackReason = err instanceof RpcTimeoutError
    ? "lsp_request_timeout"
    : frameTooLarge
    ? "lsp_frame_too_large"
    : "lsp_error";
  const detail = err instanceof RpcResponseError
    ? `code ${err.code}`
    : err instanceof RpcClosedError
    ? "connection closed"
    : err instanceof RpcTimeoutError
    ? `timeout ${timeoutMs} ms`
    : "unexpected";
  return { reason, detail };
}
