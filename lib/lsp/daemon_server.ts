/**
 * The warm daemon of one segment: holds an exclusive lock (singleton),
 * listens on a Unix socket in the per-user runtime directory, keeps a
 * language server warm, answers the line protocol of `daemon_protocol.ts`,
 * and exits after an idle TTL, removing its socket, lock and state files.
 *
 * @module
 */
import { readSource, resolveInside, type Segment, walkFiles } from "../segment/mod.ts";
import { elapsedMs, monotonicMs, type Telemetry } from "../telemetry/mod.ts";
import { LspClient, type LspState, LspUnavailableError } from "./client.ts";
import { type EnvReader, type LspConfig, lspConfig, processEnv } from "./config.ts";
import { closeQuietly } from "./daemon_client.ts";
import { type DaemonPaths, daemonPaths, ensureRuntimeDir } from "./daemon_paths.ts";
import {
  DAEMON_PROTOCOL_VERSION,
  type DaemonQueryParams,
  type DaemonQueryResult,
  type DaemonRequest,
  type DaemonResponse,
  type DaemonStatus,
  encodeLine,
  MAX_REQUEST_BYTES,
  readLines,
} from "./daemon_protocol.ts";
import { findServer, isServerCommand, type ServerCommand } from "./discovery.ts";
import { performQuestion } from "./perform.ts";
import { type FallbackReason, LSP_METHODS } from "./types.ts";

/** Options for {@linkcode serveDaemon}. */
export interface ServeOptions {
  /** Idle TTL in seconds (default from the config, 300). */
  ttlS?: number;
  /** Telemetry (flushed after each query). */
  telemetry?: Telemetry;
  /** Settings. */
  config?: LspConfig;
  /** Environment. */
  env?: EnvReader;
  /** Called once the socket listens. */
  onListening?: (paths: DaemonPaths) => void;
  /**
   * Keep the segment lock until this process ends (then remove its file and
   * release it), instead of releasing it when serving ends. The CLI sets
   * it: `lsp daemon stop` waits for the lock, so it returns only after the
   * daemon's last telemetry write, which comes after serving ends.
   */
  releaseAtExit?: boolean;
}

/** How {@linkcode serveDaemon} ended. */
export type ServeEnd = "already_running" | "ttl" | "stopped";

/** What the state file holds. */
export interface DaemonStateFile {
  /** Daemon pid. */
  pid: number;
  /** Language-server pid, once spawned. */
  server_pid: number | null;
  /** ISO start time. */
  started_at: string;
  /** Idle TTL in seconds. */
  ttl_s: number;
  /** Segment id. */
  segment_id: string;
  /** The socket path. */
  socket: string;
  /** True once the socket listens. */
  listening: boolean;
}

const MAX_RESTARTS = 3;

async function removeIfExists(path: string): Promise<void> {
  try {
    await Deno.remove(path);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
}

/**
 * Take the segment's lock. Returns the open, locked file, or undefined when
 * another daemon holds it. Checks that the path still names the locked file
 * (a stopping daemon removes it), and retries once if not.
 */
export async function acquireDaemonLock(paths: DaemonPaths): Promise<Deno.FsFile | undefined> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const file = await Deno.open(paths.lock, {
      read: true,
      write: true,
      create: true,
      mode: 0o600,
    });
    if (!(await file.tryLock(true))) {
      file.close();
      return undefined;
    }
    // The lock file may have been removed by a stopping daemon between open and
    // lock: then this lock guards nothing and the loop tries again.
    const [held, named] = await Promise.all([
      file.stat(),
      Deno.stat(paths.lock).catch((err: unknown) => {
        if (err instanceof Deno.errors.NotFound) return null;
        throw err;
      }),
    ]);
    if (named && named.ino === held.ino) return file;
    file.close();
  }
  return undefined;
}

class Daemon {
  readonly #segment: Segment;
  readonly #paths: DaemonPaths;
  readonly #config: LspConfig;
  readonly #env: EnvReader;
  readonly #t: Telemetry | undefined;
  readonly #ttlS: number;
  readonly #started = monotonicMs();
  #lastActivity = monotonicMs();
  #client: LspClient | undefined;
  #server: ServerCommand | undefined;
  #missing = false;
  #restarts = 0;
  #queries = 0;
  #listener: Deno.Listener | undefined;
  #ending: ServeEnd | undefined;
  #done!: (end: ServeEnd) => void;
  readonly finished: Promise<ServeEnd>;

