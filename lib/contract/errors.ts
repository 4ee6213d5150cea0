/**
 * One error contract for the CLI and the MCP server. Whatever was thrown is
 * normalised once ({@linkcode toTrifectaError} in `lib/errors.ts`), then
 * shown as the same object on both surfaces: the same code, the same
 * message, the same redaction (absolute paths outside the scope replaced,
 * secrets masked when the scope says how; control characters escaped on
 * the card). Only the next steps differ: they are phrased for the surface
 * that shows them, so an MCP client reads the tool's argument names
 * (`budget_tokens`, `mode`) where the CLI reads its flags
 * (`--budget-token-est`, `--mode`).
 *
 * Imports nothing heavy: the CLI's fast path renders errors too.
 *
 * @module
 */
import { toTrifectaError } from "../errors.ts";
import { escapeField } from "../escape.ts";
import { COMMANDS, type CommandSpec, mcpArgumentOf, type OptionSpec } from "./commands.ts";
import { readOptionValue } from "./command_values.ts";
import { type PathScope, pathScope, redactErrorPaths } from "./error_paths.ts";

/** Which surface shows an error: the CLI (card or `--json`) or an MCP tool error. */
export type Surface = "cli" | "mcp";

/** The error object: the CLI's `--json` error and the MCP tool error's structured content. */
export interface ErrorObject {
  /** Always `"error"`. */
  status: "error";
  /** Stable error code, the same on both surfaces. */
  error_code: string;
  /** Human message, the same on both surfaces. */
  message: string;
  /** Suggested next steps, phrased for the surface (may be empty). */
  next_steps: string[];
  /** Extra structured details, when the error has any. */
  details?: Record<string, unknown>;
}

/** Options for {@linkcode errorObject}. */
export interface ErrorObjectOptions {
  /** The surface that shows the error (default `cli`). */
  surface?: Surface;
  /** What the error may name in full (default: no segment, nothing named). */
  scope?: PathScope;
}

/** Details are JSON: control characters are escaped by JSON itself, paths are replaced. */
function cleanValue(value: unknown, scope: PathScope, depth: number): unknown {
  if (typeof value === "string") return redactErrorPaths(value, scope);
  if (depth > 8 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => cleanValue(v, scope, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = cleanValue(v, scope, depth + 1);
  return out;
}

function cleanDetails(details: Record<string, unknown>, scope: PathScope): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(details)) out[k] = cleanValue(v, scope, 1);
  return out;
}

/**
 * The error object of anything thrown, as `surface` shows it: normalised,
 * redacted, next steps phrased for the surface.
 *
 * @example
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { TrifectaError } from "../errors.ts";
 * import { errorObject } from "./errors.ts";
 * const err = new TrifectaError("BUDGET_EXCEEDED", "Over budget", {
 *   nextSteps: ["Try --mode skeleton, or raise --budget-token-est"],
 * });
 * equal(errorObject(err, { surface: "cli" }).next_steps[0], "Try --mode skeleton, or raise --budget-token-est");
 * deepEqual(errorObject(err, { surface: "mcp" }).next_steps, [
 *   'Try mode: "skeleton", or raise budget_tokens',
 * ]);
 * equal(errorObject(new RangeError("boom")).error_code, "INTERNAL_ERROR");
 * ```
 */
export function errorObject(err: unknown, options: ErrorObjectOptions = {}): ErrorObject {
  const error = toTrifectaError(err);
  const scope = options.scope ?? pathScope([]);
  const out: ErrorObject = {
    status: "error",
    error_code: error.code,
    message: redactErrorPaths(error.message, scope),
    next_steps: stepsFor(error.nextSteps, options.surface ?? "cli")
      .map((s) => redactErrorPaths(s, scope)),
  };
  if (Object.keys(error.details).length > 0) out.details = cleanDetails(error.details, scope);
  return out;
}

/**
 * The error card of an error object: `TRIFECTA_ERROR_CODE`, `CAUSE` and
 * `NEXT_STEPS`, one line each (every field escaped, so a newline or a
 * terminal sequence in a message cannot fake a line). The CLI prints it on
 * stderr, the MCP server returns it as the tool error's text.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { errorCard } from "./errors.ts";
 * const card = errorCard({
 *   status: "error",
 *   error_code: "FILE_NOT_FOUND",
 *   message: "No such file: a.py\nFAKE",
 *   next_steps: ["Check the path"],
 * });
 * equal(
 *   card,
 *   "TRIFECTA_ERROR_CODE: FILE_NOT_FOUND\nCAUSE: No such file: a.py\\nFAKE\n" +
 *     "NEXT_STEPS:\n  Check the path\n",
 * );
 * ```
 */
export function errorCard(error: ErrorObject): string {
  const lines = [
    `TRIFECTA_ERROR_CODE: ${escapeField(error.error_code)}`,
    `CAUSE: ${escapeField(error.message)}`,
  ];
  if (error.next_steps.length > 0) {
    lines.push("NEXT_STEPS:");
    for (const step of error.next_steps) lines.push(`  ${escapeField(step)}`);
  }
  return lines.join("\n") + "\n";
}

/**
 * A scope that also masks secrets (an error message may quote what was
 * read). `lib/secrets.ts` is loaded here, on the error path only.
 */
export async function withSecretMasking(scope: PathScope): Promise<PathScope> {
  const { maskSecrets } = await import("../secrets.ts");
  return { ...scope, maskSecrets: (t) => maskSecrets(t).text };
}

