/**
 * Tool results: success with text and structured content, and errors as
 * MCP tool errors (`isError`) that carry trifecta's error code in both the
 * text (an error card) and the structured content.
 *
 * @module
 */
import { errorMessage, TrifectaError } from "../errors.ts";
import { escapeField, escapeTerminal } from "../escape.ts";

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

/** A successful result. */
export function okResult(text: string, structured: Record<string, unknown>): ToolResult {
  // Text an agent may show raw: no terminal controls from repository names or code.
  return { content: [{ type: "text", text: escapeTerminal(text) }], structuredContent: structured };
}

/**
 * Map any thrown value to a {@linkcode TrifectaError}: trifecta's own
 * errors keep their code; anything else is `INTERNAL_ERROR` with its
 * message (no stack trace).
 */
export function asTrifectaError(err: unknown): TrifectaError {
  if (err instanceof TrifectaError) return err;
  if (err instanceof Deno.errors.NotCapable || err instanceof Deno.errors.PermissionDenied) {
    return new TrifectaError("PERMISSION_DENIED", errorMessage(err), {
      nextSteps: ["Run the server with the permission flags in docs/mcp.md"],
    });
  }
  return new TrifectaError("INTERNAL_ERROR", errorMessage(err), {
    nextSteps: ["Report this with the tool name and arguments"],
  });
}

/** An MCP tool error for `err`, with the error card as text. */
export function errorResult(err: TrifectaError): ToolResult {
  const lines = [`TRIFECTA_ERROR_CODE: ${err.code}`, `CAUSE: ${escapeField(err.message)}`];
  if (err.nextSteps.length > 0) {
    lines.push("NEXT_STEPS:", ...err.nextSteps.map((s) => `  - ${escapeField(s)}`));
  }
  const structured: Record<string, unknown> = {
    status: "error",
    error_code: err.code,
    message: err.message,
    next_steps: err.nextSteps,
  };
  if (Object.keys(err.details).length > 0) structured.details = err.details;
  return {
    content: [{ type: "text", text: lines.join("\n") + "\n" }],
    structuredContent: structured,
    isError: true,
  };
}
