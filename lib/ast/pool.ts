/**
 * A pool of parse workers sized to the cores. Files are handed out as
 * workers free up (two in flight per worker, so none idles while the main
 * thread handles a reply). A worker that asks to retire (it parsed a file
 * so large that its WebAssembly memory grew, see lib/ast/worker.ts) gets
 * no new file and is terminated once its last reply is in; a fresh worker
 * takes its place when there is work. When workers cannot be used (the
 * bundled build, where `worker.ts` is not beside this module), parsing runs
 * in process.
 *
 * Grammars stick to workers: a grammar costs each worker that loads it its
 * compile and its skeleton query's compile (tree-sitter analyses a query
 * against the grammar's parse table: ~30 ms for Python, ~0.2–0.3 s for
 * TypeScript, ~0.7 s for C++). A free worker takes the first queued file
 * of a grammar it has, and loads another grammar only when no worker has it
 * or enough of its files wait ({@linkcode SHARE_GRAMMAR_AFTER}).
 *
 * @module
 */
import { TrifectaError } from "../errors.ts";
import { DEFAULT_MAX_FILE_BYTES } from "../segment/read.ts";
import type { Segment } from "../segment/segment.ts";
import { jobSource, parseSkeleton } from "./parse_source.ts";
import type { FileTags } from "./tags_extract.ts";
import { tagsOfJob } from "./tags_job.ts";
import type { FileSkeleton, Language } from "./types.ts";
import type { WorkerReply, WorkerRequest } from "./worker_protocol.ts";
import { languageSpec } from "../languages/mod.ts";

/**
 * Queued files of one grammar that make a free worker without the grammar
 * load it too (fewer wait for a worker that has it). Half the
 * parses the batch keeps ahead (lib/ast/skeleton_batch.ts).
 */
export const SHARE_GRAMMAR_AFTER = 16;

/** How far down the queue a free worker looks for a file of a grammar it has. */
const QUEUE_WINDOW = 64;

/** Options for {@linkcode ParsePool}. */
export interface ParsePoolOptions {
  /** Number of workers (default: the number of cores, at most 8). */
  size?: number;
  /** Languages to load in every worker right away. */
  warm?: Language[];
  /** Size cap in bytes (default 2 MiB). */
  maxBytes?: number;
}

/** One file for the pool. */
export interface ParseJob {
  /** The segment the file is read in (through the read boundary). */
  segment: Segment;
  /** Segment-relative path. */
  rel: string;
  /** Absolute path inside the segment. */
  abs: string;
  /** Language. */
  language: Language;
  /**
   * Text the caller already read through the boundary (masked), with
   * `size` and `sha256`; otherwise the worker reads the file.
   */
  text?: string;
  /** Size in bytes of the file, with `text`. */
  size?: number;
  /** sha256 of the raw bytes, with `text`. */
  sha256?: string;
  /** Report the file's mtime and size (needed to fill a cache). */
  wantStat?: boolean;
  /** What to extract: the skeleton (default) or the tags ({@linkcode ParsePool.tags}). */
  task?: "skeleton" | "tags";
  /**
   * The caller has more large files to come: the worker keeps the memory
   * this one grows instead of retiring after it (see {@linkcode ParsePool}).
   */
  keepWorker?: boolean;
}

/** What the pool gives back for one file. */
export type ParseOutcome =
  | { ok: true; skeleton: FileSkeleton; ms: number; mtimeMs?: number; size?: number }
  | { ok: false; code: string; message: string; details?: Record<string, unknown> };

/** What the pool gives back for one file's tags. */
export type TagsOutcome =
  | { ok: true; tags: FileTags; ms: number; mtimeMs?: number; size?: number }
  | { ok: false; code: string; message: string; details?: Record<string, unknown> };

/**
 * What {@linkcode ParsePool.parseJson} gives back for one file: the
 * skeleton as JSON text (`JSON.stringify` of the {@linkcode FileSkeleton}),
 * or the failure.
 */
export type JsonOutcome =
  | { ok: true; json: string; ms: number; mtimeMs?: number; size?: number }
  | { ok: false; code: string; message: string; details?: Record<string, unknown> };

/** A worker's reply without its id: the JSON text, or the failure. */
type Reply = JsonOutcome;

