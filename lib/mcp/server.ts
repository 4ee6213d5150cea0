/**
 * The MCP server: the SDK's low-level `Server` with trifecta's tools.
 * `tools/list` advertises each tool's JSON Schema (from zod) and its
 * annotations; `tools/call` is answered by `dispatch.ts` (which checks the
 * request itself, so a bad one gets a short `-32602`, not the SDK's zod
 * dump; bad arguments are a `USAGE_ERROR` tool error), recorded in
 * telemetry like every call, and the server keeps serving.
 * Every call is one `mcp.<tool>` event (timing, bytes and tokens returned);
 * telemetry is flushed after each call. Nothing but the transport writes to
 * stdout. The transport (`stdio_transport.ts`) bounds what a request may be
 * (size, nesting) and answers a bad line with a JSON-RPC error, never by
 * ending the session.
 *
 * @module
 */
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { toJsonSchemaCompat } from "@modelcontextprotocol/sdk/server/zod-json-schema-compat.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import {
  ErrorCode,
  type JSONRPCRequest,
  ListToolsRequestSchema,
  McpError,
  type ServerNotification,
  type ServerRequest,
  type ServerResult,
} from "@modelcontextprotocol/sdk/types.js";
import type { Segment } from "../segment/mod.ts";
import type { Telemetry } from "../telemetry/mod.ts";
import { handleToolCall } from "./dispatch.ts";
import { type McpBudgets, McpState } from "./state.ts";
import { type SessionWatch, type SessionWatchOptions, startSessionWatch } from "./session_watch.ts";
import { LiveSession, type StateLease } from "./live_session.ts";
import { LiveConfig } from "../config/live.ts";
import { TOOLS } from "./tools/mod.ts";
import { BoundedStdioTransport, type RejectedRequest } from "./stdio_transport.ts";
import type { LspConfig } from "../lsp/mod.ts";

/** How long the server waits at stdin EOF for answers still being computed (ms). */
const IDLE_WAIT_MS = 10_000;

/** Name the server reports in `initialize`. */
export const SERVER_NAME = "trifecta";

/** Options for {@linkcode createMcpServer}. */
export interface CreateServerOptions {
  /** Version reported in `initialize`. */
  version: string;
  /** Where logs go (default: stderr). */
  log?: (line: string) => void;
  /** Called when a `tools/call` handler ends, answered or not (the transport frees its slot). */
  onSettled?: (requestId: string | number) => void;
}

const encoder = new TextEncoder();

function stderrLog(line: string): void {
  Deno.stderr.writeSync(encoder.encode(`trifecta mcp: ${line}\n`));
}

/**
 * Build the server for a session state (not connected). Each `tools/call`
 * records `mcp.<tool>` and flushes telemetry once the result is sent. With
 * a {@linkcode LiveSession}, each call first checks the configuration and
 * runs on the state in force (lib/mcp/live_session.ts).
 */
export function createMcpServer(
  state: McpState | LiveSession,
  options: CreateServerOptions,
): Server {
  const log = options.log ?? stderrLog;
  const acquire = state instanceof LiveSession
    ? () => state.acquire()
    : () => Promise.resolve<StateLease>({ state, release: () => {} });
  const server = new Server({ name: SERVER_NAME, version: options.version }, {
    capabilities: { tools: {} },
    instructions:
      "trifecta answers 'what is in this repository and where' cheaply. Start with `map` " +
      "(the most referenced definitions, ranked, optionally around `focus` files) or " +
      "`skeleton` (outline under a token budget); `find_symbol` when you know a name but not " +
      "where it is defined; then `symbol` (sym:// URI → range) and `snippet` in mode " +
      "skeleton → excerpt → raw. `find_references` lists who uses a symbol, grouped by the " +
      "referencing symbol; `definition`/`references`/`hover`/`diagnostics` ask a warm " +
      "language server. " +
      "`search` + `get` read the context pack. Answers stay within `budget_tokens`; a cut " +
      "answer has `next_cursor`: call again with it as `cursor` for the next page.",
  });
  const byName = new Map(TOOLS.map((t) => [t.name, t]));
  const tools = TOOLS.map((t) => ({
    name: t.name,
    title: t.title,
    description: t.description,
    inputSchema: toJsonSchemaCompat(t.input, { strictUnions: true, pipeStrategy: "input" }),
    outputSchema: toJsonSchemaCompat(t.output, { strictUnions: true, pipeStrategy: "output" }),
    annotations: t.annotations,
  }));
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools }) as never);
  // Not `setRequestHandler(CallToolRequestSchema)`: the SDK would parse the
  // request first and answer a bad one with a zod dump (-32603 or -32602).
  server.fallbackRequestHandler = (
    request: JSONRPCRequest,
    extra: RequestHandlerExtra<ServerRequest, ServerNotification>,
  ): Promise<ServerResult> => {
    if (request.method !== "tools/call") {
      throw new McpError(ErrorCode.MethodNotFound, `Method not found: ${request.method}`);
    }
    const answered = acquire().then((lease) =>
      handleToolCall(lease.state, request, {
        signal: extra.signal,
        sendNotification: (n) => extra.sendNotification(n),
        tools: byName,
        log,
      }).finally(() => {
        lease.release();
        // Flush once the answer is on its way; the chain keeps flushes in order.
        setTimeout(() => {
          lease.state.telemetry.flush().catch((err: unknown) =>
            log(`telemetry flush failed: ${err}`)
          );
        }, 0);
      })
    );
    // Whatever the outcome: a cancelled call's slot in the transport is freed here.
    return answered.finally(() => options.onSettled?.(extra.requestId));
  };
  return server;
}

