/**
 * Watch mode: keep the AST cache, the context pack and (in an MCP session)
 * the language servers fresh from file-system events, debounced, filtered
 * by the walker's own rules, with a full re-scan when events may be lost.
 * See `docs/watch.md`.
 *
 * @module
 */
export {
  DEFAULT_MAX_PENDING,
  EventBuffer,
  type EventBufferOptions,
  type PendingBatch,
  type RawEvent,
  type RescanReason,
  watchedRel,
} from "./events.ts";
export {
  type ApplyOptions,
  applyScan,
  type ChangeSet,
  type DirScan,
  type FileStamp,
  type FileStates,
  isEmptyChange,
  isUnder,
  normaliseChanges,
  scanDir,
} from "./scan.ts";
export { type ScanRoot, scanRootsOf } from "./roots.ts";
export {
  DEFAULT_DEBOUNCE_MS,
  DEFAULT_POLL_MS,
  DEFAULT_RESCAN_INTERVAL_MS,
  MAX_REOPENS,
  MAX_WAIT_MS,
  REOPEN_DELAY_MS,
} from "./defaults.ts";
export {
  type CloseOptions,
  type EventSource,
  SegmentWatcher,
  type WatchBatch,
  type WatcherOptions,
} from "./watcher.ts";
export {
  type PackSyncCounts,
  type PackSyncer,
  refreshBatch,
  type RefreshOptions,
  type RefreshReport,
} from "./refresh.ts";
export {
  hasPack,
  MAX_OWED_PATHS,
  packSyncerFor,
  type PackSyncerOptions,
  withCarryOver,
} from "./pack.ts";
