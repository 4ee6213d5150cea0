/**
 * Watch mode inside an MCP session: the session's segment is watched (the
 * same {@linkcode SegmentWatcher} as `trifecta watch`), and each batch of
 * changes warms the session's AST cache, syncs the pack incrementally when
 * the segment has one (through the session's {@linkcode PackSession}, so a
 * file added after the build is found by the next `search`), and tells the
 * running language servers ({@linkcode LspSession.filesChanged}). The
 * watcher starts in the background: the first scan never delays the
 * session's first answer. Off with `trifecta mcp --no-watch`.
 *
 * @module
 */
import { toTrifectaError } from "../errors.ts";
import {
  DEFAULT_DEBOUNCE_MS,
  hasPack,
  type PackSyncer,
  refreshBatch,
  type RefreshReport,
  SegmentWatcher,
  type WatchBatch,
  withCarryOver,
} from "../watch/mod.ts";
import type { McpState } from "./state.ts";
import type { StateLease } from "./live_session.ts";

/** Options for {@linkcode startSessionWatch}. */
export interface SessionWatchOptions {
  /** Watch at all (default true). */
  enabled?: boolean;
  /** Where problems are logged (default: nowhere). */
  log?: (line: string) => void;
  /** Debounce (ms, default {@linkcode DEFAULT_DEBOUNCE_MS}). */
  debounceMs?: number;
  /** Called after each batch is handled (tests, progress). */
  onRefreshed?: (batch: WatchBatch, report: RefreshReport) => void;
  /**
   * Checks the configuration and holds the session's state in force for a
   * batch (lib/mcp/live_session.ts). A batch is dropped when that state is
   * no longer this watcher's: a new watcher scans under the new globs.
   */
  acquire?: () => Promise<StateLease>;
}

/** The watcher of one session. */
export interface SessionWatch {
  /** Resolves once the watcher is live (at once when watching is off or failed). */
  readonly ready: Promise<void>;
  /** Stop watching; safe to call twice. */
  close(): Promise<void>;
}

/** The session's pack sync: through its PackSession, only when the segment has a pack. */
function sessionSyncer(state: McpState): PackSyncer {
  return withCarryOver(async (paths) => {
    if (!hasPack(state.segment)) return undefined;
    const r = await state.pack.sync({ paths: paths === undefined ? undefined : [...paths] });
    return { added: r.added, changed: r.changed, deleted: r.deleted, mode: r.mode };
  });
}

/** Refresh the session's cache, pack and servers for one batch. */
function refreshSession(
  state: McpState,
  batch: WatchBatch,
  syncPack: PackSyncer,
): Promise<RefreshReport> {
  return refreshBatch(state.segment, batch, {
    cache: state.cache,
    // The session's workers: parsing stays off the loop that answers calls.
    pool: state.pool(),
    telemetry: state.telemetry,
    syncPack,
    notifyServers: async (b) => {
      await state.lsp.filesChanged(b);
    },
  });
}

/**
 * Start watching the session's segment (see the module doc). Never throws:
 * a watcher that cannot start is logged and the session serves on with its
 * per-call freshness checks.
 */
export function startSessionWatch(
  state: McpState,
  options: SessionWatchOptions = {},
): SessionWatch {
  if (options.enabled === false) {
    return {
      ready: Promise.resolve(),
      close: () => Promise.resolve(),
    };
  }
  const log = options.log ?? (() => {});
  const syncPack = sessionSyncer(state);
  let closed = false;
  const starting = SegmentWatcher.start(state.segment, {
    debounceMs: options.debounceMs ?? DEFAULT_DEBOUNCE_MS,
    // The session re-reads the config per call and restarts this watcher on a change.
    reloadConfig: false,
    onBatch: async (batch) => {
      const lease = await options.acquire?.();
      try {
        if (lease !== undefined && lease.state !== state) return; // replaced: see `acquire`
        const report = await refreshSession(state, batch, syncPack);
        for (const [step, code] of Object.entries(report.errors)) {
          log(`watch: ${step} failed after a change: ${code}`);
        }
        options.onRefreshed?.(batch, report);
      } finally {
        lease?.release();
      }
    },
    onError: (err, what) => log(`watch: ${what}: ${toTrifectaError(err).message}`),
    // Said once: from here on the segment is polled (its batches say `lost_events`).
    onEventsLost: ({ pollMs }) =>
      log(`watch: file events lost; polling the segment every ${pollMs} ms`),
  }).then(
    async (watcher) => {
      if (closed) {
        await watcher.close({ releaseStream: false }); // the session ended during the first scan
        return watcher;
      }
      // Changes made before the watcher started are not events: catch the pack up once.
      await syncPack(undefined).catch((err: unknown) => {
        log(`watch: pack sync at start failed: ${toTrifectaError(err).code}`);
      });
      return watcher;
    },
    (err: unknown) => {
      log(`watch: not started: ${toTrifectaError(err).message}`);
      return undefined;
    },
  );
  return {
    ready: starting.then(() => {}),
    async close() {
      closed = true;
      // The session's process ends next: a stream stuck on a FIFO must not hold it.
      await (await starting)?.close({ releaseStream: false });
    },
  };
}