/** Options for {@linkcode serveStdio}. */
export interface ServeStdioOptions {
  /** Telemetry of the session. */
  telemetry: Telemetry;
  /** Use the persistent SQLite AST cache. */
  persistCache?: boolean;
  /** Version reported in `initialize`. */
  version: string;
  /** Default budgets from the configuration (see `McpBudgets`). */
  budgets?: McpBudgets;
  /** The telemetry directory in force (`telemetry.dir` of the configuration). */
  telemetryDir?: string;
  /** Language-server settings (default: from the environment). */
  lspConfig?: LspConfig;
  /** Watch the segment for file changes (default true; lib/mcp/session_watch.ts). */
  watch?: boolean;
  /**
   * Re-read the config files before each call and rebuild the state when
   * the `deny`/`ignore` globs or the budgets changed (default true;
   * lib/mcp/live_session.ts).
   */
  reloadConfig?: boolean;
}

/** How a session ended. */
export interface ServeEnd {
  /** `stdin_eof`, `transport_closed`, `SIGTERM` or `SIGINT`. */
  reason: string;
  /** Tool calls served. */
  calls: number;
}

/**
 * Serve MCP over stdin/stdout until stdin ends, the transport closes, or
 * SIGTERM/SIGINT arrives; then shut the language servers down and flush
 * telemetry. Resolves when everything is closed.
 */
export async function serveStdio(segment: Segment, options: ServeStdioOptions): Promise<ServeEnd> {
  let watch: SessionWatch | undefined;
  const session = await openSession(segment, options, (fresh) => {
    // The old watcher saw the old globs: a new one scans under the new ones.
    const old = watch;
    watch = startSessionWatch(fresh, watchOptionsOf(session, options));
    old?.close().catch((err: unknown) => stderrLog(`watch: closing the old watcher: ${err}`));
    fresh.warmUp().catch((err: unknown) => stderrLog(`language server warm-up failed: ${err}`));
  });
  const server = createMcpServer(session, {
    version: options.version,
    onSettled: (id) => transport.settled(id),
  });
  const transport = new BoundedStdioTransport({
    onRejected: (r: RejectedRequest) => {
      stderrLog(`request refused (${r.reason}, ${r.bytes} bytes): JSON-RPC error ${r.code} sent`);
      options.telemetry.event("mcp.request_rejected", {
        args: { bytes: r.bytes },
        result: {
          status: "error",
          error_code: r.reason.toUpperCase(),
          jsonrpc_code: r.code,
        },
        timingMs: 1,
      });
      options.telemetry.incr("mcp_request_rejected_count");
    },
  });
  let finish: (reason: string) => void = () => {};
  const ended = new Promise<string>((resolve) => (finish = resolve));
  const onSignal = (sig: "SIGTERM" | "SIGINT") => () => finish(sig);
  const signals = (["SIGTERM", "SIGINT"] as const).map((s) => {
    const fn = onSignal(s);
    Deno.addSignalListener(s, fn);
    return [s, fn] as const;
  });
  transport.onclose = () => finish("transport_closed");
  transport.onInputEnd = () => finish("stdin_eof");
  server.oninitialized = () => {
    options.telemetry.event("mcp.session", {
      args: { client: server.getClientVersion()?.name ?? null },
      result: {
        status: "ok",
      },
      timingMs: 1,
    });
  };
  await server.connect(transport);
  const state = session.current;
  state.warmUp().catch((err: unknown) => stderrLog(`language server warm-up failed: ${err}`));
  // A call during `connect` may have rebuilt the state already (and started its watcher).
  watch ??= startSessionWatch(state, watchOptionsOf(session, options));
  const reason = await ended;
  // Requests read before EOF still get their answers (bounded wait).
  if (reason === "stdin_eof") await transport.idle(IDLE_WAIT_MS);
  for (const [s, fn] of signals) Deno.removeSignalListener(s, fn);
  const calls = options.telemetry.metrics().mcp_call_count ?? 0;
  await watch?.close();
  await session.close();
  await server.close();
  await options.telemetry.flush();
  return { reason, calls };
}

/** The session's states, with the configuration re-read per call unless `reloadConfig` is false. */
async function openSession(
  segment: Segment,
  options: ServeStdioOptions,
  onSwap: (state: McpState) => void,
): Promise<LiveSession> {
  const live = options.reloadConfig === false ? undefined : await LiveConfig.open(segment, {
    warn: (n) => stderrLog(`config: ${n.code}: ${n.message}`),
  });
  return LiveSession.open(segment, {
    telemetry: options.telemetry,
    persistCache: options.persistCache,
    lspConfig: options.lspConfig,
    budgets: options.budgets,
    telemetryDir: options.telemetryDir,
  }, { live, log: stderrLog, onSwap });
}

function watchOptionsOf(session: LiveSession, options: ServeStdioOptions): SessionWatchOptions {
  return { enabled: options.watch, log: stderrLog, acquire: () => session.acquire() };
}
