/**
 * The warm daemon of one segment: holds an exclusive lock (singleton),
 * listens on a Unix socket in the per-user runtime directory, keeps a
 * language server warm, answers the line protocol of `daemon_protocol.ts`,
 * and exits after an idle TTL, removing its socket, lock and state files.
 *
 * Before each query it revalidates its {@linkcode GuardCache} of the
 * segment (a stat per directory): while the segment has unsafe links,
 * denied sources or an unsafe server config, no server runs and queries get
 * that fallback reason; a server that ran while they appeared is shut down
 * (it may hold what it read through them) and a fresh one starts once the
 * segment is clean. A malformed or oversized request gets an error line;
 * nothing a client sends ends the daemon.
 *
 * @module
 */
import { join } from "../path.ts";
import { checkStateDir, STATE_PATH_UNSAFE_CODE, writeStateFile } from "../safe_dir.ts";
import { TrifectaError } from "../errors.ts";
import { checkInside, readInside, type Segment, walkFiles } from "../segment/mod.ts";
import { elapsedMs, monotonicMs, type Telemetry } from "../telemetry/mod.ts";
import { fallbackReasonOf, LspClient, type LspState, LspUnavailableError } from "./client.ts";
import { type EnvReader, type LspConfig, lspConfig, processEnv } from "./config.ts";
import { closeQuietly, HEARTBEAT_MS } from "./daemon_client.ts";
import { type DaemonPaths, daemonPaths, ensureRuntimeDir } from "./daemon_paths.ts";
import {
  DAEMON_PROTOCOL_VERSION,
  type DaemonQueryParams,
  type DaemonQueryResult,
  type DaemonRequest,
  type DaemonResponse,
  type DaemonStatus,
  encodeLine,
  MAX_CONNECTIONS,
  MAX_REQUEST_BYTES,
} from "./daemon_protocol.ts";
import { DAEMON_MARKER, type DaemonMarker } from "./daemon_trust.ts";
import {
  type DiscoveryMiss,
  findServer,
  isServerCommand,
  type ServerCommand,
} from "./discovery.ts";
import { performQuestion } from "./perform.ts";
import { GuardCache } from "./segment_guard.ts";
import { MAX_POSITION } from "./answer_guard.ts";
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

/** What {@linkcode RequestLines.next} returns for a line over the cap. */
const TOO_LARGE = Symbol("too large");

/**
 * Request lines from a connection, read with `conn.read` into a bounded
 * buffer (no web stream left pending when the connection is closed, which
 * is what ended the daemon with an uncaught `BadResource` before).
 */
class RequestLines {
  #conn: Deno.Conn;
  #max: number;
  #buf = new Uint8Array(16 * 1024);
  #held: Uint8Array = new Uint8Array(0);
  #decoder = new TextDecoder();

  constructor(conn: Deno.Conn, maxBytes: number) {
    this.#conn = conn;
    this.#max = maxBytes;
  }

