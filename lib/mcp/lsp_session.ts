/**
 * The session's language servers: one warm {@linkcode LspClient} per
 * language family, started when the session starts (the segment's main
 * family) or at the first question (the others), asked only when READY, with the AST fallback and
 * its named reason otherwise (the same rules as `trifecta lsp …`).
 *
 * Freshness: every file the server was shown (opened) or named in an answer
 * is remembered with its mtime and size. Before each question the session
 * stats them; a file that changed is sent again (`didOpen`/`didChange`
 * with the current text), so the server never answers from an old copy.
 * With watch mode on (lib/mcp/session_watch.ts) the session is also told
 * of every batch of changes ({@linkcode LspSession.filesChanged}): running
 * servers get `workspace/didChangeWatchedFiles` for the files of their
 * language (so they learn about files they were never shown), open
 * documents that changed get their new text, deleted ones `didClose`.
 *
 * Boundary: every file text comes through the read boundary; before each
 * question the session revalidates its scan of the segment
 * (lib/lsp/segment_guard.ts, a stat per directory): while the segment has
 * unsafe links, denied sources or an unsafe server config, no server is
 * asked (that fallback reason, AST answer) and running servers are shut
 * down, since they may hold what they read through them.
 *
 * @module
 */
import { join } from "../path.ts";
import { TrifectaError } from "../errors.ts";
import type { AstCache } from "../cache/mod.ts";
import {
  type DiscoveryMiss,
  fallbackAnswer,
  fallbackReasonOf,
  findServer,
  fullResponse,
  isServerCommand,
  LspClient,
  type LspConfig,
  lspConfig,
  LspUnavailableError,
  pathToUri,
  performQuestion,
  type QueryOutcome,
  type QueryRequest,
  reasonOfUnavailable,
  type ServerLanguage,
  serverLanguageOf,
  warmupTarget,
} from "../lsp/mod.ts";
import { GuardCache } from "../lsp/segment_guard.ts";
import { readInside, type Segment } from "../segment/mod.ts";
import type { Telemetry } from "../telemetry/mod.ts";

/** Options for {@linkcode LspSession}. */
export interface LspSessionOptions {
  /** Telemetry for lsp events. */
  telemetry?: Telemetry;
  /** Opens the session's AST cache (for the fallback). */
  openCache: () => Promise<AstCache>;
  /** Settings (default: from the environment). */
  config?: LspConfig;
}

/** Files changed on disk, segment-relative (a watcher's batch). */
export interface FileChanges {
  /** New files. */
  added: readonly string[];
  /** Changed files. */
  changed: readonly string[];
  /** Deleted files. */
  deleted: readonly string[];
}

/** LSP `FileChangeType`: Created 1, Changed 2, Deleted 3. */
const CHANGE_TYPE = { added: 1, changed: 2, deleted: 3 } as const;

/** How often a crashed server is started again in one session. */
const MAX_RESTARTS = 2;

interface Tracked {
  mtimeMs: number;
  size: number;
}

interface ClientSlot {
  client: LspClient;
  tracked: Map<string, Tracked>;
}

