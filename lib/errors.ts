/**
 * Typed errors shared by every layer. A {@linkcode TrifectaError} carries a
 * stable code, the process exit code it maps to, and next steps for the user;
 * the CLI renders it as an error card or a JSON error object.
 *
 * @module
 */

/** Exit code for an operational error. */
export const EXIT_ERROR = 1;
/** Exit code for a usage error (unknown flag, bad value). */
export const EXIT_USAGE = 2;

/** Options for {@linkcode TrifectaError}. */
export interface TrifectaErrorOptions {
  /** Process exit code this error maps to (default {@linkcode EXIT_ERROR}). */
  exitCode?: number;
  /** What the user can do about it, one step per entry. */
  nextSteps?: string[];
  /** Structured details (must hold no absolute path or content). */
  details?: Record<string, unknown>;
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * An error with a stable code, meant to be shown to a user.
 *
 * @example
 * ```ts
 * import { TrifectaError } from "./errors.ts";
 * throw new TrifectaError("FILE_NOT_FOUND", "No such file: src/a.py", {
 *   nextSteps: ["Check the path relative to the segment root"],
 * });
 * ```
 */
export class TrifectaError extends Error {
  /** Stable machine-readable code, e.g. `PATH_OUTSIDE_SEGMENT`. */
  readonly code: string;
  /** Exit code the CLI uses for this error. */
  readonly exitCode: number;
  /** Suggested next steps. */
  readonly nextSteps: string[];
  /** Structured details for `--json` output. */
  readonly details: Record<string, unknown>;

  /** Create an error with a code and a human message. */
  constructor(code: string, message: string, options: TrifectaErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "TrifectaError";
    this.code = code;
    this.exitCode = options.exitCode ?? EXIT_ERROR;
    this.nextSteps = options.nextSteps ?? [];
    this.details = options.details ?? {};
  }
}

/** A usage error: bad flag, bad value, missing argument (exit 2). */
export class UsageError extends TrifectaError {
  /** Create a usage error with code `USAGE_ERROR` unless another is given. */
  constructor(message: string, options: TrifectaErrorOptions & { code?: string } = {}) {
    super(options.code ?? "USAGE_ERROR", message, { ...options, exitCode: EXIT_USAGE });
    this.name = "UsageError";
  }
}

/** Return a short message for any thrown value without a stack trace. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
