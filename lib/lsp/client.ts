/**
 * A language-server client with the READY state machine:
 *
 * COLD → WARMING (spawned, `initialize` sent) → READY (`initialize`
 * answered, `initialized` sent, the warm-up file opened, and
 * `publishDiagnostics` received for that file's URI) → CLOSED after
 * `shutdown`/`exit`. Any failure (spawn error, handshake error, crash or
 * exit) → FAILED, with the exit code in the `lsp.state_change` event.
 * Requests go out only when READY.
 *
 * The process is in lib/lsp/server_process.ts, what is said to the server
 * in lib/lsp/client_protocol.ts, the states and errors in
 * lib/lsp/client_state.ts.
 *
 * @module
 */
import { relpath } from "../segment/mod.ts";
import { elapsedMs, monotonicMs, type Telemetry } from "../telemetry/mod.ts";
import {
  answerServerRequest,
  DocumentStore,
  initializeParams,
  type LspDiagnostic,
  pathToUri,
} from "./client_protocol.ts";
import { type LspState, LspUnavailableError, requestFailure } from "./client_state.ts";
import type { ServerCommand } from "./discovery.ts";
import { languageIdOf, type ServerLanguage } from "./servers.ts";
import { JsonRpcConnection, RpcTimeoutError } from "./jsonrpc.ts";
import { killProcessGroup } from "./process_group.ts";
import { type ExitStatus, ServerProcess } from "./server_process.ts";

export { type LspState, LspUnavailableError } from "./client_state.ts";
export type { LspDiagnostic } from "./client_protocol.ts";

/** Options for {@linkcode LspClient}. */
export interface LspClientOptions {
  /** Real absolute path of the workspace (segment) root. */
  root: string;
  /**
   * The server family served (lib/lsp/servers.ts); each file's `languageId`
   * comes from its language's registry entry.
   */
  language: ServerLanguage;
  /** Telemetry for events and counters. */
  telemetry?: Telemetry;
  /** Per-request timeout in ms (default 30 000). */
  requestTimeoutMs?: number;
  /** Client name/version sent in `initialize`. */
  clientVersion?: string;
}

/** A file to open: real absolute path and its text. */
export interface OpenFile {
  /** Real absolute path. */
  abs: string;
  /** Current text. */
  text: string;
}

/** Default per-request timeout (ms). */
const REQUEST_TIMEOUT_MS = 30_000;

/** The handshake waits at least this long: a cold server indexes first (ms). */
const INITIALIZE_TIMEOUT_MS = 60_000;

/** Counter incremented on entering a state. */
const STATE_COUNTERS: Partial<Record<LspState, string>> = {
  WARMING: "lsp_warming_count",
  READY: "lsp_ready_count",
  FAILED: "lsp_failed_count",
};