async function statOf(abs: string): Promise<Tracked | undefined> {
  try {
    const info = await Deno.stat(abs);
    return { mtimeMs: info.mtime?.getTime() ?? 0, size: info.size };
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
}

/** Warm language servers for one MCP session (see the module doc). */
export class LspSession {
  #segment: Segment;
  #opts: LspSessionOptions;
  #config: LspConfig;
  #slots = new Map<ServerLanguage, ClientSlot>();
  /** Why no server runs for a language (kept: discovery is not repeated). */
  #missing = new Map<ServerLanguage, DiscoveryMiss>();
  #starts = new Map<ServerLanguage, number>();
  #pending = new Map<ServerLanguage, Promise<ClientSlot | undefined>>();
  #closed = false;
  #guard: GuardCache;

  /** Create a session; nothing is spawned until {@linkcode LspSession.warmUp} or a question. */
  constructor(segment: Segment, options: LspSessionOptions) {
    this.#segment = segment;
    this.#opts = options;
    this.#config = options.config ?? lspConfig();
    this.#guard = new GuardCache(segment);
  }

  /** Process ids of the running servers (for tests and shutdown checks). */
  get pids(): number[] {
    return [...this.#slots.values()].map((s) => s.client.pid).filter((p): p is number =>
      p !== undefined
    );
  }

  /** State of the server of `language`, or `NONE`. */
  stateOf(language: ServerLanguage): string {
    return this.#slots.get(language)?.client.state ?? "NONE";
  }

  /**
   * Start the server of the segment's main language family (the one with
   * the most files, lib/lsp/servers.ts) on its first file, so it is READY
   * by the first question. Does nothing when the LSP is off, no file has a
   * server, or no server is installed.
   */
  async warmUp(): Promise<void> {
    if (!this.#config.enabled) return;
    if (this.#guard.verdict()) return; // no server while the segment is unsafe
    const target = await warmupTarget(this.#segment);
    if (!target || this.#closed || this.#slots.has(target.language)) return;
    const { abs } = target.file;
    const { text } = await readInside(this.#segment, abs, { unmaskedForLocalServer: true });
    await this.#slot(target.language, { abs, text });
  }

  /** Answer one question (definition, hover, references, diagnostics). */
  async answer(request: QueryRequest): Promise<QueryOutcome> {
    const { text } = await readInside(this.#segment, request.file.abs, {
      unmaskedForLocalServer: true,
    });
    const file = { ...request.file, text };
    const fallback = (
      reason: Parameters<typeof fallbackAnswer>[2]["reason"],
      via: QueryOutcome["via"],
      state: QueryOutcome["state"],
      detail?: string,
    ) =>
      fallbackAnswer(this.#segment, { ...request, file }, {
        telemetry: this.#opts.telemetry,
        openCache: this.#opts.openCache,
        reason,
        via,
        state,
        detail,
      });
    if (!this.#config.enabled) return fallback("lsp_disabled", "none", "NONE");
    const language = serverLanguageOf(file.rel);
    if (!language) return fallback("lsp_binary_not_found", "none", "NONE");
    const verdict = this.#guard.verdict();
    if (verdict) {
      // Servers that ran meanwhile may hold what they read through the unsafe paths.
      await this.#closeServers();
      return fallback(verdict.reason, "none", "NONE", verdict.detail);
    }
    const slot = await this.#slot(language, { abs: file.abs, text });
    if (!slot) {
      const miss = this.#missing.get(language);
      return fallback(miss?.reason ?? "lsp_binary_not_found", "none", "NONE", miss?.detail);
    }
    const client = slot.client;
    const state = await client.waitReady(this.#config.readyTimeoutMs);
    if (state !== "READY") {
      return fallback(fallbackReasonOf(state, client.failReason), "oneshot", state);
    }
    try {
      await this.#refresh(slot);
      const data = await performQuestion(client, this.#segment, { ...request, ...file }, {
        timeoutMs: this.#config.requestTimeoutMs,
      });
      await this.#track(slot, file.abs);
      for (const loc of data.locations ?? []) {
        if (!loc.path.startsWith("external/")) {
          await this.#track(slot, join(this.#segment.root, loc.path));
        }
      }
      return {
        response: fullResponse(client.server.backend, data),
        via: "oneshot",
        state: client.state,
      };
    } catch (err) {
      if (err instanceof LspUnavailableError) {
        return fallback(reasonOfUnavailable(err, client), "oneshot", client.state);
      }
      throw err;
    }
  }

  /**
   * Tell the running servers what changed on disk (see the module doc).
   * Nothing is sent while the segment is unsafe (the next question shuts
   * the servers down). Returns how many servers were told.
   */
  async filesChanged(changes: FileChanges): Promise<number> {
    if (this.#closed || this.#guard.verdict()) return 0;
    let told = 0;
    for (const [language, slot] of this.#slots) {
      if (slot.client.state !== "READY") continue;
      const events = (["added", "changed", "deleted"] as const).flatMap((kind) =>
        changes[kind]
          .filter((rel) => serverLanguageOf(rel) === language)
          .map((rel) => ({
            uri: pathToUri(join(this.#segment.root, rel)),
            type: CHANGE_TYPE[kind],
          }))
      );
      for (const rel of changes.deleted) {
        const abs = join(this.#segment.root, rel);
        if (slot.tracked.delete(abs)) await slot.client.closeFile(abs);
      }
      await this.#refresh(slot);
      if (
        events.length > 0 &&
        await slot.client.notify("workspace/didChangeWatchedFiles", { changes: events })
      ) {
        told += 1;
      }
    }
    return told;
  }

  /** Shut the servers down, keeping the session open (they start again when needed). */
  async #closeServers(): Promise<void> {
    const slots = [...this.#slots.values()];
    this.#slots.clear();
    await Promise.all(slots.map((s) => s.client.shutdown()));
  }

  /** Shut every server down (`shutdown`/`exit`, then a kill after a grace period). */
  async close(): Promise<void> {
    this.#closed = true;
    // A start under way (the warm-up) ends first, so its server is shut down with the rest.
    await Promise.allSettled([...this.#pending.values()]);
    const slots = [...this.#slots.values()];
    this.#slots.clear();
    await Promise.all(slots.map((s) => s.client.shutdown()));
  }

  /**
   * The language's running slot, or one started now. One start at a time
   * per language: discovery runs the sandbox probe, and a question arriving
   * during the warm-up must wait for that start, not begin a second one.
   */
  #slot(
    language: ServerLanguage,
    warmup: { abs: string; text: string },
  ): Promise<ClientSlot | undefined> {
    const pending = this.#pending.get(language);
    if (pending) return pending;
    const started = this.#startSlot(language, warmup).finally(() => {
      this.#pending.delete(language);
    });
    this.#pending.set(language, started);
    return started;
  }

  async #startSlot(
    language: ServerLanguage,
    warmup: { abs: string; text: string },
  ): Promise<ClientSlot | undefined> {
    const known = this.#slots.get(language);
    if (known && known.client.state !== "FAILED" && known.client.state !== "CLOSED") return known;
    if (this.#missing.has(language) || this.#closed) return known;
    const starts = this.#starts.get(language) ?? 0;
    if (known && starts > MAX_RESTARTS) return known;
    const server = await findServer(language, { root: this.#segment.root });
    if (!isServerCommand(server)) {
      this.#missing.set(language, server);
      return undefined;
    }
    if (known) await known.client.shutdown();
    // Closed while the server was being found: start nothing that no one would end.
    if (this.#closed) return undefined;
    const client = new LspClient(server, {
      root: this.#segment.root,
      language,
      telemetry: this.#opts.telemetry,
      requestTimeoutMs: this.#config.requestTimeoutMs,
    });
    this.#starts.set(language, starts + 1);
    const slot: ClientSlot = { client, tracked: new Map() };
    this.#slots.set(language, slot);
    client.start(warmup);
    // The warm-up file is open in the server from now on: watch it too.
    const st = await statOf(warmup.abs);
    if (st) slot.tracked.set(warmup.abs, st);
    return slot;
  }

  async #track(slot: ClientSlot, abs: string): Promise<void> {
    const st = await statOf(abs);
    if (st) slot.tracked.set(abs, st);
  }

  /** Send the current text of every remembered file that changed on disk. */
  async #refresh(slot: ClientSlot): Promise<void> {
    for (const [abs, seen] of slot.tracked) {
      const now = await statOf(abs);
      if (!now) {
        slot.tracked.delete(abs);
        continue;
      }
      if (now.mtimeMs === seen.mtimeMs && now.size === seen.size) continue;
      let text: string;
      try {
        ({ text } = await readInside(this.#segment, abs, { unmaskedForLocalServer: true }));
      } catch (err) {
        // Refused now (swapped for a link, denied, too large): never sent again.
        if (!(err instanceof TrifectaError)) throw err;
        slot.tracked.delete(abs);
        continue;
      }
      await slot.client.syncFile({ abs, text });
      slot.tracked.set(abs, now);
    }
  }
}
