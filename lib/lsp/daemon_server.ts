/**
 * The warm daemon of one segment: holds an exclusive lock (singleton),
 * listens on a Unix socket in the per-user runtime directory, keeps the
 * segment's language servers warm (one per server family, started on
 * demand: `daemon_slots.ts`; the main family at start), answers the line
 * protocol of `daemon_protocol.ts` (connections: `daemon_conn.ts`), and
 * exits after an idle TTL, removing its socket, lock and state files
 * (`daemon_files.ts`).
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
import { LiveConfig } from "../config/live.ts";
import { toTrifectaError, TrifectaError } from "../errors.ts";
import { checkInside, type InsidePath, readInside, type Segment } from "../segment/mod.ts";
import { elapsedMs, monotonicMs, type Telemetry } from "../telemetry/mod.ts";
import { withRequestTrace } from "../telemetry/otel_scope.ts";
import type { LspClient } from "./client.ts";
import { fallbackReasonOf, LspUnavailableError, reasonOfUnavailable } from "./client_state.ts";
import { type EnvReader, type LspConfig, lspConfig, processEnv } from "./config.ts";
import { checkParams, DaemonConnections } from "./daemon_conn.ts";
import {
  acquireDaemonLock,
  releaseLockFile,
  removeDaemonMarker,
  removeIfExists,
  writeDaemonMarker,
  writeDaemonState,
} from "./daemon_files.ts";
import { type DaemonPaths, daemonPaths, ensureRuntimeDir } from "./daemon_paths.ts";
import {
  DAEMON_PROTOCOL_VERSION,
  type DaemonQueryParams,
  type DaemonQueryResult,
  type DaemonRequest,
  type DaemonResponse,
  type DaemonStatus,
} from "./daemon_protocol.ts";
import { DaemonSlots } from "./daemon_slots.ts";
import { performQuestion } from "./perform.ts";
import { serverLanguageOf, warmupTarget } from "./servers.ts";
import { GuardCache } from "./segment_guard.ts";

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
  /**
   * Follow the config files (default true): before each query they are
   * checked (a stat) and a changed `deny`/`ignore` applies to it.
   */
  reloadConfig?: boolean;
}

/** How {@linkcode serveDaemon} ended. */
export type ServeEnd = "already_running" | "ttl" | "stopped";

/** The name of what was thrown, for telemetry (never its message: it may hold paths). */
function errorName(err: unknown): string {
  return err instanceof Error ? err.name : "unknown";
}

class Daemon {
  #segment: Segment;
  readonly #paths: DaemonPaths;
  readonly #config: LspConfig;
  readonly #env: EnvReader;
  readonly #t: Telemetry | undefined;
  readonly #ttlS: number;
  readonly #started = monotonicMs();
  #guard: GuardCache;
  readonly #conns: DaemonConnections;
  #lastActivity = monotonicMs();
  /** The servers, one per family (lib/lsp/daemon_slots.ts). */
  #servers: DaemonSlots;
  /** The config files, re-read per query when they moved (lib/config/live.ts). */
  #live: LiveConfig | undefined;
  #queries = 0;
  #listener: Deno.Listener | undefined;
  #ending: ServeEnd | undefined;
  #done!: (end: ServeEnd) => void;
  readonly finished: Promise<ServeEnd>;

