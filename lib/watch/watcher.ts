/**
 * A watcher over one segment: `Deno.watchFs` (recursive) feeds an
 * {@linkcode EventBuffer}; after a quiet spell (the debounce, default
 * {@linkcode DEFAULT_DEBOUNCE_MS}, at most {@linkcode MAX_WAIT_MS} under a
 * steady stream) the pending paths become scan roots, each root is
 * re-scanned by the walker and compared with what was known, and one
 * {@linkcode WatchBatch} of added, changed and deleted files is handed to
 * `onBatch`. Batches never overlap: events that arrive meanwhile wait for
 * the next one.
 *
 * When events may have been lost the whole segment is re-scanned instead
 * (a stat walk compared with the last known state): the platform said so
 * (`rescan` flag, e.g. an inotify queue overflow), more paths were pending
 * than the bound, the event stream failed (it is reopened; if it cannot be,
 * the re-scan runs every `pollMs`), and every `rescanIntervalMs` as a
 * periodic check.
 *
 * An event stream can also go silent without failing (on Linux, Deno's
 * watcher thread blocks for good opening a FIFO made in the tree). So while
 * no event arrives, a silence check stat-walks the segment every `checkMs`;
 * when it sees a change and no event follows within {@linkcode LOST_GRACE_MS},
 * the events are lost: a full re-scan (`lost_events`) reports the change,
 * `onEventsLost` is called, and from then on the segment is polled every
 * {@linkcode LOST_POLL_MS}.
 *
 * The configuration is live (lib/config/live.ts): before each batch the
 * config files are checked (a stat; read again only when one moved), and
 * every {@linkcode CONFIG_CHECK_MS} a stat alone asks for a batch when they
 * moved. When the `deny` or `ignore` globs changed, the batch is a full
 * re-scan under the new globs (`config_changed`: a newly denied or ignored
 * file is reported deleted, a re-allowed one added) and carries the new
 * segment (`WatchBatch.segment`), which the refresh reads and syncs through.
 *
 * @module
 */
import { LiveConfig } from "../config/live.ts";
import { TrifectaError } from "../errors.ts";
import type { Segment } from "../segment/mod.ts";
import {
  CHECK_COST_FACTOR,
  CONFIG_CHECK_MS,
  DEFAULT_CHECK_MS,
  DEFAULT_DEBOUNCE_MS,
  DEFAULT_POLL_MS,
  DEFAULT_RESCAN_INTERVAL_MS,
  LOST_GRACE_MS,
  LOST_POLL_MS,
  MAX_REOPENS,
  MAX_WAIT_MS,
  REOPEN_DELAY_MS,
} from "./defaults.ts";
import { EventBuffer, type RawEvent, type RescanReason } from "./events.ts";
import { scanRootsOf } from "./roots.ts";
import {
  applyScan,
  type ChangeSet,
  differs,
  type FileStates,
  isEmptyChange,
  normaliseChanges,
  scanDir,
} from "./scan.ts";

/** One batch of changes. */
export interface WatchBatch extends ChangeSet {
  /** Time to find the changes (ms), not counting `onBatch`. */
  ms: number;
  /** Set when the batch came from a full re-scan, and why. */
  rescan?: RescanReason;
  /** The segment (with the config's globs) it was scanned under: read and sync through it. */
  segment?: Segment;
}

/** Options for {@linkcode SegmentWatcher.close}. */
export interface CloseOptions {
  /**
   * Close the event stream (default true). `false` leaves it to the
   * process's exit (see {@linkcode SegmentWatcher.close}).
   */
  releaseStream?: boolean;
}

/** The source of raw events (`Deno.watchFs` by default). */
export type EventSource = (root: string) => AsyncIterable<RawEvent> & { close(): void };

