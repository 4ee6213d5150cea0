/**
 * Talk to a segment's daemon over its Unix socket: the daemon's files are
 * checked first ({@linkcode inspectDaemon}), so an impostor is never
 * contacted; a daemon that goes silent for {@linkcode DAEMON_GAP_MS} (stopped
 * with SIGSTOP, wedged) is given up on at once, however long the query may
 * take, because a working daemon sends a heartbeat line every
 * {@linkcode HEARTBEAT_MS} while it works on a query.
 *
 * @module
 */
import { type DaemonPaths } from "./daemon_paths.ts";
import {
  type DaemonRequest,
  type DaemonResponse,
  encodeLine,
  MAX_RESPONSE_BYTES,
} from "./daemon_protocol.ts";
import { inspectDaemon, lockHeldSync } from "./daemon_trust.ts";

/** Longest silence accepted from a daemon before it counts as stalled (ms). */
export const DAEMON_GAP_MS = 2000;

/** How often a daemon sends a heartbeat line while it works on a query (ms). */
export const HEARTBEAT_MS = 500;

/** What kept a daemon from answering. */
export interface DaemonFailure {
  /** True when no daemon listens (no socket, connection refused, a dead daemon's files). */
  notRunning?: boolean;
  /** True when this process lacks a grant to check or reach it. */
  noPermission?: boolean;
  /** True when its files are not this user's private ones (never contacted). */
  untrusted?: boolean;
  /** True when it went silent (stopped, wedged). */
  stalled?: boolean;
  /** The flags to add, with `noPermission`. */
  flags?: string[];
  /** What to do about it. */
  detail?: string;
}

/** The daemon could not be reached, was refused, or did not answer. */
export class DaemonUnavailableError extends Error {
  /** True when no daemon listens (no socket, or connection refused). */
  readonly notRunning: boolean;
  /** True when this process lacks a grant to check or reach the daemon. */
  readonly noPermission: boolean;
  /** True when the daemon's files failed the ownership check (it was not contacted). */
  readonly untrusted: boolean;
  /** True when the daemon went silent for {@linkcode DAEMON_GAP_MS}. */
  readonly stalled: boolean;
  /** Flags to add (with `noPermission`). */
  readonly flags: string[];
  /** What to do about it. */
  readonly detail: string | undefined;
  /** Create the error. */
  constructor(message: string, failure: DaemonFailure = {}) {
    super(message);
    this.name = "DaemonUnavailableError";
    this.notRunning = failure.notRunning ?? false;
    this.noPermission = failure.noPermission ?? false;
    this.untrusted = failure.untrusted ?? false;
    this.stalled = failure.stalled ?? false;
    this.flags = failure.flags ?? [];
    this.detail = failure.detail;
  }
}

/**
 * True when this process may connect to the socket: Deno 2.9 asks for net
 * permission on the exact path (`--allow-net=unix:<path>`, or `--allow-net`)
 * and read and write permission on it.
 */
export function canReachSocket(socket: string): boolean {
  const q = (d: Deno.PermissionDescriptor) => Deno.permissions.querySync(d).state === "granted";
  return q({ name: "net", host: `unix:${socket}` }) && q({ name: "read", path: socket }) &&
    q({ name: "write", path: socket });
}

/** Options for {@linkcode callDaemon}. */
export interface CallOptions {
  /** Give up after this many ms in all (default 30 000). */
  timeoutMs?: number;
  /** Give up after this many ms without a line (default {@linkcode DAEMON_GAP_MS}). */
  gapMs?: number;
  /** The segment root (real path): a daemon marker there counts as a sign that one runs. */
  root?: string;
}

/**
 * Refuse a daemon that cannot be or must not be contacted: none runs, its
 * files fail the ownership check, or this process lacks a grant.
 */
function checkTrust(paths: DaemonPaths, root: string): void {
  const trust = inspectDaemon(paths, { root, lockHeld: lockHeldSync });
  if (trust.kind === "absent") {
    throw new DaemonUnavailableError("no daemon is running", { notRunning: true });
  }
  if (trust.kind === "untrusted") {
    throw new DaemonUnavailableError(`the daemon was not contacted: ${trust.detail}`, {
      untrusted: true,
      detail: trust.detail,
    });
  }
  if (trust.kind === "not_granted") {
    throw new DaemonUnavailableError(`no permission to reach the daemon: ${trust.detail}`, {
      noPermission: true,
      flags: trust.flags,
      detail: trust.detail,
    });
  }
}

/** Connect to the daemon's socket; a missing or refusing socket means none runs. */
async function connect(paths: DaemonPaths): Promise<Deno.UnixConn> {
  try {
    return await Deno.connect({ transport: "unix", path: paths.socket });
  } catch (err) {
    if (
      err instanceof Deno.errors.NotFound || err instanceof Deno.errors.ConnectionRefused ||
      err instanceof Deno.errors.ConnectionReset
    ) {
      throw new DaemonUnavailableError("no daemon is listening", { notRunning: true });
    }
    throw new DaemonUnavailableError(
      `cannot connect: ${err instanceof Error ? err.name : "unknown"}`,
    );
  }
}

/**
 * The next line from `reader`, or undefined at the end; `onGap` runs (and
 * should close the connection, which ends the read) when `gapMs` pass
 * without one.
 */
async function nextLine(
  reader: LineReader,
  gapMs: number,
  onGap: () => void,
): Promise<string | undefined> {
  const gap = AbortSignal.timeout(gapMs);
  gap.addEventListener("abort", onGap);
  try {
    return await reader.next();
  } finally {
    gap.removeEventListener("abort", onGap);
  }
}

