/**
 * One LSP question from the CLI, end to end: the warm daemon when one runs,
 * else a one-shot server (spawned while the file's skeleton is built, asked
 * once READY, shut down after), else the AST fallback — always with a named
 * fallback reason, never silently.
 *
 * @module
 */
import type { AstCache } from "../cache/mod.ts";
import { readSource } from "../segment/read.ts";
import type { Segment } from "../segment/segment.ts";
import { elapsedMs, monotonicMs } from "../telemetry/clock.ts";
import type { Telemetry } from "../telemetry/telemetry.ts";
import type { LspState } from "./client.ts";
import { type EnvReader, type LspConfig, lspConfig, processEnv } from "./config.ts";
import { callDaemon, DaemonUnavailableError } from "./daemon_client.ts";
import { daemonPaths } from "./daemon_paths.ts";
import type { DaemonQueryResult } from "./daemon_protocol.ts";
import type { ServerLanguage } from "./discovery.ts";
import {
  degradedResponse,
  errorResponse,
  type FallbackReason,
  fullResponse,
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
}

/** Language server family of a file by its extension, if any. */
export function serverLanguageOf(rel: string): ServerLanguage | undefined {
  if (/\.pyi?$/.test(rel)) return "python";
  if (/\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/.test(rel)) return "typescript";
  return undefined;
}

/** Options for {@linkcode fallbackAnswer}. */
export interface FallbackOptions extends QueryOptions {
  /** Why the language server did not answer. */
  reason: FallbackReason;
  /** Which path was tried. */
  via: QueryOutcome["via"];
  /** Server state when it gave up (`NONE` when no server was involved). */
  state: QueryOutcome["state"];
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
  t?.event(
    "lsp.fallback",
    { method: request.method, file: request.file.rel },
    {
      status: options.requireLsp ? "error" : "degraded",
      reason,
    },
    1,
    { extra: { lsp_state: state, fallback_to: options.requireLsp ? "none" : "ast", via } },
  );
  if (options.requireLsp) return { response: errorResponse(reason), via, state };
  const { astAnswer } = await import("./fallback_ast.ts");
  const data = await astAnswer(segment, request, {
    cache: await options.openCache?.(),
    telemetry: options.telemetry,
  });
  return { response: degradedResponse(reason, data), via, state };
}

/** Answer one question (see the module doc). */
export async function answerQuery(
  segment: Segment,
  request: QueryRequest,
  options: QueryOptions = {},
): Promise<QueryOutcome> {
  const config = options.config ?? lspConfig(options.env);
  const env = options.env ?? processEnv;
  const { text } = await readSource(request.file.abs);
  const file = { ...request.file, text };
  const language = serverLanguageOf(file.rel);

  const fallback = (
    reason: FallbackReason,
    via: QueryOutcome["via"],
    state: QueryOutcome["state"],
  ): Promise<QueryOutcome> =>
    fallbackAnswer(segment, { ...request, file }, { ...options, reason, via, state });

  if (!config.enabled) return fallback("lsp_disabled", "none", "NONE");
  if (!language) return fallback("lsp_binary_not_found", "none", "NONE");

  const warnings: string[] = [];
  if (config.useDaemon && language === "python") {
    const viaDaemon = await askDaemon(segment, request, config, env, options.telemetry);
    if (viaDaemon.kind === "answer") {
      return {
        response: fullResponse(viaDaemon.result.backend, viaDaemon.result.answer!),
        via: "daemon",
        state: viaDaemon.result.state,
      };
    }
    if (viaDaemon.kind === "fallback") {
      return fallback(viaDaemon.reason, "daemon", viaDaemon.state);
    }
    if (viaDaemon.warning && (await daemonLockHeld(segment, env))) warnings.push(viaDaemon.warning);
  }
  const withWarnings = (o: QueryOutcome): QueryOutcome =>
    warnings.length > 0 ? { ...o, warnings } : o;

  // Loaded only now: the daemon path above never needs the client or the AST.
  const { askOneShot } = await import("./oneshot.ts");
  const oneShot = await askOneShot(segment, { ...request, file }, {
    language,
    config,
    env,
    telemetry: options.telemetry,
    openCache: options.openCache,
  });
  if (oneShot.kind === "answer") {
    return withWarnings({ response: oneShot.response, via: "oneshot", state: oneShot.state });
  }
  return withWarnings(await fallback(oneShot.reason, oneShot.via, oneShot.state));
}

type DaemonOutcome =
  | { kind: "answer"; result: DaemonQueryResult }
  | { kind: "fallback"; reason: FallbackReason; state: LspState | "NONE" }
  | { kind: "absent"; warning?: string };

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
    }, { timeoutMs: config.readyTimeoutMs + config.requestTimeoutMs + 5000 });
    if (!res.ok) {
      telemetry?.event("lsp.daemon_status", { op: "query" }, {
        status: "error",
        error_code: res.error?.code ?? "unknown",
      }, elapsedMs(began));
      return { kind: "fallback", reason: "daemon_unavailable", state: "NONE" };
    }
    const result = res.result as DaemonQueryResult;
    if (result.answer) return { kind: "answer", result };
    return { kind: "fallback", reason: result.fallback_reason ?? "lsp_error", state: result.state };
  } catch (err) {
    if (err instanceof DaemonUnavailableError) {
      if (err.notRunning) return { kind: "absent" };
      if (err.noPermission) {
        // A daemon may run, but Deno needs --allow-net=unix:<socket> to reach it: go one-shot.
        return { kind: "absent", warning: "daemon_unreachable_without_net_permission" };
      }
      telemetry?.event("lsp.daemon_status", { op: "query" }, {
        status: "unavailable",
        error: err.message,
      }, elapsedMs(began));
      return { kind: "fallback", reason: "daemon_unavailable", state: "NONE" };
    }
    throw err;
  }
}

async function daemonLockHeld(segment: Segment, env: EnvReader): Promise<boolean> {
  const { daemonStatus } = await import("./daemon_control.ts");
  try {
    return (await daemonStatus(segment, { env })).running;
  } catch (err) {
    // Without read access to the runtime directory this process cannot see a
    // daemon at all: it answers one-shot, as when none runs.
    if (err instanceof Deno.errors.NotCapable) return false;
    throw err;
  }
}
