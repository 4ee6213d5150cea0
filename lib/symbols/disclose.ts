/**
 * The token budget of a disclosure: `ast snippet --budget-token-est` and the
 * MCP `snippet` tool's `budget_tokens` fail closed when the disclosed text
 * costs more. The disclosures themselves are rendered by the render layer
 * (lib/ast/render/disclose.ts).
 *
 * @module
 */
import { TrifectaError } from "../errors.ts";
import type { Disclosure } from "../ast/mod.ts";

/**
 * Fail closed when a disclosure costs more than the budget.
 *
 * @throws {TrifectaError} `BUDGET_EXCEEDED`, with the needed estimate in the
 * message and in `details.needed_token_est`.
 */
export function enforceBudget(disclosure: Disclosure, budgetTokenEst: number | undefined): void {
  if (budgetTokenEst === undefined || disclosure.token_est <= budgetTokenEst) return;
  const cheaper = disclosure.mode === "raw"
    ? "Try --mode excerpt or --mode skeleton, or raise --budget-token-est"
    : disclosure.mode === "excerpt"
    ? "Try --mode skeleton, or raise --budget-token-est"
    : "Raise --budget-token-est, or address a smaller symbol (#member)";
  throw new TrifectaError(
    "BUDGET_EXCEEDED",
    `The ${disclosure.mode} snippet needs ~${disclosure.token_est} tokens, over the budget of ${budgetTokenEst} (estimate: ceil(characters / 4) of the whitespace-collapsed text)`,
    {
      nextSteps: [cheaper, `--budget-token-est ${disclosure.token_est} would fit it`],
      details: {
        mode: disclosure.mode,
        needed_token_est: disclosure.token_est,
        budget_tokens: budgetTokenEst,
        lines: disclosure.range.end_line - disclosure.range.start_line + 1,
      },
    },
  );
}
