/**
 * The one progress line of long CLI commands (`ast skeleton` of a
 * directory, `ctx build`, `ctx sync`, `map`): on standard error, only when
 * standard error is a terminal, only once the command has run longer than a
 * short delay, repainted at most every {@linkcode PROGRESS_EVERY_MS}, and
 * erased when the command ends, so what stays on the screen is the answer.
 * Pipes, files, CI logs and tests see nothing. Standard output is never
 * touched: `--json` output stays one JSON object whatever stderr is.
 *
 * `TRIFECTA_PROGRESS=0` (or `off`, `false`, `no`) turns it off;
 * `TRIFECTA_PROGRESS_DELAY_MS` sets the delay (default
 * {@linkcode PROGRESS_AFTER_MS}).
 *
 * @module
 */
import { optionalEnv } from "../env.ts";
import type { Output } from "./output.ts";

/** Runs shorter than this (ms) never show a progress line. */
export const PROGRESS_AFTER_MS = 1000;
/** Minimum ms between two paints of the line. */
export const PROGRESS_EVERY_MS = 100;

/** Options for {@linkcode createProgress}. */
export interface ProgressOptions {
  /** What is counted (`files`, `chunks`); printed after the numbers. */
  unit?: string;
  /** Delay before the first paint in ms (default: `TRIFECTA_PROGRESS_DELAY_MS`, else 1000). */
  delayMs?: number;
  /** Minimum ms between paints (default {@linkcode PROGRESS_EVERY_MS}). */
  everyMs?: number;
  /** Width of the terminal in columns (default: the console's, else 80). */
  columns?: number;
  /** Clock in ms (default `performance.now`). */
  now?: () => number;
  /** Environment reader (default: the process environment, where granted). */
  env?: (name: string) => string | undefined;
}

/** A progress line; every method is a no-op when progress is off. */
export interface Progress {
  /** True when this command may paint (stderr is a terminal and progress is on). */
  readonly enabled: boolean;
  /** Report `done` of `total`, in an optional named stage. */
  update(done: number, total: number, stage?: string): void;
  /** Erase the line if it was painted; later updates paint nothing. */
  end(): void;
}

const OFF_VALUES = new Set(["0", "off", "false", "no"]);

/** Whether progress may show on this output (a terminal, not turned off). */
export function progressEnabled(
  output: Output,
  env: (name: string) => string | undefined = optionalEnv,
): boolean {
  if (!output.errIsTerminal) return false;
  const setting = env("TRIFECTA_PROGRESS")?.trim().toLowerCase();
  return setting === undefined || !OFF_VALUES.has(setting);
}

function delayOf(env: (name: string) => string | undefined): number {
  const raw = env("TRIFECTA_PROGRESS_DELAY_MS")?.trim();
  if (raw !== undefined && /^\d{1,7}$/.test(raw)) return Number(raw);
  return PROGRESS_AFTER_MS;
}

function consoleColumns(): number {
  try {
    // A pseudo-terminal nobody sized (`script` in CI) reports 0 columns.
    const columns = Deno.consoleSize().columns;
    return columns > 0 ? columns : 80;
  } catch (err) {
    // A terminal whose size cannot be read: the common default.
    if (err instanceof Error) return 80;
    throw err;
  }
}

/**
 * The text of one progress line, cut to fit `columns - 1` (a line that
 * wrapped could not be erased with `\r`).
 *
 * @example
 * ```ts
 * import { progressText } from "./progress.ts";
 * import { equal } from "node:assert/strict";
 * equal(progressText("ctx build", { done: 3, total: 12, stage: "chunk", unit: "files" }, 80),
 *   "ctx build: chunk 3/12 files (25%)");
 * equal(progressText("map", { done: 1, total: 2 }, 8), "map: 1/");
 * ```
 */
export function progressText(
  label: string,
  p: { done: number; total: number; stage?: string; unit?: string },
  columns: number,
): string {
  const stage = p.stage ? `${p.stage} ` : "";
  const unit = p.unit ? ` ${p.unit}` : "";
  const pct = p.total > 0 ? ` (${Math.floor((100 * Math.min(p.done, p.total)) / p.total)}%)` : "";
  const text = `${label}: ${stage}${p.done}/${p.total}${unit}${pct}`;
  return [...text].slice(0, Math.max(0, columns - 1)).join("");
}

const NOOP: Progress = { enabled: false, update: () => {}, end: () => {} };

/**
 * The progress line of one command run, labelled `label` (the command's
 * name). Quiet (a no-op) unless {@linkcode progressEnabled}.
 *
 * @example
 * ```ts
 * import { createProgress } from "./progress.ts";
 * import { captureOutput } from "./output.ts";
 * import { equal, ok } from "node:assert/strict";
 * const out = captureOutput(); // not a terminal: progress stays quiet
 * const p = createProgress(out, "ast skeleton", { delayMs: 0 });
 * p.update(1, 2);
 * p.end();
 * equal(out.stderr, "");
 * ok(!p.enabled);
 * ```
 */
export function createProgress(
  output: Output,
  label: string,
  options: ProgressOptions = {},
): Progress {
  const env = options.env ?? optionalEnv;
  if (!progressEnabled(output, env)) return NOOP;
  const now = options.now ?? (() => performance.now());
  const start = now();
  const delay = options.delayMs ?? delayOf(env);
  const every = options.everyMs ?? PROGRESS_EVERY_MS;
  let columns = options.columns;
  let last = -Infinity;
  let shown = false;
  let ended = false;
  const control = (text: string) => (output.errControl ?? output.err)(text);
  return {
    enabled: true,
    update(done, total, stage) {
      if (ended) return;
      const t = now();
      if (t - start < delay || t - last < every) return;
      last = t;
      columns ??= consoleColumns();
      control("\r\x1b[K");
      output.err(progressText(label, { done, total, stage, unit: options.unit }, columns));
      shown = true;
    },
    end() {
      if (ended) return;
      ended = true;
      if (shown) control("\r\x1b[K");
    },
  };
}

/**
 * The progress as a callback of staged counts (the pack build's
 * `{ stage, done, total }`), or undefined when it is off (so the caller
 * skips the reporting altogether).
 *
 * @example
 * ```ts
 * import { createProgress, stagedProgress } from "./progress.ts";
 * import { captureOutput } from "./output.ts";
 * import { equal } from "node:assert/strict";
 * equal(stagedProgress(createProgress(captureOutput(), "ctx build")), undefined);
 * ```
 */
export function stagedProgress(
  progress: Progress,
): ((p: { stage: string; done: number; total: number }) => void) | undefined {
  if (!progress.enabled) return undefined;
  return (p) => progress.update(p.done, p.total, p.stage);
}
