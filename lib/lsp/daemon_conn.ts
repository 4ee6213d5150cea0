/**
 * The daemon's side of a connection: request lines read into a bounded
 * buffer, each checked ({@linkcode parseRequest}) before the daemon sees
 * it, answers and heartbeats written in order, at most
 * {@linkcode MAX_CONNECTIONS} connections at once. A malformed or oversized
 * request gets an error line; nothing a client sends ends the daemon. The
 * protocol is in `daemon_protocol.ts`.
 *
 * @module
 */
import { TrifectaError } from "../errors.ts";
import { MAX_POSITION } from "./answer_guard.ts";
import { closeQuietly, HEARTBEAT_MS } from "./daemon_client.ts";
import {
  type DaemonQueryParams,
  type DaemonRequest,
  type DaemonResponse,
  encodeLine,
  MAX_CONNECTIONS,
  MAX_REQUEST_BYTES,
} from "./daemon_protocol.ts";
import { LSP_METHODS } from "./types.ts";

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

const DAEMON_METHODS = new Set(["status", "query", "stop"]);

function isPosition(n: unknown): boolean {
  return typeof n === "number" && Number.isInteger(n) && n >= 1 && n <= MAX_POSITION;
}

function badRequest(message: string): TrifectaError {
  return new TrifectaError("BAD_REQUEST", message);
}

/**
 * Check a query's params; the error names what is wrong.
 *
 * @throws {TrifectaError} `BAD_REQUEST`.
 */
export function checkParams(params: unknown): DaemonQueryParams {
  const p = (params && typeof params === "object" ? params : undefined) as
    | Record<string, unknown>
    | undefined;
  if (!p || !LSP_METHODS.includes(p.method as never) || typeof p.file !== "string") {
    throw badRequest("query needs params.method and params.file");
  }
  if (p.file === "" || p.file.length > 4096 || p.file.includes("\0")) {
    throw badRequest("params.file is not a usable path");
  }
  if (p.method !== "diagnostics" && (!isPosition(p.line) || !isPosition(p.col))) {
    throw badRequest("params.line and params.col must be 1-based integers");
  }
  const wait = p.wait_ready_ms;
  if (
    wait !== undefined &&
    (typeof wait !== "number" || !Number.isFinite(wait) || wait < 0 || wait > 600_000)
  ) {
    throw badRequest("params.wait_ready_ms must be 0..600000");
  }
  return p as unknown as DaemonQueryParams;
}

/**
 * One request line as a request for the daemon, or the error line that
 * answers it (not JSON, not an object, an unknown method). The id is kept
 * only when it is a number or a string.
 *
 * @example
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { parseRequest } from "./daemon_conn.ts";
 * deepEqual(parseRequest('{"id":7,"method":"status"}'), { request: { id: 7, method: "status" } });
 * equal(parseRequest("not json").error?.error?.code, "BAD_REQUEST");
 * equal(parseRequest('{"id":{},"method":"x"}').error?.id, null);
 * ```
 */
export function parseRequest(
  line: string,
): { request: DaemonRequest; error?: undefined } | { request?: undefined; error: DaemonResponse } {
  let req: unknown;
  try {
    req = JSON.parse(line);
  } catch {
    // Not JSON: answered with an error, the connection stays.
    return { error: { id: null, ok: false, error: { code: "BAD_REQUEST", message: "not JSON" } } };
  }
  const obj = (req && typeof req === "object" && !Array.isArray(req) ? req : undefined) as
    | Record<string, unknown>
    | undefined;
  const id = obj && (typeof obj.id === "number" || typeof obj.id === "string") ? obj.id : null;
  if (!obj || typeof obj.method !== "string" || !DAEMON_METHODS.has(obj.method)) {
    return {
      error: {
        id,
        ok: false,
        error: { code: "BAD_REQUEST", message: 'expected {"method": status|query|stop}' },
      },
    };
  }
  return { request: { ...obj, id } as DaemonRequest };
}