  /** The next line, {@linkcode TOO_LARGE}, or undefined at the end. */
  async next(): Promise<string | typeof TOO_LARGE | undefined> {
    for (;;) {
      const nl = this.#held.indexOf(10);
      if (nl >= 0) {
        if (nl > this.#max) return TOO_LARGE;
        const line = this.#decoder.decode(this.#held.subarray(0, nl));
        this.#held = this.#held.subarray(nl + 1);
        return line;
      }
      if (this.#held.length > this.#max) return TOO_LARGE;
      const n = await this.#conn.read(this.#buf);
      if (n === null) return undefined;
      const next = new Uint8Array(this.#held.length + n);
      next.set(this.#held);
      next.set(this.#buf.subarray(0, n), this.#held.length);
      this.#held = next;
    }
  }
}

/** A request error with a stable code, answered as `{"ok": false, "error"}`. */
class RequestError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = "RequestError";
    this.code = code;
  }
}

const DAEMON_METHODS = new Set(["status", "query", "stop"]);

function isPosition(n: unknown): boolean {
  return typeof n === "number" && Number.isInteger(n) && n >= 1 && n <= MAX_POSITION;
}

/** Check a query's params; the error names what is wrong. */
function checkParams(params: unknown): DaemonQueryParams {
  const p = (params && typeof params === "object" ? params : undefined) as
    | Record<string, unknown>
    | undefined;
  if (!p || !LSP_METHODS.includes(p.method as never) || typeof p.file !== "string") {
    throw new RequestError("BAD_REQUEST", "query needs params.method and params.file");
  }
  if (p.file === "" || p.file.length > 4096 || p.file.includes("\0")) {
    throw new RequestError("BAD_REQUEST", "params.file is not a usable path");
  }
  if (p.method !== "diagnostics" && (!isPosition(p.line) || !isPosition(p.col))) {
    throw new RequestError("BAD_REQUEST", "params.line and params.col must be 1-based integers");
  }
  const wait = p.wait_ready_ms;
  if (
    wait !== undefined &&
    (typeof wait !== "number" || !Number.isFinite(wait) || wait < 0 || wait > 600_000)
  ) {
    throw new RequestError("BAD_REQUEST", "params.wait_ready_ms must be 0..600000");
  }
  return p as unknown as DaemonQueryParams;
}

class Daemon {
  readonly #segment: Segment;
  readonly #paths: DaemonPaths;
  readonly #config: LspConfig;
  readonly #env: EnvReader;
  readonly #t: Telemetry | undefined;
  readonly #ttlS: number;
  readonly #started = monotonicMs();
  readonly #guard: GuardCache;
  #lastActivity = monotonicMs();
  #client: LspClient | undefined;
  #server: ServerCommand | undefined;
  /** Why no server can run (kept: discovery is not repeated). */
  #miss: DiscoveryMiss | undefined;
  /** A client start in progress ({@linkcode Daemon.#ensureClient}). */
  #starting: Promise<LspClient | undefined> | undefined;
  #restarts = 0;
  #queries = 0;
  #connections = 0;
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
    this.#guard = new GuardCache(segment);
    this.finished = new Promise((r) => (this.#done = r));
  }

  async run(listener: Deno.Listener): Promise<void> {
    this.#listener = listener;
    const tick = Math.max(200, Math.min(1000, (this.#ttlS * 1000) / 4));
    const timer = setInterval(() => {
      if (elapsedMs(this.#lastActivity) >= this.#ttlS * 1000) void this.stop("ttl");
    }, tick);
    await this.#writeState();
    await this.#writeMarker();
    void this.#warmUp().catch((err: unknown) => {
      // A failed warm-up is retried by the first query; it must not end the daemon.
      this.#t?.event("lsp.daemon_status", { op: "warmup" }, {
        status: "error",
        error: err instanceof Error ? err.name : "unknown",
      }, 1);
    });
    try {
      for await (const conn of listener) {
        void this.#serveConn(conn).catch((err: unknown) => {
          // One broken connection must not end the daemon: count it and go on.
          this.#t?.event("lsp.daemon_status", { op: "connection" }, {
            status: "error",
            error: err instanceof Error ? err.name : "unknown",
          }, 1);
        });
      }
    } catch (err) {
      // The listener is closed by stop(); anything else is a real failure.
      if (!(err instanceof Deno.errors.BadResource) && this.#ending === undefined) throw err;
    } finally {
      clearInterval(timer);
    }
  }

  async #warmUp(): Promise<void> {
    if (this.#guard.verdict()) return; // no server while the segment is unsafe
    const walked = await walkFiles(this.#segment, this.#segment.root, { extensions: [".py"] });
    const first = walked.files[0];
    if (first) await this.#ensureClient(first);
  }

  /**
   * The running client, or one started now. One start at a time: the
   * sandbox probe makes discovery take a while, and a question arriving
   * during the warm-up must wait for that start, not begin a second one.
   */
  #ensureClient(warmup: { abs: string; rel: string }): Promise<LspClient | undefined> {
    this.#starting ??= this.#startClient(warmup).finally(() => {
      this.#starting = undefined;
    });
    return this.#starting;
  }

