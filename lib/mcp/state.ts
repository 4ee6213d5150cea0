/**
 * One warm state per MCP session: the AST cache (memory LRU, or SQLite with
 * `persistCache`), the parse workers for directory skeletons, the language
 * servers, and the opened context pack. Skeletons stay fresh through the
 * cache's content-hash keys (a changed file has a new key); see
 * `lsp_session.ts` and `pack_session.ts` for the rest.
 *
 * @module
 */
import { type AstCache, createAstCache } from "../cache/mod.ts";
import { ParsePool } from "../ast/mod.ts";
import type { Segment } from "../segment/mod.ts";
import type { Telemetry } from "../telemetry/mod.ts";
import type { LspConfig } from "../lsp/mod.ts";
import { LspSession } from "./lsp_session.ts";
import { PackSession } from "./pack_session.ts";

/** Options for {@linkcode McpState.open}. */
export interface McpStateOptions {
  /** Telemetry of the session. */
  telemetry: Telemetry;
  /** Use the persistent SQLite AST cache. */
  persistCache?: boolean;
  /** Language-server settings (default: from the environment). */
  lspConfig?: LspConfig;
  /** Default budgets from the configuration (`budgets.mcp`, `budgets.map`); none: built-in. */
  budgets?: McpBudgets;
  /** The telemetry directory in force (`telemetry.dir`); default: the segment's. */
  telemetryDir?: string;
  /**
   * An AST cache the session keeps across states (lib/mcp/live_session.ts):
   * used, never closed, by this state. Default: the state opens its own.
   */
  cache?: AstCache;
}

/**
 * Default token budgets of the tools, from trifecta.jsonc (docs/config.md):
 * `tools` is `budgets.mcp`, the default of the tools whose built-in default
 * is 2,000 (`skeleton`, `find_symbol`, `symbol`, `find_references`); `map`
 * is `budgets.map`. A call's `budget_tokens` wins over both.
 */
export interface McpBudgets {
  /** `budgets.mcp`. */
  tools?: number;
  /** `budgets.map`. */
  map?: number;
}

/** The warm state of one MCP session. */
export class McpState {
  /** The segment served. */
  readonly segment: Segment;
  /** Telemetry of the session. */
  readonly telemetry: Telemetry;
  /** The AST cache. */
  readonly cache: AstCache;
  /** Language servers. */
  readonly lsp: LspSession;
  /** The context pack. */
  readonly pack: PackSession;
  /** Default budgets from the configuration. */
  readonly budgets: McpBudgets;
  /** The telemetry directory in force, when the configuration names one. */
  readonly telemetryDir: string | undefined;
  #pool: ParsePool | undefined;
  #closed = false;
  readonly #ownsCache: boolean;

  private constructor(segment: Segment, options: McpStateOptions) {
    this.segment = segment;
    this.telemetry = options.telemetry;
    this.budgets = options.budgets ?? {};
    this.telemetryDir = options.telemetryDir;
    this.#ownsCache = options.cache === undefined;
    this.cache = options.cache ?? createAstCache({
      persist: options.persistCache ?? false,
      segment,
      telemetry: options.telemetry,
    });
    const openCache = () => Promise.resolve(this.cache);
    this.lsp = new LspSession(segment, {
      telemetry: options.telemetry,
      openCache,
      config: options.lspConfig,
    });
    this.pack = new PackSession(segment, { telemetry: options.telemetry, openCache });
  }

  /** Open the state; the language servers are not started yet (see {@linkcode McpState.warmUp}). */
  static open(segment: Segment, options: McpStateOptions): McpState {
    return new McpState(segment, options);
  }

  /** Parse workers for directory skeletons, made at first use and kept for the session. */
  pool(): ParsePool {
    this.#pool ??= new ParsePool({});
    return this.#pool;
  }

  /** Start the language server(s) in the background. */
  warmUp(): Promise<void> {
    return this.lsp.warmUp();
  }

  /** Release everything: language servers, workers, cache. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.lsp.close();
    } finally {
      // Workers and the cache's connection go whatever the servers did.
      this.#pool?.close();
      if (this.#ownsCache) this.cache.close();
    }
  }
}