/** Read lines until the answer (heartbeat lines are skipped); undefined when the connection ended. */
async function readAnswer(
  conn: Deno.Conn,
  gapMs: number,
  onGap: () => void,
): Promise<DaemonResponse | undefined> {
  const reader = new LineReader(conn, MAX_RESPONSE_BYTES);
  for (;;) {
    const line = await nextLine(reader, gapMs, onGap);
    if (line === undefined) return undefined;
    const res = JSON.parse(line) as DaemonResponse & { alive?: boolean };
    if (res && typeof res === "object" && res.alive === true && res.ok === undefined) continue;
    if (!res || typeof res !== "object" || typeof res.ok !== "boolean") {
      throw new DaemonUnavailableError("the daemon sent an answer of the wrong shape");
    }
    return res;
  }
}

/**
 * Check the daemon's files, send one request, and wait for its answer
 * (heartbeat lines are skipped).
 *
 * @throws {DaemonUnavailableError} `notRunning` when no daemon listens;
 * `untrusted` when its files fail the check (nothing was sent);
 * `noPermission` when a grant is missing; `stalled` when it went silent;
 * otherwise when it broke the connection or timed out.
 */
export async function callDaemon(
  paths: DaemonPaths,
  request: DaemonRequest,
  options: CallOptions = {},
): Promise<DaemonResponse> {
  checkTrust(paths, options.root ?? "");
  const conn = await connect(paths);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const gapMs = options.gapMs ?? DAEMON_GAP_MS;
  // On a timeout the connection is closed, which ends the pending read; no
  // promise is left behind to reject later. AbortSignal.timeout rather than
  // setTimeout: a process's first setTimeout costs Deno ~5 ms of set-up.
  let ended: "timeout" | "stalled" | undefined;
  const endWith = (why: "timeout" | "stalled") => () => {
    ended ??= why;
    closeQuietly(conn);
  };
  const onTimeout = endWith("timeout");
  const overall = AbortSignal.timeout(timeoutMs);
  overall.addEventListener("abort", onTimeout);
  try {
    await writeAll(conn, encodeLine(request));
    const res = await readAnswer(conn, gapMs, endWith("stalled"));
    if (res) return res;
    if (!ended) throw new DaemonUnavailableError("the daemon closed the connection");
    throw new DaemonUnavailableError(`the exchange ended: ${ended}`);
  } catch (err) {
    throw callFailure(err, ended, { timeoutMs, gapMs });
  } finally {
    overall.removeEventListener("abort", onTimeout);
    closeQuietly(conn);
  }
}

/** The error a failed exchange ends with: what ended it, or what broke it. */
function callFailure(
  err: unknown,
  ended: "timeout" | "stalled" | undefined,
  limits: { timeoutMs: number; gapMs: number },
): DaemonUnavailableError {
  if (ended === "stalled") {
    return new DaemonUnavailableError(
      `the daemon sent nothing for ${limits.gapMs} ms (stopped or hung)`,
      {
        stalled: true,
        detail:
          `The daemon did not respond within ${limits.gapMs} ms (stopped or hung); \`trifecta lsp daemon stop\` ends it.`,
      },
    );
  }
  if (ended === "timeout") {
    return new DaemonUnavailableError(`no answer within ${limits.timeoutMs} ms`);
  }
  if (err instanceof DaemonUnavailableError) return err;
  return new DaemonUnavailableError(
    `broken exchange: ${err instanceof Error ? err.message : String(err)}`,
  );
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let off = 0; off < bytes.length;) off += await conn.write(bytes.subarray(off));
}

/**
 * Lines from a connection, read directly rather than through
 * `conn.readable`: a one-question CLI process would otherwise pay for
 * setting up web streams (several ms on its first use).
 */
class LineReader {
  #conn: Deno.Conn;
  #max: number;
  #buf = new Uint8Array(64 * 1024);
  #pending: Uint8Array[] = [];
  #pendingSize = 0;
  #rest: Uint8Array = new Uint8Array(0);

  constructor(conn: Deno.Conn, maxBytes: number) {
    this.#conn = conn;
    this.#max = maxBytes;
  }

  /**
   * The next line (without its newline), or undefined when the peer closed.
   *
   * @throws {RangeError} when a line exceeds the cap.
   */
  async next(): Promise<string | undefined> {
    for (;;) {
      const nl = this.#rest.indexOf(10);
      if (nl >= 0) {
        this.#pending.push(this.#rest.subarray(0, nl));
        this.#pendingSize += nl;
        this.#rest = this.#rest.subarray(nl + 1);
        return this.#takeLine();
      }
      this.#pending.push(this.#rest);
      this.#pendingSize += this.#rest.length;
      if (this.#pendingSize > this.#max) {
        throw new RangeError(`line longer than ${this.#max} bytes`);
      }
      let n: number | null;
      try {
        n = await this.#conn.read(this.#buf);
      } catch (err) {
        // Closed by a timeout (or the peer): no more lines.
        if (err instanceof Deno.errors.BadResource || err instanceof Deno.errors.Interrupted) {
          return undefined;
        }
        throw err;
      }
      if (n === null) return undefined;
      this.#rest = this.#buf.slice(0, n);
    }
  }

  #takeLine(): string {
    const line = new Uint8Array(this.#pendingSize);
    let off = 0;
    for (const c of this.#pending) {
      line.set(c, off);
      off += c.length;
    }
    this.#pending = [];
    this.#pendingSize = 0;
    return new TextDecoder().decode(line);
  }
}

/** Close a connection that may already be closed (the peer ended it). */
export function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch (err) {
    // Only "already closed" is expected here.
    if (!(err instanceof Deno.errors.BadResource)) throw err;
  }
}
