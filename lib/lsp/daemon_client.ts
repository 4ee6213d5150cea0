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
  readLines,
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
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await conn.write(encodeLine(request));
    const lines = readLines(conn.readable, MAX_REQUEST_BYTES * 64);
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new DaemonUnavailableError(`no answer within ${timeoutMs} ms`, false)),
        timeoutMs,
      );
    });
    const first = await Promise.race([lines.next(), timeout]);
    if (first.done) throw new DaemonUnavailableError("the daemon closed the connection", false);
    return JSON.parse(first.value) as DaemonResponse;
  } catch (err) {
    if (err instanceof DaemonUnavailableError) throw err;
    throw new DaemonUnavailableError(`broken exchange: ${(err as Error).message}`, false);
  } finally {
    clearTimeout(timer);
    closeQuietly(conn);
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