/**
 * One language-server process and its state machine. With a real server:
 * `start(file)`, `await waitReady(ms)` until READY, then `syncFile` and
 * `request`, and `shutdown()` at the end.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { LspClient } from "./client.ts";
 * import { fallbackReasonOf } from "./client_state.ts";
 * const root = await Deno.makeTempDir();
 * const client = new LspClient({
 *   command: `${root}/no-such-langserver`,
 *   args: ["--stdio"],
 *   backend: "lsp_custom",
 *   source: "env",
 *   label: "no-such-langserver",
 * }, { root, language: "demo" }); // no server starts: any family name does
 * client.start({ abs: `${root}/a.txt`, text: "x = 1\n" });
 * equal(await client.waitReady(1000), "FAILED"); // a spawn failure settles at once
 * equal(fallbackReasonOf(client.state, client.failReason), "lsp_binary_not_found");
 * await client.shutdown();
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export class LspClient {
  /** The server command. */
  readonly server: ServerCommand;
  #opts: LspClientOptions;
  #state: LspState = "COLD";
  #proc: ServerProcess | undefined;
  #conn: JsonRpcConnection | undefined;
  #spawnedAt = 0;
  #warmupPath: string | undefined;
  #capabilities: Record<string, unknown> = {};
  #docs = new DocumentStore();
  #stateWaiters = new Set<() => void>();
  #stderrTail: readonly string[] = [];
  #exit: ExitStatus | undefined;
  #failReason: string | undefined;
  #processDone: Promise<void> = Promise.resolve();

  /** Create a client in state COLD. */
  constructor(server: ServerCommand, options: LspClientOptions) {
    this.server = server;
    this.#opts = options;
  }

  /** Current state. */
  get state(): LspState {
    return this.#state;
  }

  /** Process id of the server, once spawned (until it is shut down). */
  get pid(): number | undefined {
    return this.#proc?.pid;
  }

  /** Exit status once the server process ended. */
  get exitStatus(): ExitStatus | undefined {
    return this.#exit;
  }

  /** Why the client FAILED, if it did. */
  get failReason(): string | undefined {
    return this.#failReason;
  }

  /** The last lines the server wrote to stderr (for debugging; may hold paths). */
  get stderrTail(): readonly string[] {
    return this.#stderrTail;
  }

  /** Server capabilities from `initialize`. */
  get capabilities(): Record<string, unknown> {
    return this.#capabilities;
  }

  /** Milliseconds since the spawn. */
  get ageMs(): number {
    return this.#spawnedAt === 0 ? 0 : elapsedMs(this.#spawnedAt);
  }

  /** Resolves once the server process has exited. */
  get exited(): Promise<void> {
    return this.#processDone;
  }

  /**
   * Spawn the server and start the handshake in the background (COLD →
   * WARMING); READY follows once `publishDiagnostics` arrives for
   * `warmup`. Returns at once; a spawn failure moves to FAILED.
   */
  start(warmup: OpenFile): void {
    if (this.#state !== "COLD") return;
    const t = this.#opts.telemetry;
    const began = monotonicMs();
    this.#spawnedAt = began;
    const args = { executable: this.server.label, backend: this.server.backend };
    let proc: ServerProcess;
    try {
      proc = new ServerProcess(this.server, this.#opts.root, (status) => this.#onExit(status));
    } catch (err) {
      const error = err instanceof Deno.errors.NotFound ? "binary_not_found" : "spawn_failed";
      t?.event("lsp.spawn", {
        args,
        result: { status: "failed", error },
        timingMs: elapsedMs(began),
        extra: { lsp_state: "FAILED", source: this.server.source },
      });
      this.#fail(error);
      return;
    }
    this.#proc = proc;
    this.#stderrTail = proc.stderrTail;
    this.#processDone = proc.done;
    t?.incr("lsp_spawn_count", 1);
    t?.event("lsp.spawn", {
      args,
      result: { status: "ok", pid: proc.pid },
      timingMs: elapsedMs(began),
      extra: { lsp_state: "WARMING", source: this.server.source },
    });
    this.#transition("WARMING", "spawned");
    this.#warmupPath = warmup.abs;
    const conn = new JsonRpcConnection({ readable: proc.stdout, writable: proc.stdin }, {
      onNotification: (method, params) => this.#onNotification(method, params),
      onRequest: (method, params) => answerServerRequest(method, params, this.#opts.root),
      onClose: () => this.#onClose(),
    });
    this.#conn = conn;
    void this.#handshake(conn, warmup);
  }

  /**
   * Wait until the client is READY, FAILED or CLOSED, or `timeoutMs`
   * passed; return the state then (WARMING on timeout).
   */
  waitReady(timeoutMs: number): Promise<LspState> {
    const settled = () => this.#state !== "WARMING" && this.#state !== "COLD";
    if (settled() || (this.#state === "COLD" && !this.#proc)) return Promise.resolve(this.#state);
    return new Promise((resolve) => {
      const done = () => {
        if (!settled()) return;
        clearTimeout(timer);
        this.#stateWaiters.delete(done);
        resolve(this.#state);
      };
      const timer = setTimeout(() => {
        this.#stateWaiters.delete(done);
        resolve(this.#state);
      }, timeoutMs);
      this.#stateWaiters.add(done);
    });
  }

  /**
   * Make the server see `file`'s current text: `didOpen` the first time,
   * `didChange` (full text) when it changed. Returns the document version.
   */
  async syncFile(file: OpenFile): Promise<number> {
    const conn = this.#requireConn();
    const uri = pathToUri(file.abs);
    const doc = this.#docs.update(file.abs, file.text);
    if (doc.kind === "open") {
      await conn.notify("textDocument/didOpen", {
        textDocument: {
          uri,
          languageId: languageIdOf(file.abs, this.server.backend, this.#opts.language),
          version: 1,
          text: file.text,
        },
      });
    } else if (doc.kind === "change") {
      await conn.notify("textDocument/didChange", {
        textDocument: { uri, version: doc.version },
        contentChanges: [{ text: file.text }],
      });
    }
    return doc.version;
  }

  /**
   * Send a notification (e.g. `workspace/didChangeWatchedFiles`), only when
   * READY (a server still starting reads the workspace itself). True when
   * it was sent.
   */
  async notify(method: string, params: unknown): Promise<boolean> {
    const conn = this.#conn;
    if (this.#state !== "READY" || !conn) return false;
    await conn.notify(method, params);
    return true;
  }

  /** True when `abs` was opened by {@linkcode LspClient.syncFile} and not closed since. */
  isOpen(abs: string): boolean {
    return this.#docs.isOpen(abs);
  }

  /**
   * `textDocument/didClose` for `abs` when it is open (a deleted file), and
   * forget it: a later {@linkcode LspClient.syncFile} opens it afresh. Only
   * when READY; true when it was closed.
   */
  async closeFile(abs: string): Promise<boolean> {
    const conn = this.#conn;
    if (this.#state !== "READY" || !conn || !this.#docs.close(abs)) return false;
    await conn.notify("textDocument/didClose", { textDocument: { uri: pathToUri(abs) } });
    return true;
  }

  /**
   * Send a request; only when READY. Errors are {@linkcode LspUnavailableError}
   * with the reason to report (`lsp_not_ready`, `lsp_request_timeout`,
   * `lsp_error`). `file` (absolute) names the document for telemetry.
   */
  async request(
    method: string,
    params: unknown,
    options: { file?: string; timeoutMs?: number } = {},
  ): Promise<unknown> {
    const t = this.#opts.telemetry;
    const args = {
      method,
      file: options.file ? relpath(this.#opts.root, options.file) : undefined,
    };
    const conn = this.#conn;
    if (this.#state !== "READY" || !conn) {
      throw new LspUnavailableError(
        "lsp_not_ready",
        this.#state,
        `language server is ${this.#state}, not READY`,
      );
    }
    const began = monotonicMs();
    t?.incr("lsp_request_count", 1);
    const timeoutMs = options.timeoutMs ?? this.#opts.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
    try {
      const result = await conn.request(method, params, { timeoutMs });
      t?.event("lsp.request", {
        args,
        result: {
          status: "ok",
          resolved: Array.isArray(result) ? result.length : result === null ? 0 : 1,
        },
        timingMs: elapsedMs(began),
        extra: { lsp_state: this.#state, backend: this.server.backend },
      });
      return result;
    } catch (err) {
      const { reason, detail } = requestFailure(err, conn.frameTooLarge, timeoutMs);
      t?.event("lsp.request", {
        args,
        result: { status: reason === "lsp_request_timeout" ? "timeout" : "error", reason },
        timingMs: elapsedMs(began),
        extra: { lsp_state: this.#state, detail },
      });
      throw new LspUnavailableError(
        reason,
        this.#state,
        err instanceof Error ? err.message : String(err),
      );
    }
  }

  /** Diagnostics last published for a file (absolute path), if any. */
  diagnosticsOf(abs: string): { version: number | null; items: LspDiagnostic[] } | undefined {
    return this.#docs.diagnosticsOf(abs);
  }

  /**
   * Wait for diagnostics of `abs` at document version `minVersion` or later
   * (or any, for servers that send no version); undefined on timeout.
   */
  waitDiagnostics(
    abs: string,
    minVersion: number,
    timeoutMs: number,
  ): Promise<LspDiagnostic[] | undefined> {
    return this.#docs.wait(abs, minVersion, {
      timeoutMs,
      gaveUp: () => this.#state === "FAILED" || this.#state === "CLOSED",
    });
  }

  /**
   * Clean stop: `shutdown` request, `exit` notification, then wait for the
   * process; killed (SIGKILL) when it does not exit within `graceMs`; then
   * whatever is left in its process group is killed too (see
   * {@linkcode killProcessGroup}). Idempotent; ends in CLOSED (unless it had
   * FAILED).
   */
  async shutdown(graceMs = 2000): Promise<void> {
    const proc = this.#proc;
    const conn = this.#conn;
    const wasLive = this.#state === "READY" || this.#state === "WARMING";
    if (wasLive) this.#transition("CLOSED", "shutdown");
    if (!proc) return;
    if (wasLive && conn && !conn.isClosed) {
      try {
        await conn.request("shutdown", null, { timeoutMs: graceMs });
        await conn.notify("exit", null);
      } catch (err) {
        // The server may not answer while it is still starting; it is killed below.
        if (!(err instanceof Error)) throw err;
      }
    }
    await conn?.close("shutdown");
    await proc.end(graceMs);
    this.#proc = undefined;
    if (!(await killProcessGroup(proc.pid))) {
      this.#opts.telemetry?.event("lsp.state_change", {
        args: { from: "CLOSED", to: "CLOSED" },
        result: { status: "warning", reason: "process_group_not_killed" },
        timingMs: this.ageMs,
        extra: { backend: this.server.backend },
      });
    }
  }

  /** Kill the server process abruptly (tests of the crash path; a broken server). */
  kill(signal: Deno.Signal = "SIGKILL"): void {
    this.#proc?.kill(signal);
  }

  #requireConn(): JsonRpcConnection {
    if (!this.#conn || this.#conn.isClosed) {
      throw new LspUnavailableError("lsp_not_ready", this.#state, "no server connection");
    }
    return this.#conn;
  }

  async #handshake(conn: JsonRpcConnection, warmup: OpenFile): Promise<void> {
    try {
      const init = await conn.request(
        "initialize",
        initializeParams(this.#opts.root, this.#opts.clientVersion ?? "0"),
        {
          timeoutMs: Math.max(
            this.#opts.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
            INITIALIZE_TIMEOUT_MS,
          ),
        },
      );
      const caps = (init as { capabilities?: Record<string, unknown> } | null)?.capabilities;
      if (!caps || Object.keys(caps).length === 0) {
        this.#fail("initialize_without_capabilities");
        return;
      }
      this.#capabilities = caps;
      await conn.notify("initialized", {});
      await this.syncFile(warmup);
      this.#checkWarmupDiagnostics();
    } catch (err) {
      // Any failure of the handshake fails the client; the cause is its reason.
      if (this.#state === "WARMING") {
        this.#fail(err instanceof RpcTimeoutError ? "initialize_timeout" : "handshake_failed");
      }
    }
  }

  #checkWarmupDiagnostics(): void {
    if (this.#state !== "WARMING" || !this.#warmupPath) return;
    if (this.#docs.hasDiagnostics(this.#warmupPath)) {
      this.#transition("READY", "diagnostics_received");
    }
  }

  #onNotification(method: string, params: unknown): void {
    if (method !== "textDocument/publishDiagnostics") return;
    if (!this.#docs.publish(params)) return;
    this.#checkWarmupDiagnostics();
    this.#docs.wake();
  }

  #onClose(): void {
    if (this.#conn?.frameTooLarge) {
      // A server that announces a message over the cap is broken: stop it
      // (it may go on streaming) and never ask it again.
      this.#fail("frame_too_large");
      this.kill();
    } else if (this.#state === "WARMING" || this.#state === "READY") {
      this.#failReason ??= "connection_closed";
    }
  }

  #onExit(status: ExitStatus): void {
    this.#exit = status;
    if (this.#state !== "CLOSED" && this.#state !== "FAILED") this.#fail("process_exited");
  }

  #fail(reason: string): void {
    this.#failReason = reason;
    this.#transition("FAILED", reason);
    void this.#conn?.close(reason);
  }

  #transition(to: LspState, reason: string): void {
    const from = this.#state;
    if (from === to) return;
    this.#state = to;
    const t = this.#opts.telemetry;
    const counter = STATE_COUNTERS[to];
    if (counter) t?.incr(counter, 1);
    const extra: Record<string, unknown> = { reason, backend: this.server.backend };
    if (this.#exit) {
      extra.exit_code = this.#exit.code;
      extra.signal = this.#exit.signal;
    }
    if (to === "READY" && this.#warmupPath) {
      extra.warmup_file = relpath(this.#opts.root, this.#warmupPath);
    }
    if (to === "FAILED") extra.lsp_ready_fail = true;
    t?.event("lsp.state_change", {
      args: { from, to },
      result: { status: to.toLowerCase(), reason },
      timingMs: this.ageMs,
      extra,
    });
    for (const w of [...this.#stateWaiters]) w();
    this.#docs.wake();
  }
}
