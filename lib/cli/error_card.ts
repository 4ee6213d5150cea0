/**
 * Error rendering: an error card on stderr for people, or one JSON error
 * object on stdout with `--json`. Never a stack trace for a user mistake.
 *
 * @module
 */
import { TrifectaError } from "../errors.ts";
import { escapeField } from "../escape.ts";
import { type PathScope, pathScope, redactErrorPaths } from "./error_paths.ts";
import type { Output } from "./output.ts";

export { type PathScope, pathScope } from "./error_paths.ts";

/** The `--json` error object. */
export interface JsonError {
  /** Always `"error"`. */
  status: "error";
  /** Stable error code. */
  error_code: string;
  /** Human message. */
  message: string;
  /** Suggested next steps (may be empty). */
  next_steps: string[];
  /** Extra structured details, when the error has any. */
  details?: Record<string, unknown>;
}

const NOT_CAPABLE_RE =
  /^Requires (\w+) access to "?(.*?)"?, run again with the (--allow-[\w-]+) flag/;

/**
 * A permission or file-system failure that reached the frame unhandled (the
 * first write to `_ctx/`, a full disk, …) gets a named code, not
 * `INTERNAL_ERROR`: Deno's missing permission names the flag to grant.
 */
function fileSystemError(err: unknown, message: string): TrifectaError | undefined {
  if (err instanceof Deno.errors.NotCapable) {
    const m = NOT_CAPABLE_RE.exec(message);
    const flag = m ? (m[2] ? `${m[3]}=${m[2]}` : m[3]) : "the matching --allow-* flag";
    return new TrifectaError(
      "PERMISSION_NOT_GRANTED",
      `Deno's permissions do not allow this: ${message}`,
      { cause: err, nextSteps: [`Grant it with ${flag}`, "See docs/security.md"] },
    );
  }
  if (/\(os error 28\)|No space left on device|database or disk is full/i.test(message)) {
    return new TrifectaError("DISK_FULL", `No space left on device: ${message}`, {
      cause: err,
      nextSteps: ["Free disk space; files written before this run are unchanged"],
    });
  }
  if (
    err instanceof Deno.errors.AlreadyExists || err instanceof Deno.errors.NotADirectory ||
    err instanceof Deno.errors.PermissionDenied ||
    /\(os error (?:17|20|13|30)\)/.test(message)
  ) {
    return new TrifectaError(
      "OUTPUT_NOT_WRITABLE",
      `Could not write trifecta's files: ${message}`,
      {
        cause: err,
        nextSteps: [
          "Make <segment>/_ctx and <segment>/.trifecta writable directories (not files)",
        ],
      },
    );
  }
  return undefined;
}

/** Normalise anything thrown into a {@linkcode TrifectaError}. */
export function toTrifectaError(err: unknown): TrifectaError {
  if (err instanceof TrifectaError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const known = fileSystemError(err, message);
  if (known) return known;
  return new TrifectaError("INTERNAL_ERROR", message, {
    cause: err,
    nextSteps: ["This is a bug in trifecta: please report it with the command you ran"],
  });
}

/** One line of an error as printed: no outside path, no control character. */
function clean(text: string, scope: PathScope): string {
  return escapeField(redactErrorPaths(text, scope));
}

/** Details for `--json`: JSON escapes control characters itself, paths are replaced. */
function cleanValue(value: unknown, scope: PathScope, depth: number): unknown {
  if (typeof value === "string") return redactErrorPaths(value, scope);
  if (depth > 8 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => cleanValue(v, scope, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = cleanValue(v, scope, depth + 1);
  return out;
}

/**
 * Render the error card. Message and steps are printed one line each, with
 * control characters escaped and absolute paths outside `scope` (default:
 * no segment, nothing the user named) replaced.
 *
 * @example
 * ```ts
 * import { renderErrorCard } from "./error_card.ts";
 * import { TrifectaError } from "../errors.ts";
 * renderErrorCard(new TrifectaError("FILE_NOT_FOUND", "No such file: a.py"));
 * // "TRIFECTA_ERROR_CODE: FILE_NOT_FOUND\nCAUSE: No such file: a.py\n..."
 * ```
 */
export function renderErrorCard(err: TrifectaError, scope: PathScope = pathScope([])): string {
  const lines = [
    `TRIFECTA_ERROR_CODE: ${clean(err.code, scope)}`,
    `CAUSE: ${clean(err.message, scope)}`,
  ];
  if (err.nextSteps.length > 0) {
    lines.push("NEXT_STEPS:");
    for (const step of err.nextSteps) lines.push(`  ${clean(step, scope)}`);
  }
  return lines.join("\n") + "\n";
}

/** The JSON error object for `--json` (paths outside `scope` replaced, as on the card). */
export function toJsonError(err: TrifectaError, scope: PathScope = pathScope([])): JsonError {
  const out: JsonError = {
    status: "error",
    error_code: err.code,
    message: redactErrorPaths(err.message, scope),
    next_steps: err.nextSteps.map((s) => redactErrorPaths(s, scope)),
  };
  if (Object.keys(err.details).length > 0) {
    out.details = cleanValue(err.details, scope, 0) as Record<string, unknown>;
  }
  return out;
}

/** How {@linkcode reportError} prints. */
export interface ReportErrorOptions {
  /** `--json` was given: one JSON error object on stdout. */
  json: boolean;
  /** What the error may name in full. */
  scope: PathScope;
}

/**
 * Print a failed command's error (card on stderr, or JSON on stdout) and
 * return its exit code. Secrets in the texts are masked (an error message may
 * quote what was read); an `INTERNAL_ERROR` is a bug: its stack follows the
 * card, with trifecta's own paths shortened and others replaced.
 */
export async function reportError(
  output: Output,
  err: unknown,
  options: ReportErrorOptions,
): Promise<number> {
  const error = toTrifectaError(err);
  // Loaded here, on the error path only: a successful command never pays for it.
  const { maskSecrets } = await import("../secrets.ts");
  const scope: PathScope = { ...options.scope, maskSecrets: (t) => maskSecrets(t).text };
  if (options.json) {
    output.out(JSON.stringify(toJsonError(error, scope), null, 2) + "\n");
  } else output.err(renderErrorCard(error, scope));
  // The frame wraps what was thrown: the stack of the original is the useful one.
  const origin = error.cause instanceof Error ? error.cause : err;
  if (error.code === "INTERNAL_ERROR" && origin instanceof Error && origin.stack) {
    output.err(redactErrorPaths(origin.stack, scope) + "\n");
  }
  return error.exitCode;
}