function failure(err: unknown): Reply {
  // A refused or unparsable file is the file's failure, not the batch's.
  if (err instanceof TrifectaError) {
    return { ok: false, code: err.code, message: err.message, details: err.details };
  }
  return {
    ok: false,
    code: "PARSE_FAILED",
    message: err instanceof Error ? err.message : String(err),
  };
}

/** Options of {@linkcode ParsePool.warm}. */
export interface WarmOptions {
  /** How many files of each language are to come. */
  files?: ReadonlyMap<Language, number>;
}

/** The grammar a language is parsed with (JavaScript: TSX). */
function grammarOf(language: Language): string {
  return languageSpec(language).grammar;
}

/** The default pool size: the cores available, at most 8. */
export function defaultPoolSize(): number {
  const n = navigator.hardwareConcurrency || 2;
  return Math.max(1, Math.min(8, n));
}

function workersAvailable(): boolean {
  // In a bundle this module is not `lib/ast/pool.ts`, and worker.ts is gone.
  return new URL(import.meta.url).pathname.endsWith("/lib/ast/pool.ts");
}

interface Slot {
  worker: Worker;
  inFlight: number;
  /** Grammars this worker has loaded or been asked to load. */
  grammars: Set<string>;
  /** Asked to retire: gets no new file, terminated once its last reply is in. */
  retiring: boolean;
}

interface Pending {
  job: ParseJob;
  resolve: (reply: Reply) => void;
  slot?: Slot;
}

/** A pool of parse workers. Call {@linkcode ParsePool.close} when done. */
export class ParsePool {
  /** Number of workers (0 when parsing in process). */
  readonly size: number;
  #slots: Slot[] = [];
  #queue: Pending[] = [];
  #waiting = new Map<number, Pending>();
  #nextId = 1;
  #maxBytes: number;
  #closed = false;
  /** Workers retired and not yet replaced (a replacement starts when there is work). */
  #toReplace = 0;
  #retired = 0;
  #grammarLoads = 0;
  /** Languages warmed so far: a replacement worker loads them too. */
  #warmed: Language[] = [];

  /** Start the workers (they load web-tree-sitter in the background). */
  constructor(options: ParsePoolOptions = {}) {
    this.#maxBytes = options.maxBytes ?? DEFAULT_MAX_FILE_BYTES;
    this.size = workersAvailable() ? (options.size ?? defaultPoolSize()) : 0;
    for (let i = 0; i < this.size; i++) this.#startWorker();
    if (options.warm) this.warm(options.warm);
  }

