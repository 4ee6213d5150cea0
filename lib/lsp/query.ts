/**
 * One LSP question from the CLI, end to end: the warm daemon when one runs,
 * else a one-shot server (spawned while the file's skeleton is built, asked
 * once READY, shut down after), else the AST fallback — always with a named
 * fallback reason, never silently.
 *
 * The daemon is asked only after its files passed the ownership check
 * (`daemon_untrusted` otherwise, nothing sent); a daemon this process lacks
 * the grants for gives `daemon_not_granted` with the flags to add; its
 * answer is rebuilt field by field ({@linkcode sanitizeAnswer}). The daemon
 * scans the segment for unsafe links itself (cached); the one-shot path
 * scans before it spawns a server.
 *
 * @module
 */
import type { AstCache } from "../cache/mod.ts";
import { readInside } from "../segment/boundary.ts";
import type { Segment } from "../segment/segment.ts";
import { elapsedMs, monotonicMs } from "../telemetry/clock.ts";
import type { Telemetry } from "../telemetry/telemetry.ts";
import type { LspState } from "./client_state.ts";
import { type EnvReader, type LspConfig, lspConfig, processEnv } from "./config.ts";
import { callDaemon, DaemonUnavailableError } from "./daemon_client.ts";
import { daemonPaths } from "./daemon_paths.ts";
import type { DaemonQueryResult } from "./daemon_protocol.ts";
import { knownBackends, serverLanguageOf } from "./servers.ts";
import { sanitizeAnswer, scrubText } from "./answer_guard.ts";
import {
  degradedResponse,
  errorResponse,
  type FallbackReason,
  fullResponse,
  isFallbackReason,
  type LspMethod,
  type LspResponse,
} from "./types.ts";

/** A question from the CLI. */
export interface QueryRequest {
  /** Which answer. */
  method: LspMethod;
  /** The file: real absolute and segment-relative path. */
  file: { abs: string; rel: string };
  /** 1-based line (not for diagnostics). */
  line?: number;
  /** 1-based column (not for diagnostics). */
  col?: number;
}

/** Options for {@linkcode answerQuery}. */
export interface QueryOptions {
  /** Telemetry for lsp events and counters. */
  telemetry?: Telemetry;
  /**
   * Opens the AST cache for the fallback and the warm-up skeleton; called
   * only when the AST is needed (the daemon path never loads the parser).
   */
  openCache?: () => Promise<AstCache>;
  /** Settings (default: from the environment). */
  config?: LspConfig;
  /** Environment for discovery and paths. */
  env?: EnvReader;
  /** Refuse a degraded answer (`status: error`). */
  requireLsp?: boolean;
}

/** What {@linkcode answerQuery} gives back. */
export interface QueryOutcome {
  /** The contract response. */
  response: LspResponse;
  /** Which path answered: `daemon`, `oneshot` or `none` (LSP off / no server). */
  via: "daemon" | "oneshot" | "none";
  /** Server state at the end (`NONE` when no server was involved). */
  state: LspState | "NONE";
  /** Warnings (e.g. a daemon this process may not reach). */
  warnings?: string[];
  /** With `via: "oneshot"` and an answer: measured ms from the server's spawn to READY. */
  serverStartMs?: number;
}

export { serverLanguageOf };

/** Options for {@linkcode fallbackAnswer}. */
export interface FallbackOptions extends QueryOptions {
  /** Why the language server did not answer. */
  reason: FallbackReason;
  /** Which path was tried. */
  via: QueryOutcome["via"];
  /** Server state when it gave up (`NONE` when no server was involved). */
  state: QueryOutcome["state"];
  /** Counts, flags or how to fix, appended to the message and the note. */
  detail?: string;
}

/**
 * The answer when the language server cannot give one: records
 * `lsp.fallback` (and `lsp_fallback_count`), then answers from the AST with
 * the reason named (`DEGRADED`), or, with `requireLsp`, refuses
 * (`status: error`, `UNAVAILABLE`). Shared by the CLI's one-shot path and
 * the MCP server's warm client.
 */
export async function fallbackAnswer(
  segment: Segment,
  request: QueryRequest & { file: { abs: string; rel: string; text: string } },
  options: FallbackOptions,
): Promise<QueryOutcome> {
  const { reason, via, state } = options;
  const t = options.telemetry;
  t?.incr("lsp_fallback_count", 1);
  t?.event("lsp.fallback", {
    args: { method: request.method, file: request.file.rel },
    result: {
      status: options.requireLsp ? "error" : "degraded",
      reason,
    },
    timingMs: 1,
    extra: { lsp_state: state, fallback_to: options.requireLsp ? "none" : "ast", via },
  });
  if (options.requireLsp) {
    return { response: errorResponse(reason, options.detail), via, state };
  }
  const { astAnswer } = await import("./fallback_ast.ts");
  const raw = await astAnswer(segment, request, {
    cache: await options.openCache?.(),
    telemetry: options.telemetry,
  });
  // The same rules as a server's answer: masked text, checked paths and positions.
  const data = sanitizeAnswer(segment.root, raw, {
    file: request.file.rel,
    line: raw.line,
    col: raw.col,
  });
  // The detail (how to fix) goes into the note too: MCP clients show notes.
  if (options.detail) data.note = data.note ? `${options.detail} ${data.note}` : options.detail;
  return { response: degradedResponse(reason, data, options.detail), via, state };
}