/**
 * Next steps as `surface` says them. The CLI's are the ones written (they
 * name its flags and commands). On MCP a flag of a command a tool mirrors
 * becomes the tool's argument (`--budget-token-est 57` → `budget_tokens: 57`),
 * the segment flag becomes the server's, "the command" becomes "the tool
 * call", and a step that only a CLI flag without a tool argument can follow
 * (`--require-lsp`) is left out. Shell commands (`trifecta ctx build -s …`)
 * and Deno's flags (`--allow-read=…`) stay: they are run outside the tool.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { stepsFor } from "./errors.ts";
 * deepEqual(stepsFor(["--budget-token-est 57 would fit it"], "mcp"), [
 *   "budget_tokens: 57 would fit it",
 * ]);
 * deepEqual(stepsFor(["Rebuild it with: trifecta ctx build -s <segment>"], "mcp"), [
 *   "Rebuild it with: trifecta ctx build -s <segment>",
 * ]);
 * deepEqual(stepsFor(["Run without --require-lsp for an answer from the AST"], "mcp"), []);
 * ```
 */
export function stepsFor(steps: readonly string[], surface: Surface): string[] {
  if (surface === "cli") return [...steps];
  const out: string[] = [];
  for (const step of steps) {
    const phrased = mcpStep(step);
    if (phrased !== undefined) out.push(phrased);
  }
  return out;
}

/** What the segment flag is on MCP: the server's, not a tool argument. */
const SEGMENT_ON_MCP = "the server's segment (trifecta mcp -s DIR)";

/** Phrases that name what the CLI does, and how the MCP server says them. */
const MCP_PHRASES: readonly (readonly [RegExp, string])[] = [
  [/\bthe command you ran\b/g, "the tool name and its arguments"],
  [/\brun the command again\b/gi, "call the tool again"],
  [/\(-s\/--segment, default \.\)/g, "(the directory the server serves: trifecta mcp -s DIR)"],
  [/\bchoose another -s\/--segment\b/g, "serve another segment (trifecta mcp -s DIR)"],
  [
    /(?<![\w-])(?:-s\/--segment|--segment|-s)(?: (?:DIR|X|<dir>|<segment>))?(?![\w-])/g,
    SEGMENT_ON_MCP,
  ],
];

/** A shell command (`trifecta ctx build -s <segment>`), kept as written up to a backtick or `)`. */
const SHELL_COMMAND = /\btrifecta (?:ast|cache|lsp|ctx|telemetry|mcp)\b[^`)\n]*/g;

/** A flag (`--mode`, `-b`, `-i/--ids`) and, maybe, its value (a number or a word). */
const FLAG = /(?<![\w./<$-])(?:-[a-zA-Z]\/)?(--?[a-zA-Z][\w-]*)(?:[ =]([\w.-]+))?/g;

/** Deno's own flags and others that mean the same to the server as to the CLI. */
const RUNTIME_FLAG = /^--(?:allow-|deny-|unstable|no-prompt|no-config|import-map)/;

/**
 * `prose` applied to the text outside shell commands; `undefined` when it
 * gives `undefined` for any part.
 */
function outsideCommands(
  text: string,
  prose: (part: string) => string | undefined,
): string | undefined {
  const parts: string[] = [];
  let at = 0;
  for (const m of text.matchAll(SHELL_COMMAND)) {
    const phrased = prose(text.slice(at, m.index));
    if (phrased === undefined) return undefined;
    parts.push(phrased, m[0]);
    at = m.index + m[0].length;
  }
  const tail = prose(text.slice(at));
  if (tail === undefined) return undefined;
  parts.push(tail);
  return parts.join("");
}

function mcpStep(step: string): string | undefined {
  // Each pass skips shell commands, also those a phrase brought in (`trifecta mcp -s DIR`).
  let phrased: string | undefined = step;
  for (const [re, to] of MCP_PHRASES) {
    phrased = outsideCommands(phrased, (prose) => prose.replace(re, to));
    if (phrased === undefined) return undefined;
  }
  phrased = outsideCommands(phrased, flagsToArguments);
  if (phrased === undefined) return undefined;
  // "Run the command again" → "Call the tool again": the step still starts a sentence.
  return /^[A-Z]/.test(step) ? phrased.charAt(0).toUpperCase() + phrased.slice(1) : phrased;
}

/** CLI flags as tool arguments; `undefined` when one has no tool argument. */
function flagsToArguments(text: string): string | undefined {
  let cliOnly = false;
  const out = text.replace(FLAG, (whole: string, flag: string, value: string | undefined) => {
    if (RUNTIME_FLAG.test(flag)) return whole;
    const name = mcpArgumentOf(flag);
    if (name === undefined) {
      cliOnly = true;
      return whole;
    }
    const option = optionOf(flag);
    if (value === undefined || option === undefined || !isValueOf(option, value)) {
      return whole.replace(/^(?:-[a-zA-Z]\/)?--?[a-zA-Z][\w-]*/, name);
    }
    return `${name}: ${option.type === "choice" ? JSON.stringify(value) : value}`;
  });
  return cliOnly ? undefined : out;
}

/** The spec of a flag of a command an MCP tool mirrors (for its type and choices). */
function optionOf(flag: string): OptionSpec | undefined {
  const name = flag.replace(/^--?/, "");
  const short = !flag.startsWith("--");
  const specs: readonly CommandSpec[] = COMMANDS;
  for (const spec of specs) {
    if (spec.mcpTool === undefined) continue;
    const option = spec.options.find((o) => (short ? o.short === name : o.flag === name));
    if (option?.mcp !== undefined) return option;
  }
  return undefined;
}

/** Whether the word after a flag is its value (a number, a choice), not the sentence's next word. */
function isValueOf(option: OptionSpec, word: string): boolean {
  if (option.type === "boolean" || option.type === "string") return false;
  return readOptionValue(option, word).ok;
}
