/**
 * Tool results: success with text and structured content, and errors as
 * MCP tool errors (`isError`) built by the error contract
 * (`lib/contract/errors.ts`): the same code, message and redaction as the
 * CLI's, the error card as text, the error object as structured content,
 * next steps naming the tools' arguments.
 *
 * @module
 */
import { escapeTerminal } from "../escape.ts";
import { maskSecrets } from "../secrets.ts";
import type { Segment } from "../segment/mod.ts";
import { errorCard, errorObject } from "../contract/errors.ts";
import { type PathScope, pathScope } from "../contract/error_paths.ts";

/** A `tools/call` result. */
export interface ToolResult {
  /** Text content for the agent. */
  content: { type: "text"; text: string }[];
  /** Structured content. */
  structuredContent: Record<string, unknown>;
  /** True for a tool error. */
  isError?: boolean;
  /** Index signature required by the SDK's result type. */
  [key: string]: unknown;
}

/**
 * A successful result: the compact text, and the structure in
 * `structuredContent` (with `status: "ok"`, which every output schema
 * requires, when the tool left it out).
 */
export function okResult(text: string, structured: Record<string, unknown>): ToolResult {
  // Text an agent may show raw: no terminal controls from repository names or code.
  return {
    content: [{ type: "text", text: escapeTerminal(text) }],
    structuredContent: { status: "ok", ...structured },
  };
}

/**
 * What a tool error may name in full: the segment, Deno, the daemon's
 * runtime directory and the `PATH` directories; secrets are masked.
 */
export function errorScope(segment: Segment | undefined): PathScope {
  return { ...pathScope([], segment?.root), maskSecrets: (t) => maskSecrets(t).text };
}

/**
 * An MCP tool error for anything thrown: the error card as text, the
 * error object as structured content (see the module doc).
 *
 * @example
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { TrifectaError } from "../errors.ts";
 * import { errorResult, errorScope } from "./result.ts";
 * const r = errorResult(
 *   new TrifectaError("BUDGET_EXCEEDED", "Over budget", {
 *     nextSteps: ["Raise --budget-token-est"],
 *   }),
 *   errorScope(undefined),
 * );
 * equal(r.isError, true);
 * deepEqual(r.structuredContent.next_steps, ["Raise budget_tokens"]);
 * ```
 */
export function errorResult(err: unknown, scope: PathScope): ToolResult {
  const error = errorObject(err, { surface: "mcp", scope });
  return {
    content: [{ type: "text", text: errorCard(error) }],
    structuredContent: { ...error },
    isError: true,
  };
}
