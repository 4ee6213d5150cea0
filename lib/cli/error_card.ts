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

/** Normalise anything thrown into a {@linkcode TrifectaError}. */
export function toTrifectaError(err: unknown): TrifectaError {
  if (err instanceof TrifectaError) return err;
  const message = err instanceof Error ? err.message : String(err);
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
