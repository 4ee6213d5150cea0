/**
 * One OTLP/HTTP JSON request, bounded: it never throws, never prompts for a
 * permission and never outlasts its signal. What happened comes back as an
 * outcome the live export counts.
 *
 * @module
 */
import { netGranted } from "./otel_config.ts";

/** How one request ended. */
export type PostOutcome =
  /** The collector answered 2xx. */
  | "ok"
  /** `--allow-net` does not cover the collector: nothing was sent. */
  | "no_grant"
  /** The bound passed before the collector answered. */
  | "timeout"
  /** No connection (nobody listening, DNS, TLS). */
  | "unreachable"
  /** The collector answered, but not 2xx. */
  | "rejected"
  /** Anything else fetch threw: counted, never passed on to the command. */
  | "error";

/** Options for {@linkcode postOtlp}. */
export interface PostOptions {
  /** `host:port` the grant must cover. */
  netHost: string;
  /** Extra headers. */
  headers: Record<string, string>;
  /** Ends the request (a timeout). */
  signal: AbortSignal;
}

function failure(err: unknown, signal: AbortSignal): PostOutcome {
  if (signal.aborted) return "timeout";
  if (err instanceof Deno.errors.NotCapable || err instanceof Deno.errors.PermissionDenied) {
    return "no_grant";
  }
  // fetch rejects with a TypeError for a refused connection, DNS or TLS failure.
  if (err instanceof TypeError) return "unreachable";
  return "error";
}

/**
 * POST `body` as JSON to `url`. Checks the net grant first (so Deno neither
 * prompts nor throws `NotCapable`), and lets `options.signal` end the wait.
 *
 * @example
 * ```ts
 * import { postOtlp } from "./otel_post.ts";
 * import { equal } from "node:assert/strict";
 * const out = await postOtlp("http://127.0.0.1:9/v1/traces", {}, {
 *   netHost: "127.0.0.1:9", headers: {}, signal: AbortSignal.timeout(1000),
 * });
 * equal(out, "unreachable"); // port 9 (discard) has no listener here
 * ```
 */
export async function postOtlp(
  url: string,
  body: unknown,
  options: PostOptions,
): Promise<PostOutcome> {
  if (!netGranted(options.netHost)) return "no_grant";
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { ...options.headers, "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: options.signal,
    });
    // The answer's body is not used; cancelling frees the connection.
    await res.body?.cancel();
    return res.ok ? "ok" : "rejected";
  } catch (err) {
    return failure(err, options.signal);
  }
}
