/**
 * The time budget of one file's skeleton: tree-sitter's parse, the query
 * and the extraction stop when it runs out, and the file is skipped as
 * `PARSE_TOO_COMPLEX`. A hostile file (thousands of nested class
 * expressions, say) otherwise costs time quadratic in its size inside
 * tree-sitter's query engine: minutes for one file, with `ctx build` and
 * the MCP server stalled behind it.
 *
 * The budget is work as well as time: a file stops only once it has made
 * as many progress checks as the budget allows on an unloaded machine
 * ({@linkcode CHECKS_PER_BUDGET_MS} per ms; tree-sitter calls back every
 * ~100 operations) *and* its time is up. On a loaded machine a file is
 * slower but does no more work, so ordinary code is never skipped for the
 * machine's load; hostile code, whose work grows faster than its size,
 * still is. The assembly has a clock of its own
 * ({@linkcode extractionDeadline}).
 *
 * @module
 */
import { optionalEnv } from "../env.ts";
import { TrifectaError } from "../errors.ts";

/** Error code of a file whose skeleton ran past its time budget. */
export const PARSE_TOO_COMPLEX = "PARSE_TOO_COMPLEX";

/** Budget of any file, however small (ms). */
export const PARSE_BUDGET_FLOOR_MS = 1000;
/** Budget added per KiB of source (ms): 20x or more what real code takes. */
export const PARSE_BUDGET_PER_KIB_MS = 2;
/** Budget of the largest file (ms). */
export const PARSE_BUDGET_MAX_MS = 5000;
/** Environment variable that sets a fixed budget in ms (tests, slow machines). */
export const PARSE_BUDGET_ENV = "TRIFECTA_PARSE_BUDGET_MS";

let fixedBudget: number | null | undefined;

function budgetFromEnv(): number | null {
  if (fixedBudget === undefined) {
    const raw = optionalEnv(PARSE_BUDGET_ENV);
    const n = raw === undefined ? NaN : Number(raw);
    // Unset or not a positive number: the size-scaled default.
    fixedBudget = Number.isFinite(n) && n > 0 ? n : null;
  }
  return fixedBudget;
}

/**
 * The time budget in ms of a file of `bytes` bytes: a floor plus a rate per
 * KiB, capped, or the fixed value of `TRIFECTA_PARSE_BUDGET_MS`.
 *
 * @example
 * ```ts
 * import { PARSE_BUDGET_ENV, parseBudgetMs } from "./budget.ts";
 * import { equal } from "node:assert/strict";
 * // 1 s + 2 ms per KiB, at most 5 s, unless the environment fixes it.
 * const fixed = Number(Deno.env.get(PARSE_BUDGET_ENV));
 * equal(parseBudgetMs(2 * 1024 * 1024), fixed > 0 ? fixed : 5000);
 * ```
 */
export function parseBudgetMs(bytes: number): number {
  const fixed = budgetFromEnv();
  if (fixed !== null) return fixed;
  const scaled = PARSE_BUDGET_FLOOR_MS + (bytes / 1024) * PARSE_BUDGET_PER_KIB_MS;
  return Math.min(PARSE_BUDGET_MAX_MS, Math.round(scaled));
}

/** The phase a budget ran out in. */
export type BudgetPhase = "parse" | "query" | "extract";

/**
 * Progress checks a file may make per ms of its budget before the clock is
 * read at all. Measured at 11–25 checks per ms of work on real code
 * (django, a TypeScript tree, the 853 KB `GL/glext.h`, which makes 4.8 per
 * ms of its budget): 30 leaves ordinary files far below it.
 */
export const CHECKS_PER_BUDGET_MS = 30;

/** A running budget: an absolute deadline on `performance.now()`, and the work done. */
export interface Budget {
  /** `performance.now()` value past which the work stops. */
  deadline: number;
  /** The budget's length in ms (for the error's details). */
  ms: number;
  /** Progress checks so far. */
  checks: number;
  /** Checks allowed before the deadline counts ({@linkcode CHECKS_PER_BUDGET_MS} per ms). */
  freeChecks: number;
}

/** A budget of `ms` milliseconds starting now. */
export function startBudget(ms: number): Budget {
  const freeChecks = Math.round(ms * CHECKS_PER_BUDGET_MS);
  return { deadline: performance.now() + ms, ms, checks: 0, freeChecks };
}

/**
 * True once the budget has run out: past its free checks and past its
 * deadline. Each call is one progress check.
 *
 * @example
 * ```ts
 * import { budgetSpent, startBudget } from "./budget.ts";
 * import { equal } from "node:assert/strict";
 * const b = startBudget(0); // no time at all, and no free check
 * equal(budgetSpent(b), true);
 * const c = { ...startBudget(0), freeChecks: 2 };
 * equal(budgetSpent(c), false); // work left: the clock is not read
 * equal(budgetSpent(c), false);
 * equal(budgetSpent(c), true);
 * ```
 */
export function budgetSpent(budget: Budget): boolean {
  budget.checks += 1;
  if (budget.checks <= budget.freeChecks) return false;
  return performance.now() > budget.deadline;
}

/**
 * When the assembly of a file's skeleton must have ended: the budget's
 * length again, from now. The assembly makes one check per item while an
 * item's cost grows with its nesting depth (20,000 nested namespaces: two
 * minutes), so the work allowance of {@linkcode budgetSpent} never runs out
 * there; this clock does, and an ordinary file's assembly takes a small part
 * of it even on a loaded machine.
 *
 * @example
 * ```ts
 * import { extractionDeadline, startBudget } from "./budget.ts";
 * import { ok } from "node:assert/strict";
 * const before = performance.now();
 * ok(extractionDeadline(startBudget(200)) >= before + 200);
 * ```
 */
export function extractionDeadline(budget: Budget): number {
  return performance.now() + budget.ms;
}

/**
 * The error for a file that ran past its budget (skipped in batches with
 * reason `too_complex`; exit 1 when the file was named directly).
 */
export function parseTooComplex(rel: string, budget: Budget, phase: BudgetPhase): TrifectaError {
  return new TrifectaError(
    PARSE_TOO_COMPLEX,
    `${rel} is too complex to outline within ${budget.ms} ms (stopped in ${phase})`,
    {
      details: { reason: "too_complex", phase, budget_ms: budget.ms },
      nextSteps: [
        `Deeply nested code makes tree-sitter's work grow faster than the file; set ${PARSE_BUDGET_ENV} to allow more time`,
      ],
    },
  );
}
