/**
 * The MCP stdio transport with bounds: newline-delimited JSON-RPC on stdin
 * and stdout, like the SDK's `StdioServerTransport`, except that a bad
 * request never ends the session. The SDK's transport closes itself when a
 * line passes its buffer (10 MB), so the server exits 0 without a word; here
 *
 * - a line over {@linkcode MAX_REQUEST_BYTES} is discarded as it streams in
 *   (memory stays bounded) and answered with a JSON-RPC error `-32600`;
 * - JSON nested deeper than {@linkcode MAX_JSON_DEPTH} is answered `-32600`
 *   before it is parsed;
 * - a line that is not JSON is answered `-32700`, one that is not a JSON-RPC
 *   message (or a batch) `-32600`;
 * - a request beyond {@linkcode MAX_IN_FLIGHT} unanswered ones is answered
 *   `-32000` (busy) at once, so a flood cannot pile up work; a request whose
 *   id is still in flight is answered `-32600` (a repeated id would take no
 *   slot of its own); a `tools/call` that is cancelled keeps its slot until
 *   its handler ends ({@linkcode BoundedStdioTransport.settled}), since its
 *   work may go on after the cancellation;
 *
 * and the next line is served as usual. An error reply carries the
 * request's id when it can be read (for an oversized line: from its first
 * or last bytes), else `null`.
 *
 * @module
 */
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { type JSONRPCMessage, JSONRPCMessageSchema } from "@modelcontextprotocol/sdk/types.js";

/** Largest request line accepted (4 MiB). */
export const MAX_REQUEST_BYTES = 4 * 1024 * 1024;
/** Deepest JSON nesting accepted in a request. */
export const MAX_JSON_DEPTH = 64;

/** Most requests being answered at once; more are refused until some finish. */
export const MAX_IN_FLIGHT = 256;

/** JSON-RPC: the line is not JSON. */
export const PARSE_ERROR = -32700;
/** JSON-RPC: the JSON is not an acceptable request. */
export const INVALID_REQUEST = -32600;
/** JSON-RPC (server error range): too many requests in flight. */
export const SERVER_BUSY = -32000;

/** A request the transport answered itself, for logs and telemetry. */
export interface RejectedRequest {
  /** JSON-RPC error code sent. */
  code: number;
  /** `too_large`, `too_deep`, `parse_error`, `invalid_request`, `batch` or `busy`. */
  reason: string;
  /** Size of the line in bytes. */
  bytes: number;
}

/** Options for {@linkcode BoundedStdioTransport}. */
export interface BoundedStdioOptions {
  /** Where requests come from (default: stdin). */
  input?: ReadableStream<Uint8Array>;
  /** Where replies go (default: stdout). */
  output?: { write(p: Uint8Array): Promise<number> };
  /** Largest line (default {@linkcode MAX_REQUEST_BYTES}). */
  maxLineBytes?: number;
  /** Deepest nesting (default {@linkcode MAX_JSON_DEPTH}). */
  maxDepth?: number;
  /** Told about every request answered with an error here. */
  onRejected?: (rejected: RejectedRequest) => void;
  /** Most unanswered requests (default {@linkcode MAX_IN_FLIGHT}). */
  maxInFlight?: number;
}

type Id = string | number | null;

const ID_VALUE = String.raw`(-?\d{1,15}|"(?:[^"\\]|\\.){0,128}")`;
const HEAD_ID = new RegExp(
  String.raw`^\s*\{\s*(?:"jsonrpc"\s*:\s*"2\.0"\s*,\s*)?"id"\s*:\s*` + ID_VALUE,
);
// A top-level id written last: the line ends right after it with one brace.
const TAIL_ID = new RegExp(String.raw`[,{]\s*"id"\s*:\s*` + ID_VALUE + String.raw`\s*\}\s*$`);
const PEEK = 512;

/** The request id of a line that will not be parsed, read from its head or tail. */
export function peekId(head: string, tail: string): Id {
  const m = HEAD_ID.exec(head) ?? TAIL_ID.exec(tail);
  if (!m) return null;
  try {
    const v: unknown = JSON.parse(m[1] ?? "");
    return typeof v === "string" || typeof v === "number" ? v : null;
  } catch (err) {
    // The pattern admits escapes JSON refuses (e.g. a lone `\x`): no id then.
    if (err instanceof SyntaxError) return null;
    throw err;
  }
}

/** Deepest nesting of arrays and objects in a JSON text (strings skipped), stopping past `limit`. */
export function jsonDepth(text: string, limit: number): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) max = depth;
      if (max > limit) return max;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

const decoder = new TextDecoder("utf-8", { fatal: true });
const lossy = new TextDecoder("utf-8", { fatal: false });
const encoder = new TextEncoder();

