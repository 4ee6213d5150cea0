/**
 * What every MCP tool is made of: its spec (name, title, a description that
 * tells an agent when to use it and how to stay within a budget, zod input
 * and output schemas) and what a run hands back. One tool per file in this
 * directory; `mod.ts` lists them.
 *
 * @module
 */
import { z } from "zod";
import type { McpState } from "../state.ts";
import { quietToolCall, type ToolCall } from "../tool_call.ts";

export type { ToolCall } from "../tool_call.ts";

/** What a tool hands back: text for the agent, structured content, and event fields. */
export interface ToolOutput {
  /** Text content. */
  text: string;
  /** Structured content (matches the tool's output schema). */
  structured: Record<string, unknown>;
  /** Telemetry `args` of the `mcp.<tool>` event (redacted on write). */
  eventArgs?: Record<string, unknown>;
  /** Telemetry `result` fields of the event. */
  eventResult?: Record<string, unknown>;
}

/** One tool. */
export interface ToolSpec {
  /** Tool name. */
  name: string;
  /** Short title. */
  title: string;
  /** When to use it and how to stay within a budget. */
  description: string;
  /** Input schema. */
  input: z.ZodObject<z.ZodRawShape>;
  /** Output schema. */
  output: z.ZodObject<z.ZodRawShape>;
  /** What a tool promises: MCP `annotations` (`readOnlyHint`, `idempotentHint`, …). */
  annotations: ToolAnnotations;
  /**
   * Run it on validated arguments; `call` reports progress and carries
   * cancellation (default: a call that reports nothing, for callers outside
   * a request such as tests and benchmarks).
   */
  run: (state: McpState, args: Record<string, unknown>, call?: ToolCall) => Promise<ToolOutput>;
}

/**
 * MCP tool annotations. `readOnlyHint: true` means the tool writes nothing
 * the user owns (trifecta's own cache and pack directories are not the
 * user's data); `openWorldHint: false`: it reaches nothing outside the
 * segment; `idempotentHint`: calling it again with the same arguments has no
 * further effect.
 */
export interface ToolAnnotations {
  /** Writes nothing the user owns. */
  readOnlyHint: boolean;
  /** Talks to nothing outside the segment. */
  openWorldHint: boolean;
  /** Repeating the call has no further effect. */
  idempotentHint?: boolean;
  /** May destroy data (only meaningful when not read-only). */
  destructiveHint?: boolean;
}

/** What a tool that only reads promises (the default of {@linkcode defineTool}). */
export const READ_ONLY: ToolAnnotations = {
  readOnlyHint: true,
  openWorldHint: false,
  idempotentHint: true,
};

/** A tool as written: its input shape typed, so `run` sees typed arguments. */
export interface ToolDefinition<S extends z.ZodRawShape> {
  /** Tool name. */
  name: string;
  /** Short title. */
  title: string;
  /** When to use it and how to stay within a budget. */
  description: string;
  /** Input fields. */
  input: S;
  /** Output fields (besides `status` and the error fields). */
  output: z.ZodRawShape;
  /** Annotations (default {@linkcode READ_ONLY}). */
  annotations?: ToolAnnotations;
  /** Run it on validated arguments; `call` reports progress and carries cancellation. */
  run: (state: McpState, args: z.infer<z.ZodObject<S>>, call: ToolCall) => Promise<ToolOutput>;
}

/** Fields every output has; on an error only these are set. */
const BASE_OUTPUT = {
  status: z.enum(["ok", "error"]).describe("`ok`, or `error` with error_code"),
  error_code: z.string().optional().describe("trifecta error code when status is error"),
  message: z.string().optional(),
  next_steps: z.array(z.string()).optional(),
  details: z.object({}).passthrough().optional(),
};

function outputOf(shape: z.ZodRawShape): z.ZodObject<z.ZodRawShape> {
  const optional: z.ZodRawShape = {};
  for (const [k, v] of Object.entries(shape)) optional[k] = v.optional();
  return z.object({ ...BASE_OUTPUT, ...optional }).passthrough();
}

/**
 * A tool spec from its definition: the input is strict (an unknown
 * argument is a usage error), every output field is optional besides
 * `status` (an error sets only the error fields).
 */
export function defineTool<S extends z.ZodRawShape>(definition: ToolDefinition<S>): ToolSpec {
  const input = z.object(definition.input).strict();
  return {
    name: definition.name,
    title: definition.title,
    description: definition.description,
    input,
    output: outputOf(definition.output),
    annotations: definition.annotations ?? READ_ONLY,
    // The server parses with `input` before it calls run: the arguments have its type.
    run: (state, args, call) =>
      definition.run(state, args as z.infer<typeof input>, call ?? quietToolCall()),
  };
}

/**
 * A zod enum of a list of values (a spec's choices), without a cast.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { enumOf } from "./define.ts";
 * equal(enumOf(["skeleton", "raw"]).parse("raw"), "raw");
 * ```
 */
export function enumOf<T extends string>(values: readonly T[]): z.ZodEnum<[T, ...T[]]> {
  const [first, ...rest] = values;
  if (first === undefined) throw new RangeError("enumOf needs at least one value");
  return z.enum([first, ...rest]);
}

/** Structured content as the text of a tool whose answer is data (one space indent). */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 1);
}
