/**
 * The session's state under a changing configuration: before each tool
 * call (and each watcher batch) the config files are checked
 * ({@linkcode LiveConfig.check}: a stat of each; read again only when one
 * moved). When the `deny` or `ignore` globs, or the MCP budgets, changed,
 * a fresh {@linkcode McpState} is opened on the new segment (its own parse
 * workers, language servers and pack session: nothing derived from the old
 * globs survives) and serves every call from then on. The AST cache is the
 * session's, kept across states: its values are keyed by content, not by
 * the globs (a denied path is refused before any lookup), and one
 * connection for the session keeps SQLite from holding the descriptors of
 * closed ones while another is open on the same file. Calls
 * already running finish on the old state, which is closed once the last
 * of them is done; no call that starts after the change was seen is
 * answered from the old one.
 *
 * @module
 */
import type { ConfigReload, LiveConfig } from "../config/live.ts";
import type { EffectiveConfig } from "../config/mod.ts";
import { type AstCache, createAstCache } from "../cache/mod.ts";
import { type McpBudgets, McpState, type McpStateOptions } from "./state.ts";

/** One state, held for one call (or batch): release it when done. */
export interface StateLease {
  /** The state to use. */
  readonly state: McpState;
  /** Done with it (safe to call twice). */
  release(): void;
}

/** The budgets of the MCP tools from a configuration (as `trifecta mcp` passes them). */
export function budgetsOf(config: EffectiveConfig): McpBudgets {
  return {
    tools: config.budgets.mcp.value ?? undefined,
    map: config.budgets.map.value ?? undefined,
  };
}

function budgetsKey(b: McpBudgets): string {
  return JSON.stringify([b.tools ?? null, b.map ?? null]);
}

/** Options for {@linkcode LiveSession.open}. */
export interface LiveSessionOptions {
  /** The session's configuration, re-read per call; none: the first state serves for good. */
  live?: LiveConfig;
  /** Where a rebuild and a failed close are said. */
  log?: (line: string) => void;
  /** Called with the new state after each rebuild (the session's watcher restarts on it). */
  onSwap?: (state: McpState) => void;
}

/** The states of one session (see the module doc). */
export class LiveSession {
  #state: McpState;
  #stateOpts: McpStateOptions;
  #opts: LiveSessionOptions;
  #held = new Map<McpState, number>();
  #retired = new Set<McpState>();
  #closed = false;
  readonly #cache: AstCache;

  private constructor(
    state: McpState,
    stateOpts: McpStateOptions & { cache: AstCache },
    options: LiveSessionOptions,
  ) {
    this.#state = state;
    this.#stateOpts = stateOpts;
    this.#cache = stateOpts.cache;
    this.#opts = options;
  }

  /** Open the first state, on the live configuration's segment when there is one. */
  static open(
    segment: McpState["segment"],
    stateOpts: McpStateOptions,
    options: LiveSessionOptions = {},
  ): LiveSession {
    const live = options.live;
    const first = live?.segment ?? segment;
    const cache = stateOpts.cache ?? createAstCache({
      persist: stateOpts.persistCache ?? false,
      segment: first,
      telemetry: stateOpts.telemetry,
    });
    const budgets = live ? budgetsOf(live.config) : stateOpts.budgets;
    const opts = { ...stateOpts, budgets, cache };
    const state = McpState.open(first, opts);
    return new LiveSession(state, opts, options);
  }

  /** The state serving now (without a config check). */
  get current(): McpState {
    return this.#state;
  }

  /**
   * Check the configuration, rebuild the state when what it decides
   * changed, and hold the state in force for one call.
   */
  async acquire(): Promise<StateLease> {
    const reload = await this.#opts.live?.check();
    if (reload !== undefined) this.#apply(reload);
    const state = this.#state;
    this.#held.set(state, (this.#held.get(state) ?? 0) + 1);
    let done = false;
    return {
      state,
      release: () => {
        if (done) return;
        done = true;
        const left = (this.#held.get(state) ?? 1) - 1;
        if (left > 0) this.#held.set(state, left);
        else this.#held.delete(state);
        if (left <= 0 && this.#retired.has(state)) this.#closeRetired(state);
      },
    };
  }

  #apply(reload: ConfigReload): void {
    const budgets = budgetsOf(reload.config);
    const budgetsChanged = budgetsKey(budgets) !== budgetsKey(this.#stateOpts.budgets ?? {});
    if (this.#closed || (!reload.globsChanged && !budgetsChanged)) return;
    const old = this.#state;
    this.#stateOpts = { ...this.#stateOpts, budgets };
    this.#state = McpState.open(reload.segment, this.#stateOpts);
    this.#stateOpts.telemetry.incr("mcp_config_rebuild_count");
    this.#opts.log?.(
      `config changed (${reload.globsChanged ? "deny/ignore globs" : "budgets"}): ` +
        "session state rebuilt (workers, language servers, pack session)",
    );
    this.#retired.add(old);
    if (!this.#held.has(old)) this.#closeRetired(old);
    this.#opts.onSwap?.(this.#state);
  }

  #closeRetired(state: McpState): void {
    this.#retired.delete(state);
    state.close().catch((err: unknown) => this.#opts.log?.(`closing the old state failed: ${err}`));
  }

  /** Close every state (the one serving and any still retiring), then the cache. Safe to call twice. */
  async close(): Promise<void> {
    const first = !this.#closed;
    this.#closed = true;
    const all = [this.#state, ...this.#retired];
    this.#retired.clear();
    try {
      await Promise.all(all.map((s) => s.close()));
    } finally {
      if (first) this.#cache.close();
    }
  }
}
