/**
 * `tools/call`: check the request, run the tool, shape its result, record
 * the call. What the MCP spec (2025-11-25, the version the SDK speaks)
 * asks, and trifecta does:
 *
 * - a request the server cannot route — no `name`, `params` or `arguments`
 *   not objects, an unknown tool — is a JSON-RPC error `-32602` (Invalid
 *   params) with a one-line message naming the field and what was expected;
 * - arguments that do not match the tool's input schema are a tool error
 *   (`isError: true`, code `USAGE_ERROR`, the CLI's code for a bad option),
 *   so the model can read it and correct itself, as the spec asks for
 *   input validation errors.
 *
 * Calls run concurrently: the SDK does not wait for one answer before the
 * next request is read, and tools keep their long work off the main thread
 * (parse workers) or yield, so a cheap call is answered while a long one runs.
 *
 * @module
 */
import { ErrorCode, type JSONRPCRequest, McpError } from "@modelcontextprotocol/sdk/types.js";
import { UsageError } from "../errors.ts";
import { elapsedMs, monotonicMs, type Telemetry } from "../telemetry/mod.ts";
import { withRequestTrace } from "../telemetry/otel_scope.ts";
import { estimateTokens } from "../text.ts";
import { errorResult, errorScope, okResult, type ToolResult } from "./result.ts";
import type { McpState } from "./state.ts";
import { createToolCall, type ProgressNotification, type ToolCall } from "./tool_call.ts";
import type { ToolSpec } from "./tools/define.ts";

const encoder = new TextEncoder();