/** Answer one question (see the module doc). */
export async function answerQuery(
  segment: Segment,
  request: QueryRequest,
  options: QueryOptions = {},
): Promise<QueryOutcome> {
  const config = options.config ?? lspConfig(options.env);
  const env = options.env ?? processEnv;
  const language = serverLanguageOf(request.file.rel);
  // Read only when needed (the daemon path does not): raw text, since it
  // goes to a local server (whose answers are scrubbed) and the fallback
  // only takes the identifier under the cursor from it.
  let file: (QueryRequest["file"] & { text: string }) | undefined;
  const withText = async () =>
    file ??= {
      ...request.file,
      text: (await readInside(segment, request.file.abs, { unmaskedForLocalServer: true })).text,
    };

  const fallback = async (
    reason: FallbackReason,
    via: QueryOutcome["via"],
    state: QueryOutcome["state"],
    detail?: string,
  ): Promise<QueryOutcome> =>
    fallbackAnswer(segment, { ...request, file: await withText() }, {
      ...options,
      reason,
      via,
      state,
      detail,
    });

  if (!config.enabled) return fallback("lsp_disabled", "none", "NONE");
  if (!language) return fallback("lsp_binary_not_found", "none", "NONE");

  if (config.useDaemon) {
    const viaDaemon = await askDaemon(segment, request, config, env, options.telemetry);
    if (viaDaemon.kind === "answer") {
      const r = viaDaemon.result;
      const backend = knownBackends().has(r.backend) ? r.backend : "lsp_custom";
      const data = sanitizeAnswer(segment.root, r.answer, {
        file: request.file.rel,
        line: request.line,
        col: request.col,
      });
      return { response: fullResponse(backend, data), via: "daemon", state: viaDaemon.state };
    }
    if (viaDaemon.kind === "fallback") {
      return fallback(viaDaemon.reason, "daemon", viaDaemon.state, viaDaemon.detail);
    }
  }
  // A server reads imports, stubs and its config itself: it is not asked
  // while the segment holds what the read boundary refuses.
  const { guardVerdict, scanSegmentGuard } = await import("./segment_guard.ts");
  const verdict = guardVerdict(scanSegmentGuard(segment));
  if (verdict) return fallback(verdict.reason, "none", "NONE", verdict.detail);

  // Loaded only now: the daemon path above never needs the client or the AST.
  const { askOneShot } = await import("./oneshot.ts");
  const oneShot = await askOneShot(segment, { ...request, file: await withText() }, {
    language,
    config,
    env,
    telemetry: options.telemetry,
    openCache: options.openCache,
  });
  if (oneShot.kind === "answer") {
    const { response, state, startMs } = oneShot;
    return { response, via: "oneshot", state, serverStartMs: startMs };
  }
  return await fallback(oneShot.reason, oneShot.via, oneShot.state, oneShot.detail);
}

type DaemonOutcome =
  | { kind: "answer"; result: DaemonQueryResult; state: LspState }
  | { kind: "fallback"; reason: FallbackReason; state: LspState | "NONE"; detail?: string }
  | { kind: "absent" };

const KNOWN_STATES = new Set(["COLD", "WARMING", "READY", "FAILED", "CLOSED"]);

async function askDaemon(
  segment: Segment,
  request: QueryRequest,
  config: LspConfig,
  env: EnvReader,
  telemetry: Telemetry | undefined,
): Promise<DaemonOutcome> {
  const paths = daemonPaths(segment.root, env);
  const began = monotonicMs();
  try {
    const res = await callDaemon(paths, {
      id: 1,
      method: "query",
      params: {
        method: request.method,
        file: request.file.rel,
        line: request.line,
        col: request.col,
        wait_ready_ms: config.readyTimeoutMs,
      },
    }, {
      timeoutMs: config.readyTimeoutMs + config.requestTimeoutMs + 5000,
      root: segment.root,
    });
    if (!res.ok) {
      telemetry?.event("lsp.daemon_status", {
        args: { op: "query" },
        result: {
          status: "error",
          error_code: typeof res.error?.code === "string" ? res.error.code.slice(0, 64) : "unknown",
        },
        timingMs: elapsedMs(began),
      });
      return { kind: "fallback", reason: "daemon_unavailable", state: "NONE" };
    }
    const result = (res.result ?? {}) as Partial<DaemonQueryResult>;
    const state = KNOWN_STATES.has(result.state as string) ? result.state as LspState : "NONE";
    if (result.answer && typeof result.answer === "object") {
      return {
        kind: "answer",
        result: result as DaemonQueryResult,
        state: state === "NONE" ? "READY" : state,
      };
    }
    const reason = isFallbackReason(result.fallback_reason) ? result.fallback_reason : "lsp_error";
    const detail = typeof result.fallback_detail === "string"
      ? scrubText(segment.root, result.fallback_detail).slice(0, 1000)
      : undefined;
    return { kind: "fallback", reason, state, detail };
  } catch (err) {
    if (err instanceof DaemonUnavailableError) {
      if (err.notRunning) return { kind: "absent" };
      const reason: FallbackReason = err.untrusted
        ? "daemon_untrusted"
        : err.noPermission
        ? "daemon_not_granted"
        : "daemon_unavailable";
      telemetry?.event("lsp.daemon_status", {
        args: { op: "query" },
        result: {
          status: err.untrusted ? "untrusted" : err.noPermission ? "not_granted" : "unavailable",
          error: err.stalled ? "stalled" : err.untrusted || err.noPermission ? reason : "broken",
        },
        timingMs: elapsedMs(began),
      });
      return { kind: "fallback", reason, state: "NONE", detail: err.detail };
    }
    throw err;
  }
}