  constructor(segment: Segment, paths: DaemonPaths, options: ServeOptions & { live?: LiveConfig }) {
    this.#segment = segment;
    this.#paths = paths;
    this.#env = options.env ?? processEnv;
    this.#config = options.config ?? lspConfig(this.#env);
    this.#t = options.telemetry;
    this.#ttlS = options.ttlS ?? this.#config.daemonTtlS;
    this.#guard = new GuardCache(segment);
    this.#conns = new DaemonConnections({
      dispatch: (req) => this.#dispatch(req),
      touch: () => {
        this.#lastActivity = monotonicMs();
      },
    });
    this.#servers = this.#slotsFor(segment);
    this.#live = options.live;
    this.finished = new Promise((r) => (this.#done = r));
  }

  async run(listener: Deno.Listener): Promise<void> {
    this.#listener = listener;
    const tick = Math.max(200, Math.min(1000, (this.#ttlS * 1000) / 4));
    const timer = setInterval(() => {
      if (elapsedMs(this.#lastActivity) >= this.#ttlS * 1000) void this.stop("ttl");
    }, tick);
    await this.#writeState();
    await writeDaemonMarker(this.#segment.root, this.#paths);
    void this.#warmUp().catch((err: unknown) => {
      // A failed warm-up is retried by the first query; it must not end the daemon.
      this.#t?.event("lsp.daemon_status", {
        args: { op: "warmup" },
        result: { status: "error", error: errorName(err) },
      });
    });
    try {
      for await (const conn of listener) {
        void this.#conns.serve(conn).catch((err: unknown) => {
          // One broken connection must not end the daemon: count it and go on.
          this.#t?.event("lsp.daemon_status", {
            args: { op: "connection" },
            result: { status: "error", error: errorName(err) },
          });
        });
      }
    } catch (err) {
      // The listener is closed by stop(); anything else is a real failure.
      if (!(err instanceof Deno.errors.BadResource) && this.#ending === undefined) throw err;
    } finally {
      clearInterval(timer);
    }
  }

  /** Start the server of the segment's main family (most files), so it is READY by the first question. */
  async #warmUp(): Promise<void> {
    if (this.#guard.verdict()) return; // no server while the segment is unsafe
    const target = await warmupTarget(this.#segment);
    if (target) await this.#servers.ensure(target.language, target.file);
  }

  #writeState(): Promise<void> {
    return writeDaemonState(this.#paths, {
      pid: Deno.pid,
      server_pid: this.#servers.pids[0] ?? null,
      server_pids: this.#servers.pids,
      started_at: new Date(Date.now() - elapsedMs(this.#started)).toISOString(),
      ttl_s: this.#ttlS,
      segment_id: this.#segment.id,
      socket: this.#paths.socket,
      listening: this.#listener !== undefined,
    });
  }

  status(): DaemonStatus {
    const primary = this.#servers.primary;
    return {
      protocol: DAEMON_PROTOCOL_VERSION,
      pid: Deno.pid,
      state: primary.client?.state ?? (primary.miss ? "FAILED" : "COLD"),
      backend: primary.server?.backend ?? "unavailable",
      server_pid: primary.client?.pid ?? null,
      uptime_ms: Math.round(elapsedMs(this.#started)),
      idle_ms: Math.round(elapsedMs(this.#lastActivity)),
      ttl_s: this.#ttlS,
      queries: this.#queries,
      segment_id: this.#segment.id,
    };
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
          // One trace per query (docs/telemetry_otel.md); just the query when the export is off.
          const result = await withRequestTrace(
            this.#t,
            "lsp.daemon.query",
            () => this.#query(checkParams(req.params)),
          );
          return { id, ok: true, result };
        } catch (err) {
          // One code per fault, as on every surface (lib/errors.ts).
          const { code, message } = toTrifectaError(err);
          return { id, ok: false, error: { code, message } };
        } finally {
          void this.#t?.flush();
        }
      default:
        return { id, ok: false, error: { code: "UNKNOWN_METHOD", message: "unknown method" } };
    }
  }

  #slotsFor(segment: Segment): DaemonSlots {
    return new DaemonSlots(segment, {
      env: this.#env,
      config: this.#config,
      telemetry: this.#t,
      onChange: () => this.#writeState(),
    });
  }

  /**
   * A `deny`/`ignore` glob added to the config since the last query applies
   * to this one: the segment, its guard scan and the servers (which may hold
   * what they read under the old globs) are replaced; servers start again
   * on demand.
   */
  async #followConfig(): Promise<void> {
    const reload = await this.#live?.check();
    if (reload === undefined || !reload.globsChanged) return;
    const old = this.#servers;
    this.#segment = reload.segment;
    this.#guard = new GuardCache(reload.segment);
    this.#servers = this.#slotsFor(reload.segment);
    await old.end();
    await this.#writeState();
  }

  async #query(params: DaemonQueryParams): Promise<DaemonQueryResult> {
    this.#queries++;
    await this.#followConfig();
    const file = await checkInside(this.#segment, params.file);
    if (file.isDirectory) {
      throw new TrifectaError(
        "INVALID_LOCATION",
        `Expected a file, got a directory: ${file.namedRel}`,
      );
    }
    const language = serverLanguageOf(file.namedRel);
    const backend = language === undefined ? "unavailable" : this.#servers.backendOf(language);
    const unsafe = await this.#refuseUnsafeSegment(backend);
    if (unsafe) return unsafe;
    const client = language === undefined ? undefined : await this.#servers.ensure(language, file);
    if (!client) {
      const miss = language === undefined ? undefined : this.#servers.missOf(language);
      return {
        backend,
        fallback_reason: miss?.reason ?? "lsp_binary_not_found",
        fallback_detail: miss?.detail,
        state: "FAILED",
      };
    }
    let state = client.state;
    if (state === "WARMING" && (params.wait_ready_ms ?? 0) > 0) {
      state = await client.waitReady(params.wait_ready_ms ?? 0);
    }
    if (state !== "READY") {
      return { backend, fallback_reason: fallbackReasonOf(state, client.failReason), state };
    }
    return await this.#ask(client, file, params, backend);
  }

  /**
   * The fallback while the segment holds what the read boundary refuses.
   * The server may hold what it read through the unsafe paths: it goes,
   * and a fresh one starts once the segment is clean.
   */
  async #refuseUnsafeSegment(backend: string): Promise<DaemonQueryResult | undefined> {
    const verdict = this.#guard.verdict();
    if (!verdict) return undefined;
    await this.#servers.shutdownAll();
    return {
      backend,
      fallback_reason: verdict.reason,
      fallback_detail: verdict.detail,
      state: "CLOSED",
    };
  }

  /** Ask the READY client; a failure of the server is a fallback, not an error. */
  async #ask(
    client: LspClient,
    file: InsidePath,
    params: DaemonQueryParams,
    backend: string,
  ): Promise<DaemonQueryResult> {
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
      return { answer, backend: client.server.backend, state: client.state };
    } catch (err) {
      if (!(err instanceof LspUnavailableError)) throw err;
      return { backend, fallback_reason: reasonOfUnavailable(err, client), state: client.state };
    }
  }

  async stop(end: ServeEnd): Promise<void> {
    if (this.#ending !== undefined) return;
    this.#ending = end;
    try {
      this.#listener?.close();
    } catch (err) {
      // Already closed: the listener loop ended on its own.
      if (!(err instanceof Deno.errors.BadResource)) throw err;
    }
    await this.#servers.end();
    this.#t?.event("lsp.daemon_status", {
      args: { op: "shutdown" },
      result: { status: end === "ttl" ? "shutdown_ttl" : "shutdown_stop" },
      timingMs: elapsedMs(this.#started),
      extra: { queries: this.#queries, ttl_s: this.#ttlS },
    });
    this.#done(end);
  }
}