/** A `tools/call` request checked: the tool, its raw arguments, the progress token. */
export interface RoutedCall {
  /** The tool. */
  spec: ToolSpec;
  /** Its arguments, not validated yet. */
  args: Record<string, unknown>;
  /** `params._meta.progressToken`, if any. */
  progressToken?: string | number;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function invalidParams(message: string, data?: Record<string, unknown>): McpError {
  return new McpError(ErrorCode.InvalidParams, message, data);
}

/** Names shown in an unknown-tool message: enough to pick from, never long. */
function toolList(tools: ReadonlyMap<string, ToolSpec>): string {
  return [...tools.keys()].join(", ");
}

/**
 * The tool and arguments of a `tools/call` request's `params`, or a
 * `-32602` {@linkcode McpError} with a short message.
 *
 * @example
 * ```ts
 * import { equal, throws } from "node:assert/strict";
 * import { routeCall } from "./dispatch.ts";
 * import { TOOLS } from "./tools/mod.ts";
 * const tools = new Map(TOOLS.map((t) => [t.name, t]));
 * equal(routeCall({ name: "skeleton", arguments: { path: "." } }, tools).spec.name, "skeleton");
 * throws(() => routeCall({ arguments: {} }, tools), /Invalid params: 'name' .*required/);
 * throws(() => routeCall({ name: "nope" }, tools), /unknown tool 'nope'/);
 * ```
 */
export function routeCall(params: unknown, tools: ReadonlyMap<string, ToolSpec>): RoutedCall {
  if (!isObject(params)) {
    throw invalidParams("Invalid params: 'params' must be an object with 'name' and 'arguments'");
  }
  const name = params.name;
  if (typeof name !== "string" || name === "") {
    throw invalidParams(
      "Invalid params: 'name' (a non-empty string, the tool to call) is required",
      { field: "name" },
    );
  }
  const spec = tools.get(name);
  if (!spec) {
    const shown = name.length > 64 ? `${name.slice(0, 64)}…` : name;
    throw invalidParams(
      `Invalid params: unknown tool '${shown}'; tools: ${toolList(tools)}`,
      { field: "name", tools: [...tools.keys()] },
    );
  }
  const args = params.arguments ?? {};
  if (!isObject(args)) {
    throw invalidParams("Invalid params: 'arguments' must be an object", { field: "arguments" });
  }
  const meta = params._meta;
  const token = isObject(meta) ? meta.progressToken : undefined;
  const progressToken = typeof token === "string" || typeof token === "number" ? token : undefined;
  return { spec, args, progressToken };
}

/** One zod issue, short: `path: message` (e.g. `budget_tokens: Expected number, received string`). */
function zodIssues(error: { issues: { path: (string | number)[]; message: string }[] }): string {
  return error.issues.slice(0, 5).map((i) =>
    `${i.path.length ? i.path.join(".") : "(arguments)"}: ${i.message}`
  ).join("; ");
}

/** What one call gave: the result and its event fields. */
interface CallOutcome {
  result: ToolResult;
  args?: Record<string, unknown>;
  extra?: Record<string, unknown>;
}

/** Run one routed call: validate the arguments, run, shape the result or the error. */
async function runCall(state: McpState, routed: RoutedCall, call: ToolCall): Promise<CallOutcome> {
  const { spec } = routed;
  // The scope is built on the error path only: it reads PATH and the runtime directory.
  const fail = (err: unknown): CallOutcome => ({
    result: errorResult(err, errorScope(state.segment)),
  });
  const parsed = spec.input.safeParse(routed.args);
  if (!parsed.success) {
    return fail(
      new UsageError(`Invalid arguments for ${spec.name}: ${zodIssues(parsed.error)}`, {
        nextSteps: ["See the tool's input schema in tools/list"],
      }),
    );
  }
  try {
    const out = await spec.run(state, parsed.data, call);
    return {
      result: okResult(out.text, out.structured),
      args: out.eventArgs,
      extra: out.eventResult,
    };
  } catch (err) {
    return fail(err);
  }
}

function record(telemetry: Telemetry, name: string, outcome: CallOutcome, ms: number): void {
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

/** A refused call in telemetry: `mcp.unknown_tool`, or `mcp.request_rejected` for the rest. */
function recordRefused(telemetry: Telemetry, params: unknown, err: McpError): void {
  const unknown = isObject(params) && typeof params.name === "string" && params.name !== "";
  telemetry.event(unknown ? "mcp.unknown_tool" : "mcp.request_rejected", {
    args: {},
    result: {
      status: "error",
      error_code: unknown ? "UNKNOWN_TOOL" : "INVALID_PARAMS",
      jsonrpc_code: err.code,
    },
    timingMs: 1,
  });
  telemetry.incr("mcp_error_count");
}

/** What the SDK hands a request handler that a call needs. */
export interface CallContext {
  /** Aborted on `notifications/cancelled`. */
  signal: AbortSignal;
  /** Sends a notification related to this request. */
  sendNotification: (notification: ProgressNotification) => Promise<void>;
}

/**
 * Answer one `tools/call` request: route it (or throw `-32602`), run the
 * tool with progress and cancellation, record `mcp.<tool>`.
 */
export async function handleToolCall(
  state: McpState,
  request: Pick<JSONRPCRequest, "params">,
  context: CallContext & { tools: ReadonlyMap<string, ToolSpec>; log: (line: string) => void },
): Promise<ToolResult> {
  let routed: RoutedCall;
  try {
    routed = routeCall(request.params, context.tools);
  } catch (err) {
    if (err instanceof McpError) recordRefused(state.telemetry, request.params, err);
    throw err;
  }
  const call = createToolCall(context.signal, {
    progressToken: routed.progressToken,
    send: (n) => {
      context.sendNotification(n).catch((err: unknown) =>
        context.log(`progress notification not sent: ${err}`)
      );
    },
  });
  const name = routed.spec.name;
  // One trace per call (docs/telemetry_otel.md); just the call when the export is off.
  const outcome = await withRequestTrace(state.telemetry, `mcp.${name}`, async () => {
    const began = monotonicMs();
    const out = await runCall(state, routed, call);
    record(state.telemetry, name, out, elapsedMs(began));
    return out;
  });
  return outcome.result;
}