/** Options for {@linkcode SegmentWatcher.start}. */
export interface WatcherOptions {
  /** Called with each non-empty batch; the next waits for it to settle. */
  onBatch: (batch: WatchBatch) => Promise<void> | void;
  /** Called with what went wrong (a failed batch, a failed event stream); default: ignored. */
  onError?: (err: unknown, what: string) => void;
  /** Debounce (ms, default {@linkcode DEFAULT_DEBOUNCE_MS}). */
  debounceMs?: number;
  /** Period of the full re-scan (ms, default {@linkcode DEFAULT_RESCAN_INTERVAL_MS}; 0: none). */
  rescanIntervalMs?: number;
  /** Re-scan period when events cannot be watched (ms, default {@linkcode DEFAULT_POLL_MS}). */
  pollMs?: number;
  /** Paths pending at most before a full re-scan replaces them. */
  maxPending?: number;
  /** Where events come from (default `Deno.watchFs`, recursive). */
  source?: EventSource;
  /** Period of the silence check (ms, default {@linkcode DEFAULT_CHECK_MS}; 0: none). */
  checkMs?: number;
  /** Called once when the silence check finds the event stream lost (then polled every `pollMs`). */
  onEventsLost?: (info: { pollMs: number }) => void;
  /**
   * Follow the config files (default true; see the module doc). An MCP
   * session passes false: it re-reads them itself and restarts its watcher.
   * A config file that no longer loads, or a new warning, is told to
   * `onError` (what: `config`) once.
   */
  reloadConfig?: boolean;
}

function denoSource(root: string): AsyncIterable<RawEvent> & { close(): void } {
  return Deno.watchFs(root, { recursive: true });
}

/** Watches one segment (see the module doc). */
export class SegmentWatcher {
  #segment: Segment;
  #opts: WatcherOptions;
  #buffer: EventBuffer;
  #known: FileStates = new Map();
  #source: (AsyncIterable<RawEvent> & { close(): void }) | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #firstPendingAt = 0;
  #periodic: ReturnType<typeof setInterval> | undefined;
  #running: Promise<void> | undefined;
  #reopen: ReturnType<typeof setTimeout> | undefined;
  #started = false;
  #failures = 0;
  #closed = false;
  #polling = false;
  #lost = false;
  #check: ReturnType<typeof setInterval> | undefined;
  #checking: Promise<void> | undefined;
  #live: LiveConfig | undefined;
  #configTimer: ReturnType<typeof setInterval> | undefined;
  /** Events received so far (any, even dropped ones): proof the stream is alive. */
  #eventCount = 0;
  #lastCheckCount = 0;
  /** When the last silence check ended, and what its walk cost (ms). */
  #lastCheck = { endedAt: 0, scanMs: 0 };

  private constructor(segment: Segment, options: WatcherOptions) {
    this.#segment = segment;
    this.#opts = options;
    this.#buffer = new EventBuffer(segment.root, { maxPending: options.maxPending });
  }