/**
 * Run the daemon until its TTL expires or it is stopped. Returns
 * `already_running` at once when another daemon holds the segment's lock.
 */
export async function serveDaemon(segment: Segment, options: ServeOptions = {}): Promise<ServeEnd> {
  const env = options.env ?? processEnv;
  // The config's globs are followed per query (nothing said: a daemon's stderr is closed).
  const live = options.reloadConfig === false ? undefined : await LiveConfig.open(segment);
  const paths = daemonPaths(segment.root, env);
  await ensureRuntimeDir(paths.dir);
  const lock = await acquireDaemonLock(paths);
  if (!lock) return "already_running";
  const daemon = new Daemon(live?.segment ?? segment, paths, { ...options, env, live });
  try {
    await removeIfExists(paths.socket);
    const listener = Deno.listen({ transport: "unix", path: paths.socket });
    await Deno.chmod(paths.socket, 0o600);
    options.telemetry?.event("lsp.daemon_status", {
      args: { op: "start" },
      result: { status: "running" },
      extra: { ttl_s: daemon.status().ttl_s },
    });
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
    await removeDaemonMarker(segment.root, paths);
    if (options.releaseAtExit) {
      globalThis.addEventListener("unload", () => releaseLockFile(paths.lock, lock));
    } else releaseLockFile(paths.lock, lock);
    await options.telemetry?.flush();
  }
}
