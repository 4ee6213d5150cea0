/**
 * A JSON-RPC 2.0 connection over a byte stream pair (a language server's
 * stdin/stdout): request ids, per-request timeouts with `$/cancelRequest`,
 * cancellation by `AbortSignal`, notifications both ways, and requests from
 * the server answered by a handler.
 *
 * @module
 */
import { encodeMessage, FrameDecoder, FramingError } from "./framing.ts";

/** The two byte streams of a connection. */
export interface RpcTransport {
  /** Bytes from the peer. */
  readable: ReadableStream<Uint8Array>;
  /** Bytes to the peer. */
  writable: WritableStream<Uint8Array>;
}

/** Handlers for what the peer sends. */
export interface RpcHandlers {
  /** A notification from the peer. */
  onNotification?: (method: string, params: unknown) => void;
  /**
   * A request from the peer; the value returned (or resolved) is the result.
   * Throw an {@linkcode RpcResponseError} to answer with an error. Without a
   * handler every request is answered `MethodNotFound`.
   */
  onRequest?: (method: string, params: unknown) => unknown;
  /**
   * The stream ended or broke (after every pending request was rejected);
   * `cause` is the error that broke it (e.g. a {@linkcode FramingError}).
   */
  onClose?: (reason: string, cause?: Error) => void;
}

/** Options for {@linkcode JsonRpcConnection.request}. */
export interface RequestOptions {
  /** Reject with {@linkcode RpcTimeoutError} (and cancel) after this many ms. */
  timeoutMs?: number;
  /** Cancel the request: `$/cancelRequest` is sent and the promise rejects. */
  signal?: AbortSignal;
}

/** The peer answered with a JSON-RPC error. */
export class RpcResponseError extends Error {
  /** JSON-RPC error code. */
  readonly code: number;
  /** Optional error data. */
  readonly data: unknown;
  /** Create an error response. */
  constructor(code: number, message: string, data?: unknown) {
    super(message);
    this.name = "RpcResponseError";
    this.code = code;
    this.data = data;
  }
}

/** A request got no answer in time (it was cancelled). */
export class RpcTimeoutError extends Error {
  /** The method that timed out. */
  readonly method: string;
  /** Create a timeout error. */
  constructor(method: string, timeoutMs: number) {
    super(`${method}: no answer within ${timeoutMs} ms`);
    this.name = "RpcTimeoutError";
    this.method = method;
  }
}

/** The connection closed before the answer came, or was cancelled. */
export class RpcClosedError extends Error {
  /** Create a closed error. */
  constructor(message: string) {
    super(message);
    this.name = "RpcClosedError";
  }
}

/** JSON-RPC error codes used here. */
export const RPC_ERRORS = {
  parseError: -32700,
  methodNotFound: -32601,
  internalError: -32603,
  requestCancelled: -32800,
} as const;

interface Pending {
  method: string;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  cleanup: () => void;
}

interface Message {
  jsonrpc?: string;
  id?: number | string | null;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

/**
 * One JSON-RPC connection. It starts reading as soon as it is created.
 *
 * With a language server the transport is its stdout and stdin; here two
 * connections talk over a pair of in-memory streams.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { JsonRpcConnection } from "./jsonrpc.ts";
 * const up = new TransformStream<Uint8Array, Uint8Array>();
 * const down = new TransformStream<Uint8Array, Uint8Array>();
 * const server = new JsonRpcConnection({ readable: up.readable, writable: down.writable }, {
 *   onRequest: (method, params) => method === "sum" ? (params as number[]).reduce((a, b) => a + b) : null,
 * });
 * const client = new JsonRpcConnection({ readable: down.readable, writable: up.writable });
 * equal(await client.request("sum", [1, 2, 3], { timeoutMs: 5000 }), 6);
 * await client.close();
 * await server.close();
 * ```
 */
export class JsonRpcConnection {
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #writeChain: Promise<void> = Promise.resolve();
  #pending = new Map<number, Pending>();
  #nextId = 1;
  #handlers: RpcHandlers;
  #closedReason: string | undefined;
  #closeCause: Error | undefined;
  /** Resolves when the incoming stream has ended. */
  readonly closed: Promise<void>;

  /** Wrap a transport; reading starts at once. */
  constructor(transport: RpcTransport, handlers: RpcHandlers = {}) {
    this.#writer = transport.writable.getWriter();
    this.#handlers = handlers;
    this.closed = this.#readLoop(transport.readable);
  }

  /** True once the connection closed (stream end, write failure or {@linkcode close}). */
  get isClosed(): boolean {
    return this.#closedReason !== undefined;
  }

  /** The error that broke the connection, if one did (e.g. a {@linkcode FramingError}). */
  get closeCause(): Error | undefined {
    return this.#closeCause;
  }

  /** True when the peer sent a message over the frame cap. */
  get frameTooLarge(): boolean {
    return this.#closeCause instanceof FramingError && this.#closeCause.kind === "frame_too_large";
  }

