/**
 * Error rendering: an error card on stderr for people, or one JSON error
 * object on stdout with `--json`. Never a stack trace for a user mistake.
 *
 * @module
 */
import { TrifectaError } from "../errors.ts";

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

/**
 * Render the error card.
 *
 * @example
 * ```ts
 * import { renderErrorCard } from "./error_card.ts";
 * import { TrifectaError } from "../errors.ts";
 * renderErrorCard(new TrifectaError("FILE_NOT_FOUND", "No such file: a.py"));
 * // "TRIFECTA_ERROR_CODE: FILE_NOT_FOUND\nCAUSE: No such file: a.py\n..."
 * ```
 */
export function renderErrorCard(err: TrifectaError): string {
  const lines = [`TRIFECTA_ERROR_CODE: ${err.code}`, `CAUSE: ${err.message}`];
  if (err.nextSteps.length > 0) {
    lines.push("NEXT_STEPS:");
    for (const step of err.nextSteps) lines.push(`  ${step}`);
  }
  return lines.join("\n") + "\n";
}

/** The JSON error object for `--json`. */
export function toJsonError(err: TrifectaError): JsonError {
  const out: JsonError = {
    status: "error",
    error_code: err.code,
    message: err.message,
    next_steps: err.nextSteps,
  };
  if (Object.keys(err.details).length > 0) out.details = err.details;
  return out;
}
