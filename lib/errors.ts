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
 * import { equal, throws } from "node:assert/strict";
 * import { TrifectaError } from "./errors.ts";
 * const err = new TrifectaError("FILE_NOT_FOUND", "No such file: src/a.py", {
 *   nextSteps: ["Check the path relative to the segment root"],
 * });
 * equal(err.exitCode, 1);
 * throws(() => {
 *   throw err;
 * }, TrifectaError);
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

/** Deno's `NotCapable` message: what access, to what, and the flag that grants it. */
const NOT_CAPABLE_RE =
  /^Requires (\w+) access to "?(.*?)"?, run again with the (--allow-[\w-]+) flag/;

/** The `--allow-*` flag (with its value when Deno named one) a `NotCapable` message asks for. */
function flagToGrant(message: string): string {
  const m = NOT_CAPABLE_RE.exec(message);
  if (!m) return "the matching --allow-* flag";
  const [, , target, flag] = m;
  return target ? `${flag}=${target}` : flag ?? "the matching --allow-* flag";
}

/**
 * A permission or file-system failure that reached the top unhandled (the
 * first write to `_ctx/`, a full disk, …) gets a named code, not
 * `INTERNAL_ERROR`: Deno's missing permission names the flag to grant.
 */
function fileSystemError(err: unknown, message: string): TrifectaError | undefined {
  if (err instanceof Deno.errors.NotCapable) {
    return new TrifectaError(
      "PERMISSION_NOT_GRANTED",
      `Deno's permissions do not allow this: ${message}`,
      {
        cause: err,
        nextSteps: [`Grant it with ${flagToGrant(message)}`, "See docs/security.md"],
      },
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

/**
 * THE normaliser: anything thrown becomes a {@linkcode TrifectaError}, with
 * one code per fault whichever surface (CLI or MCP) shows it. trifecta's own
 * errors keep their code; Deno's missing permission is
 * `PERMISSION_NOT_GRANTED` (naming the flag to grant), a full disk
 * `DISK_FULL`, a write refused by the file system `OUTPUT_NOT_WRITABLE`;
 * anything else is `INTERNAL_ERROR` (a bug).
 *
 * @example
 * ```ts
 * import { equal, match } from "node:assert/strict";
 * import { toTrifectaError } from "./errors.ts";
 * const denied = new Deno.errors.NotCapable(
 *   'Requires read access to "/srv/x", run again with the --allow-read flag',
 * );
 * const e = toTrifectaError(denied);
 * equal(e.code, "PERMISSION_NOT_GRANTED");
 * match(e.nextSteps[0] ?? "", /--allow-read=\/srv\/x/);
 * equal(toTrifectaError(new RangeError("boom")).code, "INTERNAL_ERROR");
 * ```
 */
export function toTrifectaError(err: unknown): TrifectaError {
  if (err instanceof TrifectaError) return err;
  const message = errorMessage(err);
  const known = fileSystemError(err, message);
  if (known) return known;
  return new TrifectaError("INTERNAL_ERROR", message, {
    cause: err,
    nextSteps: ["This is a bug in trifecta: please report it with the command you ran"],
  });
}
