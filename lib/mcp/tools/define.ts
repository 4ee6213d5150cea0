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
  /** Run it on validated arguments. */
  run: (state: McpState, args: Record<string, unknown>) => Promise<ToolOutput>;
}

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
  /** Run it on validated arguments. */
  run: (state: McpState, args: z.infer<z.ZodObject<S>>) => Promise<ToolOutput>;
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
    // The server parses with `input` before it calls run: the arguments have its type.
    run: (state, args) => definition.run(state, args as z.infer<typeof input>),
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
