/**
 * The token estimate used for snippet budgets. It is the project's one
 * shared estimator, owned by telemetry (`ceil(characters / 4)` of the
 * whitespace-collapsed text, 0 for empty text), so a snippet's `token_est`,
 * the event's `tokens` and `ctx get` budgets agree.
 *
 * @module
 */
export { estimateTokens } from "../telemetry/summary.ts";