function concat(parts: readonly Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Newline-delimited JSON-RPC over stdio with bounds (see the module doc). */
export class BoundedStdioTransport implements Transport {
  /** Set by the protocol layer. */
  onclose?: () => void;
  /** Set by the protocol layer. */
  onerror?: (error: Error) => void;
  /** Set by the protocol layer. */
  onmessage?: (message: JSONRPCMessage) => void;
  /**
   * Called once when the input ends (EOF). The transport stays open so the
   * answers to requests still running can be sent; see {@linkcode idle}.
   * Without it, EOF closes the transport.
   */
  onInputEnd?: () => void;
  /** True once the input ended (EOF), as opposed to {@linkcode close}. */
  inputEnded = false;

  #input: ReadableStream<Uint8Array>;
  #output: { write(p: Uint8Array): Promise<number> };
  #max: number;
  #maxDepth: number;
  #onRejected?: (rejected: RejectedRequest) => void;
  #maxInFlight: number;
  #reader?: ReadableStreamDefaultReader<Uint8Array>;
  #parts: Uint8Array[] = [];
  #pending = 0;
  // While a line over the cap streams in: its first bytes, its last bytes, its size.
  #discard?: { head: Uint8Array; tail: Uint8Array; bytes: number };
  #writes: Promise<void> = Promise.resolve();
  #closed = false;
  // Requests handed to the protocol layer and not answered yet: id → method.
  #inFlight = new Map<string | number, string>();
  // Cancelled tools/call requests whose handlers have not ended yet.
  #cancelled = new Set<string | number>();
  #idleWaiters: (() => void)[] = [];

  /** A transport on stdin/stdout unless other streams are given. */
  constructor(options: BoundedStdioOptions = {}) {
    this.#input = options.input ?? Deno.stdin.readable;
    this.#output = options.output ?? Deno.stdout;
    this.#max = options.maxLineBytes ?? MAX_REQUEST_BYTES;
    this.#maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;
    this.#onRejected = options.onRejected;
    this.#maxInFlight = options.maxInFlight ?? MAX_IN_FLIGHT;
  }

  /** Start reading (the protocol layer calls this on connect). */
  start(): Promise<void> {
    this.#reader = this.#input.getReader();
    this.#loop().catch((err: unknown) => {
      this.onerror?.(err instanceof Error ? err : new Error(String(err)));
      this.close();
    });
    return Promise.resolve();
  }

  async #loop(): Promise<void> {
    const reader = this.#reader!;
    for (;;) {
      const { done, value } = await reader.read();
      if (done || this.#closed) break;
      this.#take(value);
    }
    if (!this.#closed) {
      this.inputEnded = true;
      if (this.onInputEnd) this.onInputEnd();
      else await this.close();
    }
  }

  /**
   * Resolves once every request received has been answered and written, or
   * after `maxMs` (a call that hangs must not keep the process alive).
   */
  async idle(maxMs: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const waited = new Promise<void>((resolve) => {
      if (this.#inFlight.size === 0) resolve();
      else this.#idleWaiters.push(resolve);
    });
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, maxMs)));
    await Promise.race([waited, timeout]);
    clearTimeout(timer);
    await this.#writes;
  }

  #take(chunk: Uint8Array): void {
    let start = 0;
    for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      const piece = chunk.subarray(start, nl);
      start = nl + 1;
      if (this.#discard) {
        this.#keepTail(piece);
        this.#endDiscard();
        continue;
      }
      const line = this.#parts.length === 0
        ? piece
        : concat([...this.#parts, piece], this.#pending + piece.length);
      this.#parts = [];
      this.#pending = 0;
      if (line.length > this.#max) {
        this.#discard = { head: line.slice(0, PEEK), tail: line.slice(-PEEK), bytes: line.length };
        this.#endDiscard();
      } else this.#line(line);
    }
    const rest = chunk.subarray(start);
    if (rest.length === 0) return;
    if (this.#discard) {
      this.#keepTail(rest);
      return;
    }
    this.#parts.push(rest.slice());
    this.#pending += rest.length;
    if (this.#pending > this.#max) {
      // Drop what is held: the rest of this line only updates its tail.
      const all = concat(this.#parts, this.#pending);
      this.#discard = { head: all.slice(0, PEEK), tail: all.slice(-PEEK), bytes: all.length };
      this.#parts = [];
      this.#pending = 0;
    }
  }

  #keepTail(piece: Uint8Array): void {
    const d = this.#discard!;
    d.bytes += piece.length;
    if (piece.length >= PEEK) d.tail = piece.slice(-PEEK);
    else d.tail = concat([d.tail, piece], d.tail.length + piece.length).slice(-PEEK);
  }

  #endDiscard(): void {
    const d = this.#discard!;
    this.#discard = undefined;
    const id = peekId(lossy.decode(d.head), lossy.decode(d.tail).replace(/\r$/, ""));
    this.#reject(id, INVALID_REQUEST, "too_large", d.bytes, {
      message: `Request too large: a request line may hold at most ${this.#max} bytes`,
      data: { max_bytes: this.#max },
    });
  }

  #line(bytes: Uint8Array): void {
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch (err) {
      // Invalid UTF-8 cannot be JSON text: answered as a parse error.
      if (!(err instanceof TypeError)) throw err;
      this.#reject(null, PARSE_ERROR, "parse_error", bytes.length, {
        message: "Parse error: the request is not valid UTF-8",
      });
      return;
    }
    if (text.trim() === "") return;
    if (jsonDepth(text, this.#maxDepth) > this.#maxDepth) {
      const id = peekId(text.slice(0, PEEK), text.slice(-PEEK).replace(/\r$/, ""));
      this.#reject(id, INVALID_REQUEST, "too_deep", bytes.length, {
        message:
          `Request nested too deeply: at most ${this.#maxDepth} levels of arrays and objects`,
        data: { max_depth: this.#maxDepth },
      });
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      if (!(err instanceof SyntaxError)) throw err;
      this.#reject(null, PARSE_ERROR, "parse_error", bytes.length, {
        message: "Parse error: the request is not valid JSON",
      });
      return;
    }
    if (Array.isArray(value)) {
      this.#reject(null, INVALID_REQUEST, "batch", bytes.length, {
        message: "Invalid Request: batches are not supported; send one message per line",
      });
      return;
    }
    const parsed = JSONRPCMessageSchema.safeParse(value);
    if (!parsed.success) {
      const raw = (value as { id?: unknown } | null)?.id;
      const id = typeof raw === "string" || typeof raw === "number" ? raw : null;
      this.#reject(id, INVALID_REQUEST, "invalid_request", bytes.length, {
        message: "Invalid Request: not a JSON-RPC 2.0 message",
      });
      return;
    }
    const msg = parsed.data;
    if ("method" in msg && "id" in msg) {
      if (this.#inFlight.has(msg.id)) {
        this.#reject(msg.id, INVALID_REQUEST, "id_in_use", bytes.length, {
          message: "Invalid Request: this id belongs to a request still being answered",
        });
        return;
      }
      if (this.#inFlight.size >= this.#maxInFlight) {
        this.#reject(msg.id, SERVER_BUSY, "busy", bytes.length, {
          message:
            `Server busy: ${this.#maxInFlight} requests are still being answered; retry later`,
        });
        return;
      }
      this.#inFlight.set(msg.id, msg.method);
    } else if ("method" in msg && msg.method === "notifications/cancelled") {
      // The protocol layer sends no answer to a cancelled request. A tool
      // call's work may go on: its slot is freed when its handler ends.
      const id = (msg.params as { requestId?: unknown } | undefined)?.requestId;
      if (typeof id === "string" || typeof id === "number") {
        if (this.#inFlight.get(id) === "tools/call") this.#cancelled.add(id);
        else this.#answered(id);
      }
    }
    this.onmessage?.(msg);
  }

  #reject(
    id: Id,
    code: number,
    reason: string,
    bytes: number,
    error: { message: string; data?: Record<string, unknown> },
  ): void {
    this.#onRejected?.({ code, reason, bytes });
    this.#write({ jsonrpc: "2.0", id, error: { code, ...error } }).catch((err: unknown) =>
      this.onerror?.(err instanceof Error ? err : new Error(String(err)))
    );
  }

  #write(value: unknown): Promise<void> {
    const data = encoder.encode(JSON.stringify(value) + "\n");
    // Chained: replies leave in order and never interleave.
    const run = this.#writes.then(async () => {
      let off = 0;
      while (off < data.length) off += await this.#output.write(data.subarray(off));
    });
    // The next write waits for this one whatever its outcome; a failure is
    // reported to this write's caller (through `run`), not to the next one.
    this.#writes = run.then(() => undefined, () => undefined);
    return run;
  }

  /** Send one message (a line of JSON). */
  send(message: JSONRPCMessage): Promise<void> {
    const sent = this.#write(message);
    if (!("method" in message) && "id" in message && message.id !== undefined) {
      this.#answered(message.id);
    }
    return sent;
  }

  /** How many requests hold an in-flight slot now (answered ones do not). */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /**
   * A `tools/call` handler ended (the server calls this from its handler's
   * `finally`): a cancelled call, which is never answered, frees its slot
   * now. An answered one was freed when its answer was sent.
   */
  settled(id: string | number): void {
    if (this.#cancelled.delete(id)) this.#answered(id);
  }

  #answered(id: string | number): void {
    this.#cancelled.delete(id);
    this.#inFlight.delete(id);
    if (this.#inFlight.size === 0) {
      for (const w of this.#idleWaiters.splice(0)) w();
    }
  }

  /** Stop reading and tell the protocol layer. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#parts = [];
    this.#discard = undefined;
    try {
      await this.#reader?.cancel();
    } catch (err) {
      // The input is already closed: nothing more will be read either way.
      if (!(err instanceof Error)) throw err;
    }
    this.onclose?.();
  }
}
