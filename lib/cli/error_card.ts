/**
 * Error rendering: an error card on stderr for people, or one JSON error
 * object on stdout with `--json`. Never a stack trace for a user mistake.
 *
 * @module
 */
import { toTrifectaError, type TrifectaError } from "../errors.ts";
import { errorCard, type ErrorObject, errorObject, withSecretMasking } from "../contract/errors.ts";
import { type PathScope, pathScope, redactErrorPaths } from "../contract/error_paths.ts";
import type { Output } from "./output.ts";

export { type PathScope, pathScope } from "../contract/error_paths.ts";

/** The `--json` error object (the contract's {@linkcode ErrorObject}). */
export type JsonError = ErrorObject;

/**
 * Render the error card. Message and steps are printed one line each, with
 * control characters escaped and absolute paths outside `scope` (default:
 * no segment, nothing the user named) replaced.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { renderErrorCard } from "./error_card.ts";
 * import { TrifectaError } from "../errors.ts";
 * const card = renderErrorCard(new TrifectaError("FILE_NOT_FOUND", "No such file: a.py"));
 * equal(card, "TRIFECTA_ERROR_CODE: FILE_NOT_FOUND\nCAUSE: No such file: a.py\n");
 * ```
 */
export function renderErrorCard(err: TrifectaError, scope: PathScope = pathScope([])): string {
  return errorCard(errorObject(err, { surface: "cli", scope }));
}

/** The JSON error object for `--json` (paths outside `scope` replaced, as on the card). */
export function toJsonError(err: TrifectaError, scope: PathScope = pathScope([])): JsonError {
  return errorObject(err, { surface: "cli", scope });
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
  const scope = await withSecretMasking(options.scope);
  const shown = errorObject(error, { surface: "cli", scope });
  if (options.json) output.out(JSON.stringify(shown, null, 2) + "\n");
  else output.err(errorCard(shown));
  // The frame wraps what was thrown: the stack of the original is the useful one.
  const origin = error.cause instanceof Error ? error.cause : err;
  if (error.code === "INTERNAL_ERROR" && origin instanceof Error && origin.stack) {
    output.err(redactErrorPaths(origin.stack, scope) + "\n");
  }
  return error.exitCode;
}
