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
 * @module
 */
import { pathToFileURL } from "node:url";
import { uriToPath } from "./uri.ts";
import { relpath } from "../segment/mod.ts";
import { elapsedMs, monotonicMs, type Telemetry } from "../telemetry/mod.ts";
import { JsonRpcConnection, RpcClosedError, RpcResponseError, RpcTimeoutError } from "./jsonrpc.ts";
import type { ServerCommand, ServerLanguage } from "./discovery.ts";
import type { FallbackReason } from "./types.ts";

/** States of a client. */
export type LspState = "COLD" | "WARMING" | "READY" | "FAILED" | "CLOSED";

/** A request that could not be served by the language server. */
export class LspUnavailableError extends Error {
  /** The fallback reason to report. */
  readonly reason: FallbackReason;
  /** Client state when it happened. */
  readonly state: LspState;
  /** Create the error. */
  constructor(reason: FallbackReason, state: LspState, message: string) {
    super(message);
    this.name = "LspUnavailableError";
    this.reason = reason;
    this.state = state;
  }
}

/** A diagnostic as the server published it. */
export interface LspDiagnostic {
  /** 0-based range. */
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  /** 1 error, 2 warning, 3 information, 4 hint. */
  severity?: number;
  /** Rule or code. */
  code?: string | number;
  /** Who produced it. */
  source?: string;
  /** Text. */
  message: string;
}

/** Options for {@linkcode LspClient}. */
export interface LspClientOptions {
  /** Real absolute path of the workspace (segment) root. */
  root: string;
  /** Language served. */
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

const STDERR_LINES_KEPT = 50;
/** Longest stderr line kept (characters): a server writing without newlines cannot grow memory. */
const STDERR_LINE_CHARS = 2000;
/** Most diagnostics kept per file. */
const DIAGNOSTICS_KEPT = 10_000;

/**
 * The fallback reason for a client that is not READY: still warming
 * (`lsp_not_ready`), no binary (`lsp_binary_not_found`), a message over the
 * frame cap (`lsp_frame_too_large`), any other failure (`lsp_error`).
 */
export function fallbackReasonOf(state: LspState, failReason: string | undefined): FallbackReason {
  if (state === "WARMING" || state === "COLD") return "lsp_not_ready";
  if (failReason === "binary_not_found") return "lsp_binary_not_found";
  if (failReason === "frame_too_large") return "lsp_frame_too_large";
  return "lsp_error";
}

/**
 * End every process left in a server's process group (the server runs in
 * its own group: `detached`). `Deno.kill` on a group needs `--allow-run`
 * without a list; under the documented `--allow-run=<deno>` a `deno eval`
 * with a fixed kill does it (running Deno is what that grant allows).
 * Returns false when neither is permitted.
 */
export async function killProcessGroup(pgid: number): Promise<boolean> {
  if (!Number.isInteger(pgid) || pgid <= 1) return false;
  if (Deno.permissions.querySync({ name: "run" }).state === "granted") {
    try {
      Deno.kill(-pgid, "SIGKILL");
    } catch (err) {
      // ESRCH: the group is already empty.
      if (!(err instanceof Deno.errors.NotFound || err instanceof TypeError)) throw err;
    }
    return true;
  }
  const deno = Deno.execPath();
  if (Deno.permissions.querySync({ name: "run", command: deno }).state !== "granted") return false;
  const code = `try { Deno.kill(-${pgid}, "SIGKILL"); } catch { /* group already empty */ }`;
  const out = await new Deno.Command(deno, {
    args: ["eval", "--no-config", code],
    stdin: "null",
    stdout: "null",
    stderr: "null",
    env: { NO_COLOR: "1" },
  }).output();
  return out.success;
}

/** `file://` URI of an absolute path. */
export function pathToUri(abs: string): string {
  return pathToFileURL(abs).href;
}

export { uriToPath } from "./uri.ts";

interface DiagnosticState {
  version: number | null;
  items: LspDiagnostic[];
}

/**
 * One language-server process and its state machine.
 *
 * @example
 * ```ts
 * import { LspClient } from "./client.ts";
 * import { findServer, isServerCommand } from "./discovery.ts";
 * const server = await findServer("python");
 * if (isServerCommand(server)) {
 *   const client = new LspClient(server, { root: "/repo", language: "python" });
 *   client.start({ abs: "/repo/a.py", text: await Deno.readTextFile("/repo/a.py") });
 *   if ((await client.waitReady(60_000)) === "READY") {
 *     console.log(await client.request("textDocument/hover", { textDocument: { uri: "file:///repo/a.py" }, position: { line: 0, character: 4 } }));
 *   }
 *   await client.shutdown();
 * }
 * ```
 */
export class LspClient {
  /** The server command. */
  readonly server: ServerCommand;
  #opts: LspClientOptions;
  #state: LspState = "COLD";
  #child: Deno.ChildProcess | undefined;
  #conn: JsonRpcConnection | undefined;
  #spawnedAt = 0;
  #warmupPath: string | undefined;
  #capabilities: Record<string, unknown> = {};
  #open = new Map<string, { version: number; text: string }>();
  #diagnostics = new Map<string, DiagnosticState>();
  #diagWaiters = new Set<() => void>();
  #stateWaiters = new Set<() => void>();
  #stderrTail: string[] = [];
  #exit: { code: number; signal: string | null } | undefined;
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