  constructor(segment: Segment, paths: DaemonPaths, options: ServeOptions) {
    this.#segment = segment;
    this.#paths = paths;
    this.#env = options.env ?? processEnv;
    this.#config = options.config ?? lspConfig(this.#env);
    this.#t = options.telemetry;
    this.#ttlS = options.ttlS ?? this.#config.daemonTtlS;
    this.finished = new Promise((r) => (this.#done = r));
  }

  async run(listener: Deno.Listener): Promise<void> {
    this.#listener = listener;
    const tick = Math.max(200, Math.min(1000, (this.#ttlS * 1000) / 4));
    const timer = setInterval(() => {
      if (elapsedMs(this.#lastActivity) >= this.#ttlS * 1000) void this.stop("ttl");
    }, tick);
    await this.#writeState();
    void this.#warmUp();
    try {
      for await (const conn of listener) void this.#serveConn(conn);
    } catch (err) {
      // The listener is closed by stop(); anything else is a real failure.
      if (!(err instanceof Deno.errors.BadResource) && this.#ending === undefined) throw err;
    } finally {
      clearInterval(timer);
    }
  }

  async #warmUp(): Promise<void> {
    const walked = await walkFiles(this.#segment, this.#segment.root, { extensions: [".py"] });
    const first = walked.files[0];
    if (first) await this.#ensureClient(first);
  }

  async #ensureClient(warmup: { abs: string; rel: string }): Promise<LspClient | undefined> {
    const c = this.#client;
    if (c && c.state !== "FAILED" && c.state !== "CLOSED") return c;
    if (this.#ending !== undefined || this.#missing) return c;
    if (c && this.#restarts >= MAX_RESTARTS) return c;
    if (c) this.#restarts++;
    if (!this.#server) {
      const found = await findServer("python", { env: this.#env });
      if (!isServerCommand(found)) {
        this.#missing = true;
        return undefined;
      }
      this.#server = found;
    }
    const { text } = await readSource(warmup.abs);
    const client = new LspClient(this.#server, {
      root: this.#segment.root,
      language: "python",
      telemetry: this.#t,
      requestTimeoutMs: this.#config.requestTimeoutMs,
    });
    this.#client = client;
    client.start({ abs: warmup.abs, text });
    await this.#writeState();
    return client;
  }

  async #writeState(): Promise<void> {
    const state: DaemonStateFile = {
      pid: Deno.pid,
      server_pid: this.#client?.pid ?? null,
      started_at: new Date(Date.now() - elapsedMs(this.#started)).toISOString(),
      ttl_s: this.#ttlS,
      segment_id: this.#segment.id,
      socket: this.#paths.socket,
      listening: this.#listener !== undefined,
    };
    const tmp = `${this.#paths.state}.${Deno.pid}.tmp`;
    await Deno.writeTextFile(tmp, JSON.stringify(state) + "\n", { mode: 0o600 });
    await Deno.rename(tmp, this.#paths.state);
  }

  status(): DaemonStatus {
    return {
      protocol: DAEMON_PROTOCOL_VERSION,
      pid: Deno.pid,
      state: this.#client?.state ?? (this.#missing ? "FAILED" : "COLD"),
      backend: this.#server?.backend ?? "unavailable",
      server_pid: this.#client?.pid ?? null,
      uptime_ms: Math.round(elapsedMs(this.#started)),
      idle_ms: Math.round(elapsedMs(this.#lastActivity)),
      ttl_s: this.#ttlS,
      queries: this.#queries,
      segment_id: this.#segment.id,
    };
  }

  async #serveConn(conn: Deno.Conn): Promise<void> {
    const write = async (res: DaemonResponse) => {
      try {
        await conn.write(encodeLine(res));
      } catch (err) {
        // The caller went away (timeout): nothing to answer to.
        if (
          !(err instanceof Deno.errors.BrokenPipe || err instanceof Deno.errors.ConnectionReset)
        ) {
          throw err;
        }
      }
    };
    try {
      for await (const line of readLines(conn.readable, MAX_REQUEST_BYTES)) {
        if (line.trim() === "") continue;
        this.#lastActivity = monotonicMs();
        let req: DaemonRequest;
        try {
          req = JSON.parse(line) as DaemonRequest;
        } catch {
          // Not JSON: answer with an error, keep the connection.
          await write({ id: null, ok: false, error: { code: "BAD_REQUEST", message: "not JSON" } });
          continue;
        }
        const res = await this.#dispatch(req);
        await write(res);
        this.#lastActivity = monotonicMs();
        if (req.method === "stop") break;
      }
    } catch (err) {
      if (err instanceof RangeError) {
        await write({
          id: null,
          ok: false,
          error: {
            code: "REQUEST_TOO_LARGE",
            message: `max ${MAX_REQUEST_BYTES} bytes per request`,
          },
        });
      } else if (
        !(err instanceof Deno.errors.BadResource || err instanceof Deno.errors.ConnectionReset)
      ) {
        throw err;
      }
    } finally {
      closeQuietly(conn);
    }
  }

  async #dispatch(req: DaemonRequest): Promise<DaemonResponse> {
    const id = req.id ?? null;
    switch (req.method) {
      case "status":
        return { id, ok: true, result: this.status() };
      case "stop":
        queueMicrotask(() => void this.stop("stopped"));
        return { id, ok: true, result: { stopping: true, pid: Deno.pid } };
      case "query":
        try {
          const result = await this.#query(req.params);
          return { id, ok: true, result };
        } catch (err) {
          const code = (err as { code?: string }).code ?? "DAEMON_ERROR";
          return { id, ok: false, error: { code, message: (err as Error).message } };
        } finally {
          void this.#t?.flush();
        }
      default:
        return { id, ok: false, error: { code: "UNKNOWN_METHOD", message: String(req.method) } };
    }
  }

  async #query(params: DaemonQueryParams | undefined): Promise<DaemonQueryResult> {
    if (!params || !LSP_METHODS.includes(params.method) || typeof params.file !== "string") {
      throw Object.assign(new Error("query needs params.method and params.file"), {
        code: "BAD_REQUEST",
      });
    }
    this.#queries++;
    const file = await resolveInside(this.#segment, params.file);
    const backend = this.#server?.backend ?? "unavailable";
    const client = await this.#ensureClient(file);
    const fallback = (reason: FallbackReason, state: LspState): DaemonQueryResult => ({
      backend,
      fallback_reason: reason,
      state,
    });
    if (!client) return fallback("lsp_binary_not_found", "FAILED");
    let state = client.state;
    if (state === "WARMING" && (params.wait_ready_ms ?? 0) > 0) {
      state = await client.waitReady(params.wait_ready_ms ?? 0);
    }
    if (state !== "READY") {
      return fallback(
        state === "WARMING" || state === "COLD" ? "lsp_not_ready" : "lsp_error",
        state,
      );
    }
    const { text } = await readSource(file.abs);
    try {
      const answer = await performQuestion(this.#client!, this.#segment.root, {
        method: params.method,
        abs: file.abs,
        rel: file.rel,
        text,
        line: params.line,
        col: params.col,
      }, { timeoutMs: this.#config.requestTimeoutMs });
      return { answer, backend: this.#server!.backend, state: client.state };
    } catch (err) {
      if (err instanceof LspUnavailableError) return fallback(err.reason, client.state);
      throw err;
    }
  }

  async stop(end: ServeEnd): Promise<void> {
    if (this.#ending !== undefined) return;
    this.#ending = end;
    try {
      this.#listener?.close();
    } catch (err) {
      if (!(err instanceof Deno.errors.BadResource)) throw err;
    }
    await this.#client?.shutdown();
    this.#t?.event(
      "lsp.daemon_status",
      { op: "shutdown" },
      {
        status: end === "ttl" ? "shutdown_ttl" : "shutdown_stop",
      },
      elapsedMs(this.#started),
      { extra: { queries: this.#queries, ttl_s: this.#ttlS } },
    );
    this.#done(end);
  }
}

/**
 * Run the daemon until its TTL expires or it is stopped. Returns
 * `already_running` at once when another daemon holds the segment's lock.
 */
export async function serveDaemon(segment: Segment, options: ServeOptions = {}): Promise<ServeEnd> {
  const env = options.env ?? processEnv;
  const paths = daemonPaths(segment.root, env);
  await ensureRuntimeDir(paths.dir);
  const lock = await acquireDaemonLock(paths);
  if (!lock) return "already_running";
  const daemon = new Daemon(segment, paths, { ...options, env });
  try {
    await removeIfExists(paths.socket);
    const listener = Deno.listen({ transport: "unix", path: paths.socket });
    await Deno.chmod(paths.socket, 0o600);
    options.telemetry?.event(
      "lsp.daemon_status",
      { op: "start" },
      {
        status: "running",
      },
      1,
      { extra: { ttl_s: daemon.status().ttl_s } },
    );
    const onTerm = () => void daemon.stop("stopped");
    Deno.addSignalListener("SIGTERM", onTerm);
    try {
      const running = daemon.run(listener);
      options.onListening?.(paths);
      const end = await daemon.finished;
      await running;
      return end;
    } finally {
      Deno.removeSignalListener("SIGTERM", onTerm);
    }
  } finally {
    await removeIfExists(paths.socket);
    await removeIfExists(paths.state);
    if (options.releaseAtExit) {
      globalThis.addEventListener("unload", () => releaseLockFile(paths.lock, lock));
    } else releaseLockFile(paths.lock, lock);
    await options.telemetry?.flush();
  }
}

/** Remove the lock file, then release the lock (a waiter sees either). */
function releaseLockFile(path: string, lock: Deno.FsFile): void {
  try {
    Deno.removeSync(path);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  } finally {
    lock.close();
  }
}
