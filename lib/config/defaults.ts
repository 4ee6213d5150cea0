/**
 * The built-in defaults, used when no flag, environment variable or config
 * file sets a key. The budgets are the commands' own defaults (tests keep
 * them equal to `ctx get`'s, `map`'s and the MCP `symbol` tool's).
 *
 * @module
 */
import type { BudgetKey, LspDaemonMode, TelemetryDirChoice, TelemetryLevel } from "./types.ts";

/** `cache.persist`: the persistent SQLite cache where the segment is writable. */
export const DEFAULT_CACHE_PERSIST = true;

/** `telemetry.level`. */
export const DEFAULT_TELEMETRY_LEVEL: TelemetryLevel = "lite";

/** `telemetry.dir`. */
export const DEFAULT_TELEMETRY_DIR: TelemetryDirChoice = "segment";

/** `lsp.daemon`. */
export const DEFAULT_LSP_DAEMON: LspDaemonMode = "off";

/**
 * The default token budgets: `ctx get` 1500, `map` 1024, the MCP tools 2000;
 * `ast snippet` has none (null: the whole symbol).
 */
export const BUILTIN_BUDGETS: Readonly<Record<BudgetKey, number | null>> = {
  ctx_get: 1500,
  snippet: null,
  map: 1024,
  mcp: 2000,
};