  /** Process id of the server, once spawned. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Exit status once the server process ended. */
  get exitStatus(): { code: number; signal: string | null } | undefined {
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
    try {
      this.#child = new Deno.Command(this.server.command, {
        args: this.server.args,
        cwd: this.#opts.root,
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
        // Its own process group, so stop ends whatever the server spawned too.
        detached: true,
      }).spawn();
    } catch (err) {
      const error = err instanceof Deno.errors.NotFound ? "binary_not_found" : "spawn_failed";
      t?.event(
        "lsp.spawn",
        { executable: this.server.label, backend: this.server.backend },
        {
          status: "failed",
          error,
        },
        elapsedMs(began),
        { extra: { lsp_state: "FAILED", source: this.server.source } },
      );
      this.#fail(error === "binary_not_found" ? "binary_not_found" : "spawn_failed");
      return;
    }
    t?.incr("lsp_spawn_count", 1);
    t?.event(
      "lsp.spawn",
      { executable: this.server.label, backend: this.server.backend },
      {
        status: "ok",
        pid: this.#child.pid,
      },
      elapsedMs(began),
      { extra: { lsp_state: "WARMING", source: this.server.source } },
    );
    this.#transition("WARMING", "spawned");
    this.#warmupPath = warmup.abs;
    const child = this.#child;
    this.#drainStderr(child.stderr);
    this.#conn = new JsonRpcConnection({ readable: child.stdout, writable: child.stdin }, {
      onNotification: (method, params) => this.#onNotification(method, params),
      onRequest: (method, params) => this.#onServerRequest(method, params),
      onClose: (reason) => {
        if (this.#conn?.frameTooLarge) {
          // A server that announces a message over the cap is broken: stop it
          // (it may go on streaming) and never ask it again.
          this.#fail("frame_too_large");
          this.kill();
        } else if (this.#state === "WARMING" || this.#state === "READY") {
          this.#failReason ??= `connection_closed`;
          void reason;
        }
      },
    });
    this.#processDone = child.status.then((status) => {
      this.#exit = { code: status.code, signal: status.signal };
      if (this.#state !== "CLOSED" && this.#state !== "FAILED") {
        this.#fail("process_exited");
      }
    });
    void this.#handshake(warmup);
  }

  /**
   * Wait until the client is READY, FAILED or CLOSED, or `timeoutMs`
   * passed; return the state then (WARMING on timeout).
   */
  waitReady(timeoutMs: number): Promise<LspState> {
    const settled = () => this.#state !== "WARMING" && this.#state !== "COLD";
    if (settled() || (this.#state === "COLD" && !this.#child)) return Promise.resolve(this.#state);
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
    const known = this.#open.get(file.abs);
    if (!known) {
      this.#open.set(file.abs, { version: 1, text: file.text });
      await conn.notify("textDocument/didOpen", {
        textDocument: { uri, languageId: this.#opts.language, version: 1, text: file.text },
      });
      return 1;
    }
    if (known.text === file.text) return known.version;
    const version = known.version + 1;
    this.#open.set(file.abs, { version, text: file.text });
    await conn.notify("textDocument/didChange", {
      textDocument: { uri, version },
      contentChanges: [{ text: file.text }],
    });
    return version;
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
    const fileRel = options.file ? relpath(this.#opts.root, options.file) : undefined;
    if (this.#state !== "READY" || !this.#conn) {
      throw new LspUnavailableError(
        "lsp_not_ready",
        this.#state,
        `language server is ${this.#state}, not READY`,
      );
    }
    const began = monotonicMs();
    t?.incr("lsp_request_count", 1);
    const timeoutMs = options.timeoutMs ?? this.#opts.requestTimeoutMs ?? 30_000;
    try {
      const result = await this.#conn.request(method, params, { timeoutMs });
      t?.event(
        "lsp.request",
        { method, file: fileRel },
        {
          status: "ok",
          resolved: Array.isArray(result) ? result.length : result === null ? 0 : 1,
        },
        elapsedMs(began),
        { extra: { lsp_state: this.#state, backend: this.server.backend } },
      );
      return result;
    } catch (err) {
      const reason: FallbackReason = err instanceof RpcTimeoutError
        ? "lsp_request_timeout"
        : this.#conn?.frameTooLarge
        ? "lsp_frame_too_large"
        : "lsp_error";
      const detail = err instanceof RpcResponseError
        ? `code ${err.code}`
        : err instanceof RpcClosedError
        ? "connection closed"
        : err instanceof RpcTimeoutError
        ? `timeout ${timeoutMs} ms`
        : "unexpected";
      t?.event(
        "lsp.request",
        { method, file: fileRel },
        {
          status: reason === "lsp_request_timeout" ? "timeout" : "error",
          reason,
        },
        elapsedMs(began),
        { extra: { lsp_state: this.#state, detail } },
      );
      throw new LspUnavailableError(
        reason,
        this.#state,
        err instanceof Error ? err.message : String(err),
      );
    }
  }

  /** Diagnostics last published for a file (absolute path), if any. */
  diagnosticsOf(abs: string): { version: number | null; items: LspDiagnostic[] } | undefined {
    return this.#diagnostics.get(abs);
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
    const ok = () => {
      const d = this.#diagnostics.get(abs);
      return d && (d.version === null || d.version >= minVersion) ? d.items : undefined;
    };
    const now = ok();
    if (now) return Promise.resolve(now);
    return new Promise((resolve) => {
      const check = () => {
        const items = ok();
        if (items === undefined && this.#state !== "FAILED" && this.#state !== "CLOSED") return;
        clearTimeout(timer);
        this.#diagWaiters.delete(check);
        resolve(items);
      };
      const timer = setTimeout(() => {
        this.#diagWaiters.delete(check);
        resolve(undefined);
      }, timeoutMs);
      this.#diagWaiters.add(check);
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
    const child = this.#child;
    const conn = this.#conn;
    const wasLive = this.#state === "READY" || this.#state === "WARMING";
    if (wasLive) this.#transition("CLOSED", "shutdown");
    if (!child) return;
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
    let timer: ReturnType<typeof setTimeout> | undefined;
    const exited = await Promise.race([
      this.#processDone.then(() => true),
      new Promise<false>((r) => (timer = setTimeout(() => r(false), graceMs))),
    ]);
    clearTimeout(timer);
    if (!exited) {
      this.kill("SIGKILL");
      await this.#processDone;
    }
    this.#child = undefined;
    if (!(await killProcessGroup(child.pid))) {
      this.#opts.telemetry?.event(
        "lsp.state_change",
        { from: "CLOSED", to: "CLOSED" },
        {
          status: "warning",
          reason: "process_group_not_killed",
        },
        this.ageMs,
        { extra: { backend: this.server.backend } },
      );
    }
  }

  /** Kill the server process abruptly (tests of the crash path; a broken server). */
  kill(signal: Deno.Signal = "SIGKILL"): void {
    try {
      this.#child?.kill(signal);
    } catch (err) {
      // Already exited: nothing to kill.
      if (!(err instanceof TypeError)) throw err;
    }
  }

  /** Resolves once the server process has exited. */
  get exited(): Promise<void> {
    return this.#processDone;
  }

  #requireConn(): JsonRpcConnection {
    if (!this.#conn || this.#conn.isClosed) {
      throw new LspUnavailableError("lsp_not_ready", this.#state, "no server connection");
    }
    return this.#conn;
  }

  async #handshake(warmup: OpenFile): Promise<void> {
    const conn = this.#conn!;
    const rootUri = pathToUri(this.#opts.root);
    try {
      const init = await conn.request("initialize", {
        processId: Deno.pid,
        clientInfo: { name: "trifecta", version: this.#opts.clientVersion ?? "0" },
        rootUri,
        rootPath: this.#opts.root,
        workspaceFolders: [{ uri: rootUri, name: "segment" }],
        capabilities: {
          textDocument: {
            synchronization: { didSave: false, dynamicRegistration: false },
            hover: { contentFormat: ["markdown", "plaintext"] },
            definition: { linkSupport: false },
            references: {},
            documentSymbol: { hierarchicalDocumentSymbolSupport: true },
            publishDiagnostics: { versionSupport: true },
          },
          workspace: { configuration: true, workspaceFolders: true },
          window: { workDoneProgress: false },
        },
      }, { timeoutMs: Math.max(this.#opts.requestTimeoutMs ?? 30_000, 60_000) });
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
      if (this.#state === "WARMING") {
        this.#fail(err instanceof RpcTimeoutError ? "initialize_timeout" : "handshake_failed");
      }
    }
  }

  #checkWarmupDiagnostics(): void {
    if (this.#state !== "WARMING" || !this.#warmupPath) return;
    if (this.#diagnostics.has(this.#warmupPath) && this.#open.has(this.#warmupPath)) {
      this.#transition("READY", "diagnostics_received");
    }
  }

  #onNotification(method: string, params: unknown): void {
    if (method !== "textDocument/publishDiagnostics") return;
    const p = (params && typeof params === "object" ? params : {}) as {
      uri?: string;
      version?: number;
      diagnostics?: LspDiagnostic[];
    };
    const abs = typeof p.uri === "string" ? uriToPath(p.uri) : undefined;
    if (!abs) return;
    // Only documents trifecta opened are ever asked about: a server publishing
    // for thousands of other files cannot grow this map.
    if (!this.#open.has(abs)) return;
    const items = Array.isArray(p.diagnostics) ? p.diagnostics.slice(0, DIAGNOSTICS_KEPT) : [];
    this.#diagnostics.set(abs, {
      version: typeof p.version === "number" ? p.version : null,
      items,
    });
    this.#checkWarmupDiagnostics();
    for (const w of [...this.#diagWaiters]) w();
  }

  #onServerRequest(method: string, params: unknown): unknown {
    switch (method) {
      case "workspace/configuration": {
        const items = (params as { items?: unknown[] } | null)?.items ?? [];
        return items.map(() => null);
      }
      case "workspace/workspaceFolders":
        return [{ uri: pathToUri(this.#opts.root), name: "segment" }];
      case "client/registerCapability":
      case "client/unregisterCapability":
      case "window/workDoneProgress/create":
      case "window/showMessageRequest":
      case "window/showDocument":
      case "workspace/diagnostic/refresh":
      case "workspace/semanticTokens/refresh":
      case "workspace/inlayHint/refresh":
      case "workspace/codeLens/refresh":
        return null;
      default:
        throw new RpcResponseError(-32601, `trifecta does not handle ${method}`);
    }
  }

  #drainStderr(stream: ReadableStream<Uint8Array>): void {
    void (async () => {
      const dec = new TextDecoder();
      let partial = "";
      try {
        for await (const chunk of stream) {
          const lines = (partial + dec.decode(chunk, { stream: true })).split("\n");
          partial = (lines.pop() ?? "").slice(-STDERR_LINE_CHARS);
          this.#stderrTail.push(
            ...lines.slice(-STDERR_LINES_KEPT).map((l) => l.slice(0, STDERR_LINE_CHARS)),
          );
          if (this.#stderrTail.length > STDERR_LINES_KEPT) {
            this.#stderrTail.splice(0, this.#stderrTail.length - STDERR_LINES_KEPT);
          }
        }
      } catch (err) {
        // The pipe breaks when the server is killed; nothing is left to drain.
        if (!(err instanceof Error)) throw err;
      }
    })();
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
    const counter = to === "WARMING"
      ? "lsp_warming_count"
      : to === "READY"
      ? "lsp_ready_count"
      : to === "FAILED"
      ? "lsp_failed_count"
      : undefined;
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
    t?.event("lsp.state_change", { from, to }, { status: to.toLowerCase(), reason }, this.ageMs, {
      extra,
    });
    for (const w of [...this.#stateWaiters]) w();
    for (const w of [...this.#diagWaiters]) w();
  }
}
