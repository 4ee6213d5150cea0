/**
 * Talk to a segment's daemon over its Unix socket.
 *
 * @module
 */
import { type DaemonPaths } from "./daemon_paths.ts";
import {
  type DaemonRequest,
  type DaemonResponse,
  encodeLine,
  MAX_REQUEST_BYTES,
} from "./daemon_protocol.ts";

/** The daemon could not be reached or did not answer. */
export class DaemonUnavailableError extends Error {
  /** True when no daemon listens (no socket, or connection refused). */
  readonly notRunning: boolean;
  /** True when this process lacks `--allow-net=unix:<socket>` (Deno needs it for Unix sockets). */
  readonly noPermission: boolean;
  /** Create the error. */
  constructor(message: string, notRunning: boolean, noPermission = false) {
    super(message);
    this.name = "DaemonUnavailableError";
    this.notRunning = notRunning;
    this.noPermission = noPermission;
  }
}

/**
 * True when this process may connect to the socket: Deno 2.9 asks for net
 * permission on the exact path (`--allow-net=unix:<path>`, or `--allow-net`).
 */
export function canReachSocket(socket: string): boolean {
  return Deno.permissions.querySync({ name: "net", host: `unix:${socket}` }).state === "granted";
}

/** Options for {@linkcode callDaemon}. */
export interface CallOptions {
  /** Give up after this many ms (default 30 000). */
  timeoutMs?: number;
}

/**
 * Send one request and wait for its answer.
 *
 * @throws {DaemonUnavailableError} `notRunning` when nothing listens on the
 * socket; otherwise when the daemon broke the connection or timed out.
 */
export async function callDaemon(
  paths: DaemonPaths,
  request: DaemonRequest,
  options: CallOptions = {},
): Promise<DaemonResponse> {
  if (!canReachSocket(paths.socket)) {
    throw new DaemonUnavailableError(
      `no permission to reach the daemon (grant --allow-net=unix:${paths.socket})`,
      false,
      true,
    );
  }
  let conn: Deno.UnixConn;
  try {
    conn = await Deno.connect({ transport: "unix", path: paths.socket });
  } catch (err) {
    if (
      err instanceof Deno.errors.NotFound || err instanceof Deno.errors.ConnectionRefused ||
      err instanceof Deno.errors.ConnectionReset
    ) {
      throw new DaemonUnavailableError("no daemon is listening", true);
    }
    throw new DaemonUnavailableError(`cannot connect: ${(err as Error).name}`, false);
  }
  const timeoutMs = options.timeoutMs ?? 30_000;
  // On timeout the connection is closed, which ends the pending read; no
  // promise is left behind to reject later. AbortSignal.timeout rather than
  // setTimeout: a process's first setTimeout costs Deno ~5 ms of set-up.
  let timedOut = false;
  const signal = AbortSignal.timeout(timeoutMs);
  const onTimeout = () => {
    timedOut = true;
    closeQuietly(conn);
  };
  signal.addEventListener("abort", onTimeout);
  try {
    await writeAll(conn, encodeLine(request));
    const line = await readFirstLine(conn, MAX_REQUEST_BYTES * 64);
    if (line === undefined) {
      throw new DaemonUnavailableError("the daemon closed the connection", false);
    }
    return JSON.parse(line) as DaemonResponse;
  } catch (err) {
    if (timedOut) throw new DaemonUnavailableError(`no answer within ${timeoutMs} ms`, false);
    if (err instanceof DaemonUnavailableError) throw err;
    throw new DaemonUnavailableError(`broken exchange: ${(err as Error).message}`, false);
  } finally {
    signal.removeEventListener("abort", onTimeout);
    closeQuietly(conn);
  }
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let off = 0; off < bytes.length;) off += await conn.write(bytes.subarray(off));
}

/**
 * The first line the peer sends (without its newline), or `undefined` when
 * it closes first. Reads the connection directly rather than through
 * `conn.readable`: a one-question CLI process would otherwise pay for setting
 * up web streams (several ms on its first use).
 *
 * @throws {RangeError} when the line exceeds `maxBytes`.
 */
async function readFirstLine(conn: Deno.Conn, maxBytes: number): Promise<string | undefined> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const buf = new Uint8Array(64 * 1024);
  for (;;) {
    const n = await conn.read(buf);
    if (n === null) return undefined;
    const chunk = buf.slice(0, n);
    const nl = chunk.indexOf(10);
    if (nl >= 0) {
      chunks.push(chunk.subarray(0, nl));
      size += nl;
    } else {
      chunks.push(chunk);
      size += n;
    }
    if (size > maxBytes) throw new RangeError(`line longer than ${maxBytes} bytes`);
    if (nl >= 0) break;
  }
  const line = new Uint8Array(size);
  let off = 0;
  for (const c of chunks) {
    line.set(c, off);
    off += c.length;
  }
  return new TextDecoder().decode(line);
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