  /** A new worker; it loads `warm` (default: the languages warmed in every worker). */
  #startWorker(warm: readonly Language[] = this.#warmed): Slot {
    const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
    const slot: Slot = { worker, inFlight: 0, retiring: false, grammars: new Set() };
    worker.onmessage = (event: MessageEvent<WorkerReply>) => this.#onReply(slot, event.data);
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      this.#onWorkerError(slot, event.message);
    };
    this.#warmSlot(slot, warm);
    this.#slots.push(slot);
    return slot;
  }

  #addGrammar(slot: Slot, grammar: string): void {
    if (slot.grammars.has(grammar)) return;
    slot.grammars.add(grammar);
    this.#grammarLoads++;
  }

  #warmSlot(slot: Slot, languages: readonly Language[]): void {
    const fresh = languages.filter((l) => !slot.grammars.has(grammarOf(l)));
    if (fresh.length === 0) return;
    for (const l of fresh) this.#addGrammar(slot, grammarOf(l));
    slot.worker.postMessage({ type: "warm", languages: fresh } satisfies WorkerRequest);
  }

  /** True while files go to workers: one is running, or a retired one is to be replaced. */
  #inWorkers(): boolean {
    return this.#slots.length > 0 || this.#toReplace > 0;
  }

  /** Workers retired so far, each after a file that grew its WebAssembly memory. */
  get retired(): number {
    return this.#retired;
  }

  /** Grammars loaded (or asked for) by the workers so far, one per worker and grammar. */
  get grammarLoads(): number {
    return this.#grammarLoads;
  }

  /**
   * Load these grammars now: in every worker, or, given how many files of
   * each language are to come (`options.files`), a language in a share of
   * the workers that matches its share of the files (at least one worker).
   */
  warm(languages: readonly Language[], options: WarmOptions = {}): void {
    if (languages.length === 0) return;
    const files = options.files;
    const total = files ? languages.reduce((n, l) => n + (files.get(l) ?? 0), 0) : 0;
    const slots = this.#slots.filter((s) => !s.retiring);
    for (const language of languages) {
      const share = total > 0 ? (files?.get(language) ?? 0) / total : 1;
      const k = Math.max(1, Math.round(share * slots.length));
      if (k >= slots.length) this.#warmed = [...new Set([...this.#warmed, language])];
      // The workers with the fewest grammars first.
      const chosen = [...slots].sort((a, b) => a.grammars.size - b.grammars.size).slice(0, k);
      for (const slot of chosen) this.#warmSlot(slot, [language]);
    }
  }

  /** Parse one file (in a worker, or in process when the pool has none). */
  parse(job: ParseJob): Promise<ParseOutcome> {
    if (this.#closed) return Promise.reject(new Error("ParsePool is closed"));
    if (!this.#inWorkers()) return this.#inProcess(job);
    return this.#submit({ ...job, task: "skeleton" }).then((r): ParseOutcome =>
      r.ok
        ? {
          ok: true,
          skeleton: JSON.parse(r.json) as FileSkeleton,
          ms: r.ms,
          mtimeMs: r.mtimeMs,
          size: r.size,
        }
        : r
    );
  }

  /**
   * Parse one file and keep its skeleton as the JSON text the worker made:
   * no `JSON.parse` on the main thread, for a caller that stores or writes
   * the text as is (and parses it only when it needs the object).
   */
  parseJson(job: ParseJob): Promise<JsonOutcome> {
    if (this.#closed) return Promise.reject(new Error("ParsePool is closed"));
    return !this.#inWorkers()
      ? this.#inProcessReply({ ...job, task: "skeleton" })
      : this.#submit({ ...job, task: "skeleton" });
  }

  /** The tags of one file (lib/ast/tags.ts), in a worker or in process. */
  tags(job: ParseJob): Promise<TagsOutcome> {
    if (this.#closed) return Promise.reject(new Error("ParsePool is closed"));
    const reply = !this.#inWorkers()
      ? this.#inProcessReply({ ...job, task: "tags" })
      : this.#submit({ ...job, task: "tags" });
    return reply.then((r): TagsOutcome =>
      r.ok
        ? {
          ok: true,
          tags: JSON.parse(r.json) as FileTags,
          ms: r.ms,
          mtimeMs: r.mtimeMs,
          size: r.size,
        }
        : r
    );
  }

  #submit(job: ParseJob): Promise<Reply> {
    return new Promise((resolve) => {
      this.#queue.push({ job, resolve });
      this.#pump();
    });
  }

  /** A job run in process, answered as a worker would. */
  async #inProcessReply(job: ParseJob): Promise<Reply> {
    if (job.task !== "tags") {
      const o = await this.#inProcess(job);
      if (!o.ok) return o;
      const { skeleton, ...rest } = o;
      return { ...rest, json: JSON.stringify(skeleton) };
    }
    const start = performance.now();
    try {
      const { tags, mtimeMs, size } = await tagsOfJob(job, this.#maxBytes);
      const stat = job.wantStat && mtimeMs !== undefined;
      const ms = performance.now() - start;
      return { ok: true, json: JSON.stringify(tags), ms, mtimeMs, size: stat ? size : undefined };
    } catch (err) {
      return failure(err);
    }
  }

  /** Terminate the workers. */
  close(): void {
    this.#closed = true;
    for (const slot of this.#slots) slot.worker.terminate();
    this.#slots = [];
    for (const p of [...this.#queue, ...this.#waiting.values()]) {
      p.resolve({ ok: false, code: "PARSE_FAILED", message: "parse pool closed" });
    }
    this.#queue = [];
    this.#waiting.clear();
  }

  async #inProcess(job: ParseJob): Promise<ParseOutcome> {
    const start = performance.now();
    try {
      const { text, size, sha256, mtimeMs } = jobSource(job, this.#maxBytes);
      const skeleton = await parseSkeleton(
        { rel: job.rel, language: job.language, text, size, sha256 },
        { maxBytes: this.#maxBytes },
      );
      return {
        ok: true,
        skeleton,
        ms: performance.now() - start,
        mtimeMs,
        size: mtimeMs === undefined ? undefined : size,
      };
    } catch (err) {
      // A refused or unparsable file is the file's failure, not the batch's.
      if (err instanceof TrifectaError) {
        return { ok: false, code: err.code, message: err.message, details: err.details };
      }
      throw err;
    }
  }

  #pump(): void {
    let sent = true;
    while (sent && this.#queue.length > 0) {
      sent = false;
      for (const slot of this.#freeSlots()) {
        const index = this.#jobFor(slot);
        if (index < 0) continue;
        const [pending] = this.#queue.splice(index, 1) as [Pending];
        this.#send(slot, pending);
        sent = true;
        break;
      }
    }
  }

  /** Workers that can take a file, fewest in flight first (a replacement is started if one is due). */
  #freeSlots(): Slot[] {
    const free = this.#slots.filter((s) => !s.retiring && s.inFlight < 2);
    if (free.length === 0 && this.#toReplace > 0) {
      this.#toReplace--;
      return [this.#startWorker()];
    }
    return free.sort((a, b) => a.inFlight - b.inFlight);
  }

  /**
   * The queued file `slot` should take (among the first {@linkcode QUEUE_WINDOW}):
   * the first of a grammar it has; else the first whose grammar no other
   * worker has, or of which enough files wait; else the first, when no other
   * worker has a file in flight (nothing would pump again); else -1: none now.
   */
  #jobFor(slot: Slot): number {
    const head = this.#queue[0];
    if (head && slot.grammars.has(grammarOf(head.job.language))) return 0;
    const window = this.#queue.slice(0, QUEUE_WINDOW).map((p) => grammarOf(p.job.language));
    const mine = window.findIndex((g) => slot.grammars.has(g));
    if (mine >= 0) return mine;
    const others = this.#slots.filter((s) => s !== slot && !s.retiring);
    const waiting = new Map<string, number>();
    for (const g of window) waiting.set(g, (waiting.get(g) ?? 0) + 1);
    const shared = window.findIndex((g) =>
      !others.some((s) => s.grammars.has(g)) || (waiting.get(g) ?? 0) >= SHARE_GRAMMAR_AFTER
    );
    if (shared >= 0) return shared;
    return others.some((s) => s.inFlight > 0) ? -1 : 0;
  }

  #send(slot: Slot, pending: Pending): void {
    const id = this.#nextId++;
    pending.slot = slot;
    this.#waiting.set(id, pending);
    slot.inFlight++;
    this.#addGrammar(slot, grammarOf(pending.job.language));
    const { job } = pending;
    const req: WorkerRequest = {
      type: "parse",
      id,
      segment: job.segment,
      rel: job.rel,
      abs: job.abs,
      language: job.language,
      text: job.text,
      size: job.size,
      sha256: job.sha256,
      maxBytes: this.#maxBytes,
      wantStat: job.wantStat ?? false,
      task: job.task,
    };
    slot.worker.postMessage(req);
  }

  #onReply(slot: Slot, reply: WorkerReply): void {
    slot.inFlight--;
    const pending = this.#waiting.get(reply.id);
    this.#waiting.delete(reply.id);
    if (pending) {
      pending.resolve(
        reply.ok
          ? { ok: true, json: reply.json, ms: reply.ms, mtimeMs: reply.mtimeMs, size: reply.size }
          : { ok: false, code: reply.code, message: reply.message, details: reply.details },
      );
    }
    if (reply.retire === true && !slot.retiring && pending?.job.keepWorker !== true) {
      slot.retiring = true;
      this.#retired++;
      this.#toReplace++;
    }
    if (slot.retiring && slot.inFlight === 0) {
      slot.worker.terminate();
      this.#slots = this.#slots.filter((s) => s !== slot);
    }
    this.#pump();
  }

  #onWorkerError(slot: Slot, message: string): void {
    // A worker that died (e.g. out of memory) fails its jobs; the others go on.
    slot.worker.terminate();
    this.#slots = this.#slots.filter((s) => s !== slot);
    for (const [id, p] of this.#waiting) {
      if (p.slot !== slot) continue;
      this.#waiting.delete(id);
      p.resolve({ ok: false, code: "PARSE_FAILED", message: `parse worker failed: ${message}` });
    }
    if (!this.#inWorkers()) {
      const queued = this.#queue;
      this.#queue = [];
      for (const p of queued) {
        this.#inProcessReply(p.job).then(p.resolve, (err: unknown) => p.resolve(failure(err)));
      }
    } else this.#pump();
  }
}