  /** Requests sent and not yet answered. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /** Send a request and wait for its result. */
  request(method: string, params: unknown, options: RequestOptions = {}): Promise<unknown> {
    if (this.#closedReason !== undefined) {
      return Promise.reject(new RpcClosedError(`connection closed: ${this.#closedReason}`));
    }
    const id = this.#nextId++;
    return new Promise<unknown>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const onAbort = () => {
        this.#cancel(id);
        reject(new RpcClosedError(`${method}: cancelled`));
      };
      const cleanup = () => {
        if (timer !== undefined) clearTimeout(timer);
        options.signal?.removeEventListener("abort", onAbort);
      };
      this.#pending.set(id, { method, resolve, reject, cleanup });
      if (options.timeoutMs !== undefined && Number.isFinite(options.timeoutMs)) {
        const ms = options.timeoutMs;
        timer = setTimeout(() => {
          this.#cancel(id);
          reject(new RpcTimeoutError(method, ms));
        }, ms);
      }
      if (options.signal) {
        if (options.signal.aborted) return onAbort();
        options.signal.addEventListener("abort", onAbort, { once: true });
      }
      this.#send({ jsonrpc: "2.0", id, method, params });
    });
  }

  /** Send a notification (no answer). Resolves once written. */
  notify(method: string, params: unknown): Promise<void> {
    return this.#send({ jsonrpc: "2.0", method, params });
  }

  /** Stop: reject pending requests and close the outgoing stream. */
  async close(reason = "closed by client"): Promise<void> {
    this.#markClosed(reason);
    await this.#writeChain;
    try {
      await this.#writer.close();
    } catch (err) {
      // The peer may already be gone; closing a broken pipe is expected then.
      if (!(err instanceof Error)) throw err;
    }
  }

  #cancel(id: number): void {
    const p = this.#pending.get(id);
    if (!p) return;
    p.cleanup();
    this.#pending.delete(id);
    if (this.#closedReason === undefined) {
      void this.notify("$/cancelRequest", { id });
    }
  }

  #send(message: Message): Promise<void> {
    const bytes = encodeMessage(message);
    this.#writeChain = this.#writeChain.then(async () => {
      if (this.#closedReason !== undefined) return;
      try {
        await this.#writer.write(bytes);
      } catch (err) {
        this.#markClosed(`write failed: ${err instanceof Error ? err.name : String(err)}`);
      }
    });
    return this.#writeChain;
  }

  #markClosed(reason: string): void {
    if (this.#closedReason !== undefined) return;
    this.#closedReason = reason;
    for (const [id, p] of this.#pending) {
      p.cleanup();
      p.reject(new RpcClosedError(`${p.method}: connection closed (${reason})`));
      this.#pending.delete(id);
    }
    this.#handlers.onClose?.(reason, this.#closeCause);
  }

  async #readLoop(readable: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new FrameDecoder();
    let reason = "stream ended";
    try {
      for await (const chunk of readable) {
        for (const body of decoder.push(chunk)) this.#dispatch(body);
      }
    } catch (err) {
      // Leaving the loop cancels the stream: nothing more is read or held.
      if (err instanceof Error && this.#closedReason === undefined) this.#closeCause = err;
      reason = `read failed: ${err instanceof Error ? err.message : String(err)}`;
    }
    this.#markClosed(reason);
  }

  #dispatch(body: string): void {
    let msg: Message;
    try {
      msg = JSON.parse(body) as Message;
    } catch {
      // A body that is not JSON cannot be answered (no id); report and go on.
      this.#handlers.onNotification?.("$/trifecta/parseError", { bytes: body.length });
      return;
    }
    if (msg.method !== undefined && msg.id !== undefined && msg.id !== null) {
      void this.#answer(msg.id, msg.method, msg.params);
    } else if (msg.method !== undefined) {
      this.#handlers.onNotification?.(msg.method, msg.params);
    } else if (typeof msg.id === "number") {
      const p = this.#pending.get(msg.id);
      if (!p) return; // late answer to a cancelled or timed-out request
      this.#pending.delete(msg.id);
      p.cleanup();
      if (msg.error) {
        p.reject(new RpcResponseError(msg.error.code, msg.error.message, msg.error.data));
      } else p.resolve(msg.result ?? null);
    }
  }

  async #answer(id: number | string, method: string, params: unknown): Promise<void> {
    if (!this.#handlers.onRequest) {
      await this.#send({
        jsonrpc: "2.0",
        id,
        error: { code: RPC_ERRORS.methodNotFound, message: `unhandled: ${method}` },
      });
      return;
    }
    try {
      const result = await this.#handlers.onRequest(method, params);
      await this.#send({ jsonrpc: "2.0", id, result: result ?? null });
    } catch (err) {
      const e = err instanceof RpcResponseError
        ? err
        : new RpcResponseError(RPC_ERRORS.internalError, String(err));
      await this.#send({ jsonrpc: "2.0", id, error: { code: e.code, message: e.message } });
    }
  }
}
