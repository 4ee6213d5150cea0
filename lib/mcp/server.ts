/**
 * The MCP server: the SDK's low-level `Server` with trifecta's tools.
 * `tools/list` advertises each tool's JSON Schema (from zod);
 * `tools/call` validates the arguments itself, so a bad call becomes a tool
 * error with code `USAGE_ERROR`, the CLI's code for a bad option (and an
 * unknown tool `UNKNOWN_TOOL`),
 * recorded in telemetry like every call, and the server keeps serving.
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
import {
  type CallToolRequest,
  CallToolRequestSchema,
  ListToolsRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { TrifectaError, UsageError } from "../errors.ts";
import type { Segment } from "../segment/mod.ts";
import { elapsedMs, monotonicMs, type Telemetry } from "../telemetry/mod.ts";
import { withRequestTrace } from "../telemetry/otel_scope.ts";
import { estimateTokens } from "../text.ts";
import { errorResult, errorScope, okResult, type ToolResult } from "./result.ts";
import { McpState } from "./state.ts";
import { TOOLS, type ToolSpec } from "./tools/mod.ts";
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
}

const encoder = new TextEncoder();

function stderrLog(line: string): void {
  Deno.stderr.writeSync(encoder.encode(`trifecta mcp: ${line}\n`));
}

function zodIssues(error: { issues: { path: (string | number)[]; message: string }[] }): string {
  return error.issues.map((i) =>
    `${i.path.length ? i.path.join(".") : "(arguments)"}: ${i.message}`
  )
    .join("; ");
}

/** What one call gave: the result and its event fields. */
interface CallOutcome {
  result: ToolResult;
  args?: Record<string, unknown>;
  extra?: Record<string, unknown>;
}

/** Run one call: validate, run, shape the result or the error. */
async function callTool(
  state: McpState,
  spec: ToolSpec | undefined,
  call: { name: string; args: unknown },
): Promise<CallOutcome> {
  // The scope is built on the error path only: it reads PATH and the runtime directory.
  const fail = (err: unknown): CallOutcome => ({
    result: errorResult(err, errorScope(state.segment)),
  });
  if (!spec) {
    return fail(
      new TrifectaError("UNKNOWN_TOOL", `No tool named '${call.name}'`, {
        nextSteps: [`Tools: ${TOOLS.map((t) => t.name).join(", ")}`],
      }),
    );
  }
  const parsed = spec.input.safeParse(call.args ?? {});
  if (!parsed.success) {
    // The CLI's code for a bad option or value: one code per fault on both surfaces.
    return fail(
      new UsageError(`Invalid arguments for ${spec.name}: ${zodIssues(parsed.error)}`, {
        nextSteps: ["See the tool's input schema in tools/list"],
      }),
    );
  }
  try {
    const out = await spec.run(state, parsed.data);
    return {
      result: okResult(out.text, out.structured),
      args: out.eventArgs,
      extra: out.eventResult,
    };
  } catch (err) {
    return fail(err);
  }
}

function record(
  telemetry: Telemetry,
  name: string,
  outcome: CallOutcome,
  ms: number,
): void {
  const text = outcome.result.content.map((c) => c.text).join("");
  const body = JSON.stringify(outcome.result);
  const structured = outcome.result.structuredContent;
  const result: Record<string, unknown> = {
    status: outcome.result.isError ? "error" : "ok",
    bytes: encoder.encode(body).length,
    tokens: estimateTokens(text),
    ...outcome.extra,
  };
  if (outcome.result.isError) result.error_code = structured.error_code;
  telemetry.event(`mcp.${name}`, { args: outcome.args ?? {}, result, timingMs: ms });
  telemetry.incr("mcp_call_count");
  if (outcome.result.isError) telemetry.incr("mcp_error_count");
}

/**
 * Build the server for a session state (not connected). Each `tools/call`
 * records `mcp.<tool>` and flushes telemetry once the result is sent.
 */
export function createMcpServer(state: McpState, options: CreateServerOptions): Server {
  const log = options.log ?? stderrLog;
  const server = new Server({ name: SERVER_NAME, version: options.version }, {
    capabilities: { tools: {} },
    instructions:
      "trifecta answers 'what is in this repository and where' cheaply. Start with `map` " +
      "(the most referenced definitions, ranked, optionally around `focus` files) or " +
      "`skeleton` (outline under a token budget); `find_symbol` when you know a name but not " +
      "where it is defined; then `symbol` (sym:// URI → range) and `snippet` in mode " +
      "skeleton → excerpt → raw. `find_references` lists who uses a symbol, grouped by the " +
      "referencing symbol; `definition`/`references`/`hover` ask a warm language server. " +
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
    annotations: { readOnlyHint: t.name !== "search" && t.name !== "get", openWorldHint: false },
  }));
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools }) as never);
  server.setRequestHandler(CallToolRequestSchema, async (request: CallToolRequest) => {
    const name = request.params.name;
    const spec = byName.get(name);
    const tool = spec ? name : "unknown_tool";
    // One trace per call (docs/telemetry_otel.md); just the call when the export is off.
    const outcome = await withRequestTrace(state.telemetry, `mcp.${tool}`, async () => {
      const began = monotonicMs();
      const out = await callTool(state, spec, { name, args: request.params.arguments });
      record(state.telemetry, tool, out, elapsedMs(began));
      return out;
    });
    // Flush once the answer is on its way; the chain keeps flushes in order.
    setTimeout(() => {
      state.telemetry.flush().catch((err: unknown) => log(`telemetry flush failed: ${err}`));
    }, 0);
    return outcome.result;
  });
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
  /** Language-server settings (default: from the environment). */
  lspConfig?: LspConfig;
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
  const state = McpState.open(segment, {
    telemetry: options.telemetry,
    persistCache: options.persistCache,
    lspConfig: options.lspConfig,
  });
  const server = createMcpServer(state, { version: options.version });
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
  state.warmUp().catch((err: unknown) => stderrLog(`language server warm-up failed: ${err}`));
  const reason = await ended;
  // Requests read before EOF still get their answers (bounded wait).
  if (reason === "stdin_eof") await transport.idle(IDLE_WAIT_MS);
  for (const [s, fn] of signals) Deno.removeSignalListener(s, fn);
  const calls = options.telemetry.metrics().mcp_call_count ?? 0;
  await state.close();
  await server.close();
  await options.telemetry.flush();
  return { reason, calls };
}