  async #startClient(warmup: { abs: string; rel: string }): Promise<LspClient | undefined> {
    const c = this.#client;
    if (c && c.state !== "FAILED" && c.state !== "CLOSED") return c;
    if (this.#ending !== undefined || this.#miss) return c;
    if (c && c.state === "FAILED" && this.#restarts >= MAX_RESTARTS) return c;
    if (c) {
      if (c.state === "FAILED") this.#restarts++;
      await c.shutdown(); // ends what is left of its process group
    }
    if (!this.#server) {
      const found = await findServer("python", { env: this.#env, root: this.#segment.root });
      if (!isServerCommand(found)) {
        this.#miss = found;
        return undefined;
      }
      this.#server = found;
    }
    const { text } = await readInside(this.#segment, warmup.abs, { unmaskedForLocalServer: true });
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

  /**
   * Leave a marker in the segment's `.trifecta/`, so a CLI call without the
   * grants for the runtime directory can tell that a daemon runs and name
   * the flags (`daemon_not_granted`) instead of answering silently without it.
   */
  async #writeMarker(): Promise<void> {
    const marker: DaemonMarker = { key: this.#paths.key, pid: Deno.pid };
    try {
      // Checked write: never through a symlinked `.trifecta` or marker
      // (lib/safe_dir.ts), which would land outside the segment.
      await writeStateFile(this.#segment.root, DAEMON_MARKER, JSON.stringify(marker) + "\n");
    } catch (err) {
      // Without write access to .trifecta, or with an unsafe one, the hint
      // is lost, nothing else.
      if (
        !(err instanceof Deno.errors.NotCapable || err instanceof Deno.errors.PermissionDenied ||
          (err as { code?: string }).code === "EROFS" ||
          (err instanceof TrifectaError && err.code === STATE_PATH_UNSAFE_CODE))
      ) throw err;
    }
  }

  status(): DaemonStatus {
    return {
      protocol: DAEMON_PROTOCOL_VERSION,
      pid: Deno.pid,
      state: this.#client?.state ?? (this.#miss ? "FAILED" : "COLD"),
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
    // Writes are chained: a heartbeat and an answer never interleave.
    let chain: Promise<void> = Promise.resolve();
    const write = (res: DaemonResponse | { id: unknown; alive: true }): Promise<void> => {
      chain = chain.then(async () => {
        try {
          const bytes = encodeLine(res);
          for (let off = 0; off < bytes.length;) off += await conn.write(bytes.subarray(off));
        } catch (err) {
          // The caller went away (timeout, stalled check): nothing to answer to.
          if (
            !(err instanceof Deno.errors.BrokenPipe || err instanceof Deno.errors.ConnectionReset ||
              err instanceof Deno.errors.BadResource || err instanceof Deno.errors.NotConnected)
          ) throw err;
        }
      });
      return chain;
    };
    this.#connections++;
    try {
      if (this.#connections > MAX_CONNECTIONS) {
        await write({
          id: null,
          ok: false,
          error: { code: "BUSY", message: `more than ${MAX_CONNECTIONS} connections` },
        });
        return;
      }
      const lines = new RequestLines(conn, MAX_REQUEST_BYTES);
      for (;;) {
        const line = await lines.next();
        if (line === undefined) break;
        if (line === TOO_LARGE) {
          // The rest of the line is not read: answer and close this connection only.
          await write({
            id: null,
            ok: false,
            error: {
              code: "REQUEST_TOO_LARGE",
              message: `max ${MAX_REQUEST_BYTES} bytes per request`,
            },
          });
          break;
        }
        if (line.trim() === "") continue;
        this.#lastActivity = monotonicMs();
        let req: unknown;
        try {
          req = JSON.parse(line);
        } catch {
          // Not JSON: answer with an error, keep the connection.
          await write({ id: null, ok: false, error: { code: "BAD_REQUEST", message: "not JSON" } });
          continue;
        }
        const obj = (req && typeof req === "object" && !Array.isArray(req) ? req : undefined) as
          | Record<string, unknown>
          | undefined;
        const id = obj && (typeof obj.id === "number" || typeof obj.id === "string")
          ? obj.id
          : null;
        if (!obj || typeof obj.method !== "string" || !DAEMON_METHODS.has(obj.method)) {
          await write({
            id,
            ok: false,
            error: { code: "BAD_REQUEST", message: 'expected {"method": status|query|stop}' },
          });
          continue;
        }
        const beat = obj.method === "query"
          ? setInterval(() => void write({ id, alive: true }), HEARTBEAT_MS)
          : undefined;
        let res: DaemonResponse;
        try {
          res = await this.#dispatch({ ...obj, id } as DaemonRequest);
        } finally {
          clearInterval(beat);
        }
        await write(res);
        this.#lastActivity = monotonicMs();
        if (obj.method === "stop") break;
      }
    } catch (err) {
      if (
        !(err instanceof Deno.errors.BadResource || err instanceof Deno.errors.ConnectionReset ||
          err instanceof Deno.errors.Interrupted)
      ) throw err;
    } finally {
      this.#connections--;
      await chain.catch(() => undefined); // its errors were reported where they happened
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
          const result = await this.#query(checkParams(req.params));
          return { id, ok: true, result };
        } catch (err) {
          const code = err instanceof TrifectaError || err instanceof RequestError
            ? err.code
            : "DAEMON_ERROR";
          const message = err instanceof TrifectaError || err instanceof RequestError
            ? err.message
            : `the daemon failed on this query (${err instanceof Error ? err.name : "error"})`;
          return { id, ok: false, error: { code, message } };
        } finally {
          void this.#t?.flush();
        }
      default:
        return { id, ok: false, error: { code: "UNKNOWN_METHOD", message: "unknown method" } };
    }
  }

  async #query(params: DaemonQueryParams): Promise<DaemonQueryResult> {
    this.#queries++;
    const file = await checkInside(this.#segment, params.file);
    if (file.isDirectory) {
      throw new RequestError(
        "INVALID_LOCATION",
        `Expected a file, got a directory: ${file.namedRel}`,
      );
    }
    const backend = this.#server?.backend ?? "unavailable";
    const verdict = this.#guard.verdict();
    if (verdict) {
      // The server may hold what it read through the unsafe paths: it goes,
      // and a fresh one starts once the segment is clean.
      const tainted = this.#client;
      this.#client = undefined;
      if (tainted) {
        await tainted.shutdown();
        await this.#writeState();
      }
      return {
        backend,
        fallback_reason: verdict.reason,
        fallback_detail: verdict.detail,
        state: "CLOSED",
      };
    }
    const client = await this.#ensureClient(file);
    const fallback = (reason: FallbackReason, state: LspState): DaemonQueryResult => ({
      backend,
      fallback_reason: reason,
      state,
    });
    if (!client) {
      return {
        backend,
        fallback_reason: this.#miss?.reason ?? "lsp_binary_not_found",
        fallback_detail: this.#miss?.detail,
        state: "FAILED",
      };
    }
    let state = client.state;
    if (state === "WARMING" && (params.wait_ready_ms ?? 0) > 0) {
      state = await client.waitReady(params.wait_ready_ms ?? 0);
    }
    if (state !== "READY") return fallback(fallbackReasonOf(state, client.failReason), state);
    const { text } = await readInside(this.#segment, file.abs, { unmaskedForLocalServer: true });
    try {
      const answer = await performQuestion(client, this.#segment, {
        method: params.method,
        abs: file.abs,
        rel: file.namedRel,
        text,
        line: params.line,
        col: params.col,
      }, { timeoutMs: this.#config.requestTimeoutMs });
      return { answer, backend: this.#server!.backend, state: client.state };
    } catch (err) {
      if (err instanceof LspUnavailableError) {
        return fallback(
          err.reason === "lsp_error"
            ? fallbackReasonOf(client.state, client.failReason)
            : err.reason,
          client.state,
        );
      }
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
    await removeMarker(segment, paths);
    if (options.releaseAtExit) {
      globalThis.addEventListener("unload", () => releaseLockFile(paths.lock, lock));
    } else releaseLockFile(paths.lock, lock);
    await options.telemetry?.flush();
  }
}

/** Remove the segment's daemon marker when it is this daemon's. */
async function removeMarker(segment: Segment, paths: DaemonPaths): Promise<void> {
  const path = join(segment.root, DAEMON_MARKER);
  try {
    // `.trifecta` may have become a link out of the segment: never follow it.
    if (checkStateDir(segment.root, ".trifecta").kind !== "ok") return;
    const info = await Deno.lstat(path);
    if (!info.isFile || info.size > 4096) return;
    const marker = JSON.parse(await Deno.readTextFile(path)) as Partial<DaemonMarker>;
    if (marker.key === paths.key && marker.pid === Deno.pid) await Deno.remove(path);
  } catch (err) {
    // Gone, replaced, or never written (no write access): nothing to remove.
    if (
      !(err instanceof Deno.errors.NotFound || err instanceof SyntaxError ||
        err instanceof Deno.errors.NotCapable || err instanceof Deno.errors.PermissionDenied)
    ) throw err;
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