  /**
   * Start watching: the event stream is opened first, then the segment is
   * scanned once (so nothing between the two is missed). Resolves when the
   * watcher is live.
   */
  static async start(segment: Segment, options: WatcherOptions): Promise<SegmentWatcher> {
    const live = options.reloadConfig === false ? undefined : await LiveConfig.open(segment, {
      warn: (n) => options.onError?.(new TrifectaError(n.code, n.message), "config"),
    });
    const watcher = new SegmentWatcher(live?.segment ?? segment, options);
    watcher.#live = live;
    watcher.#open();
    try {
      watcher.#known = await scanDir(live?.segment ?? segment, "");
    } catch (err) {
      await watcher.close(); // the stream is open: release it
      throw err;
    }
    // Events during the first scan waited for it (they compare against its result).
    watcher.#started = true;
    if (!watcher.#buffer.empty) watcher.#schedule();
    const every = options.rescanIntervalMs ?? DEFAULT_RESCAN_INTERVAL_MS;
    if (every > 0 && !watcher.#polling) watcher.#every(every, "periodic");
    const check = options.checkMs ?? DEFAULT_CHECK_MS;
    if (check > 0) watcher.#check = setInterval(() => watcher.#silenceCheck(), check);
    if (live !== undefined) {
      watcher.#configTimer = setInterval(() => {
        if (!live.moved() || watcher.#closed) return;
        watcher.#buffer.requestRescan("config_changed");
        watcher.#schedule();
      }, CONFIG_CHECK_MS);
    }
    return watcher;
  }

  /** Files the watcher knows of now. */
  get fileCount(): number {
    return this.#known.size;
  }

  /** True when no event stream could be opened and the segment is polled instead. */
  get polling(): boolean {
    return this.#polling;
  }

  /** True once the silence check found changes no event reported (the segment is then polled). */
  get eventsLost(): boolean {
    return this.#lost;
  }

  /** Process what is pending now, without waiting for the debounce; resolves when done. */
  async flush(): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
    if (!this.#buffer.empty) await this.#run();
  }

  /**
   * Stop: timers are cleared, the event stream is closed and a running batch
   * is awaited. A process that ends right after may pass
   * `releaseStream: false`: the stream is then left to the exit, because
   * releasing it joins the watcher's thread, and that thread never returns
   * while it is stuck opening a FIFO made in the segment (Deno 2.9.6), which
   * would hang the process at its end (docs/watch.md).
   */
  async close(options: CloseOptions = {}): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#periodic !== undefined) clearInterval(this.#periodic);
    if (this.#check !== undefined) clearInterval(this.#check);
    if (this.#configTimer !== undefined) clearInterval(this.#configTimer);
    if (this.#reopen !== undefined) clearTimeout(this.#reopen);
    if (options.releaseStream !== false) this.#closeSource();
    await this.#running;
    await this.#checking;
  }

  #closeSource(): void {
    try {
      this.#source?.close();
    } catch (err) {
      // Closing a stream that already failed: nothing is left to release.
      this.#opts.onError?.(err, "close_events");
    }
    this.#source = undefined;
  }

  #open(): void {
    try {
      this.#source = (this.#opts.source ?? denoSource)(this.#segment.root);
    } catch (err) {
      this.#streamFailed(err);
      return;
    }
    this.#pump(this.#source).catch((err: unknown) => this.#streamFailed(err));
  }

  /**
   * The stream could not be opened or ended in an error: events may be
   * lost. Re-scan, then reopen after a pause; after MAX_REOPENS failures in
   * a row (e.g. out of inotify watches), poll instead.
   */
  #streamFailed(err: unknown): void {
    this.#opts.onError?.(err, "watch_events");
    if (this.#closed) return;
    this.#closeSource();
    this.#buffer.requestRescan("watch_error");
    this.#schedule();
    this.#failures += 1;
    if (this.#failures >= MAX_REOPENS) {
      this.#polling = true;
      this.#every(this.#opts.pollMs ?? DEFAULT_POLL_MS, "watch_error");
      return;
    }
    this.#reopen = setTimeout(() => {
      this.#reopen = undefined;
      if (!this.#closed) this.#open();
    }, REOPEN_DELAY_MS);
  }

  async #pump(source: AsyncIterable<RawEvent>): Promise<void> {
    for await (const event of source) {
      if (this.#closed) return;
      this.#eventCount += 1;
      this.#failures = 0;
      if (this.#buffer.add(event)) this.#schedule();
    }
  }

  /**
   * While events are silent (none since the last check, nothing pending or
   * running), stat-walk the segment; a difference no event explains within
   * the grace means the stream is lost.
   */
  #silenceCheck(): void {
    const quiet = this.#eventCount === this.#lastCheckCount;
    this.#lastCheckCount = this.#eventCount;
    if (
      !quiet || this.#checking !== undefined || this.#lost || this.#polling || this.#closed ||
      this.#running !== undefined || this.#timer !== undefined || !this.#buffer.empty
    ) return;
    // At most ~10% of a core: a tree whose walk is slow is checked less often.
    const since = performance.now() - this.#lastCheck.endedAt;
    if (since < CHECK_COST_FACTOR * this.#lastCheck.scanMs) return;
    const seen = this.#eventCount;
    const began = performance.now();
    this.#checking = scanDir(this.#segment, "").then((fresh) => {
      this.#lastCheck = { endedAt: performance.now(), scanMs: performance.now() - began };
      if (this.#closed || !differs(this.#known, fresh)) return;
      return new Promise<void>((resolve) => setTimeout(resolve, LOST_GRACE_MS)).then(() => {
        if (this.#closed || this.#eventCount !== seen || this.#running !== undefined) return;
        this.#eventsLost();
      });
    }).catch((err: unknown) => this.#opts.onError?.(err, "scan")).finally(() => {
      this.#checking = undefined;
    });
  }