/** What a connection needs from the daemon. */
export interface ConnHost {
  /** Answer one well-formed request (errors are part of the answer). */
  dispatch(req: DaemonRequest): Promise<DaemonResponse>;
  /** A request arrived or was answered: the idle clock starts again. */
  touch(): void;
}

type Line = DaemonResponse | { id: unknown; alive: true };

/**
 * Lines written to a connection one after another: a heartbeat and an
 * answer never interleave. A caller that went away (timeout, stalled check)
 * is not an error: there is nothing to answer to.
 */
class LineWriter {
  #conn: Deno.Conn;
  #chain: Promise<void> = Promise.resolve();

  constructor(conn: Deno.Conn) {
    this.#conn = conn;
  }

  write(line: Line): Promise<void> {
    this.#chain = this.#chain.then(async () => {
      try {
        const bytes = encodeLine(line);
        for (let off = 0; off < bytes.length;) off += await this.#conn.write(bytes.subarray(off));
      } catch (err) {
        if (
          !(err instanceof Deno.errors.BrokenPipe || err instanceof Deno.errors.ConnectionReset ||
            err instanceof Deno.errors.BadResource || err instanceof Deno.errors.NotConnected)
        ) throw err;
      }
    });
    return this.#chain;
  }

  /** Resolves once every line is written; its errors were reported where they happened. */
  drained(): Promise<void> {
    return this.#chain.catch(() => undefined);
  }
}

/** The connections of one daemon, at most {@linkcode MAX_CONNECTIONS} at once. */
export class DaemonConnections {
  #host: ConnHost;
  #open = 0;

  /** Serve connections for `host`. */
  constructor(host: ConnHost) {
    this.#host = host;
  }

  /** Serve one connection until the peer closes it, sends `stop` or an oversized line. */
  async serve(conn: Deno.Conn): Promise<void> {
    const out = new LineWriter(conn);
    this.#open++;
    try {
      if (this.#open > MAX_CONNECTIONS) {
        await out.write({
          id: null,
          ok: false,
          error: { code: "BUSY", message: `more than ${MAX_CONNECTIONS} connections` },
        });
        return;
      }
      await this.#readRequests(conn, out);
    } catch (err) {
      // The peer closed or reset the connection: nothing more to serve.
      if (
        !(err instanceof Deno.errors.BadResource || err instanceof Deno.errors.ConnectionReset ||
          err instanceof Deno.errors.Interrupted)
      ) throw err;
    } finally {
      this.#open--;
      await out.drained();
      closeQuietly(conn);
    }
  }

  async #readRequests(conn: Deno.Conn, out: LineWriter): Promise<void> {
    const lines = new RequestLines(conn, MAX_REQUEST_BYTES);
    for (;;) {
      const line = await lines.next();
      if (line === undefined) return;
      if (line === TOO_LARGE) {
        // The rest of the line is not read: answer and close this connection only.
        await out.write({
          id: null,
          ok: false,
          error: {
            code: "REQUEST_TOO_LARGE",
            message: `max ${MAX_REQUEST_BYTES} bytes per request`,
          },
        });
        return;
      }
      if (line.trim() === "") continue;
      this.#host.touch();
      const parsed = parseRequest(line);
      if (parsed.error) {
        await out.write(parsed.error);
        continue;
      }
      await out.write(await this.#answer(parsed.request, out));
      this.#host.touch();
      if (parsed.request.method === "stop") return;
    }
  }

  /** Dispatch one request; a query sends heartbeats while it runs. */
  async #answer(req: DaemonRequest, out: LineWriter): Promise<DaemonResponse> {
    const id = req.id ?? null;
    const beat = req.method === "query"
      ? setInterval(() => void out.write({ id, alive: true }), HEARTBEAT_MS)
      : undefined;
    try {
      return await this.#host.dispatch(req);
    } finally {
      clearInterval(beat);
    }
  }
}