  /** The stream went silent: re-scan now, report it, poll from now on (the stream stays open). */
  #eventsLost(): void {
    this.#lost = true;
    if (this.#check !== undefined) clearInterval(this.#check);
    this.#check = undefined;
    this.#buffer.requestRescan("lost_events");
    this.#schedule();
    const pollMs = Math.min(this.#opts.pollMs ?? LOST_POLL_MS, LOST_POLL_MS);
    this.#every(pollMs, "lost_events");
    this.#opts.onEventsLost?.({ pollMs });
  }

  #every(ms: number, reason: RescanReason): void {
    if (this.#periodic !== undefined) clearInterval(this.#periodic);
    this.#periodic = setInterval(() => {
      this.#buffer.requestRescan(reason);
      this.#schedule();
    }, ms);
  }

  /** (Re)arm the debounce; a stream that never pauses still fires after MAX_WAIT_MS. */
  #schedule(): void {
    if (this.#closed || !this.#started) return;
    const now = performance.now();
    if (this.#timer === undefined) this.#firstPendingAt = now;
    else clearTimeout(this.#timer);
    const debounce = this.#opts.debounceMs ?? DEFAULT_DEBOUNCE_MS;
    const wait = Math.max(0, Math.min(debounce, this.#firstPendingAt + MAX_WAIT_MS - now));
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#run().catch((err: unknown) => this.#opts.onError?.(err, "batch"));
    }, wait);
  }

  /** One batch at a time; what arrives meanwhile is scheduled after it. */
  async #run(): Promise<void> {
    if (this.#running) return;
    let failed = false;
    this.#running = this.#batch().catch((err: unknown) => {
      // The scan itself failed: what it took is owed to a full re-scan, run
      // at the next event or periodic check (not at once: a lasting fault
      // would spin).
      failed = true;
      this.#opts.onError?.(err, "scan");
      this.#buffer.requestRescan("watch_error");
    }).finally(() => {
      this.#running = undefined;
      if (!failed && !this.#buffer.empty) this.#schedule();
    });
    await this.#running;
  }

  /** A changed config's globs apply from this batch on: a full re-scan under them. */
  async #followConfig(): Promise<void> {
    const reload = await this.#live?.check();
    if (reload === undefined || !reload.globsChanged) return;
    this.#segment = reload.segment;
    this.#buffer.requestRescan("config_changed");
  }

  async #batch(): Promise<void> {
    const began = performance.now();
    await this.#followConfig();
    const pending = this.#buffer.take();
    let changes: ChangeSet;
    if (pending.rescan !== undefined) {
      const fresh = await scanDir(this.#segment, "");
      changes = applyScan(this.#known, { dirRel: "", fresh });
    } else {
      const touched = new Set(pending.paths);
      const parts: ChangeSet[] = [];
      for (const root of scanRootsOf(this.#segment, pending.paths)) {
        const fresh = root.gone ? new Map() : await scanDir(this.#segment, root.dirRel);
        parts.push(applyScan(this.#known, { dirRel: root.dirRel, fresh }, { touched }));
      }
      changes = normaliseChanges(parts);
    }
    if (isEmptyChange(changes) || this.#closed) return;
    const batch: WatchBatch = {
      ...changes,
      ms: Math.round(performance.now() - began),
      segment: this.#segment,
    };
    if (pending.rescan !== undefined) batch.rescan = pending.rescan;
    try {
      await this.#opts.onBatch(batch);
    } catch (err) {
      // One failed refresh must not stop the watcher: report it, go on.
      this.#opts.onError?.(err, "batch");
    }
  }
}
