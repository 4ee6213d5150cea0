/**
 * JSON-RPC base protocol framing: `Content-Length: N\r\n\r\n` followed by N
 * bytes of UTF-8 JSON. The decoder is pure and incremental: feed it chunks as
 * they arrive (a header split across reads, several messages in one chunk,
 * multi-byte characters cut in half) and it yields whole message bodies.
 *
 * @module
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const HEADER_END = [13, 10, 13, 10]; // \r\n\r\n

/** Largest header block accepted before the stream is declared corrupt. */
export const MAX_HEADER_BYTES = 8192;

/**
 * Largest message body accepted (32 MiB): a larger `Content-Length` marks
 * the peer broken before any of the body is held, so a server announcing
 * `Content-Length: 99999999999` cannot drive memory up.
 */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

/** Frame one message: the header and the UTF-8 body, as one byte array. */
export function encodeMessage(message: unknown): Uint8Array {
  const body = encoder.encode(JSON.stringify(message));
  const header = encoder.encode(`Content-Length: ${body.byteLength}\r\n\r\n`);
  const out = new Uint8Array(header.byteLength + body.byteLength);
  out.set(header, 0);
  out.set(body, header.byteLength);
  return out;
}

/** Raised when the byte stream cannot be a JSON-RPC stream. */
export class FramingError extends Error {
  /** `frame_too_large` (a body over the cap) or `bad_frame` (a broken header). */
  readonly kind: "frame_too_large" | "bad_frame";
  /** Create a framing error. */
  constructor(message: string, kind: "frame_too_large" | "bad_frame" = "bad_frame") {
    super(message);
    this.name = "FramingError";
    this.kind = kind;
  }
}

/** Options for {@linkcode FrameDecoder}. */
export interface FrameDecoderOptions {
  /** Largest body accepted (default {@linkcode MAX_BODY_BYTES}). */
  maxBodyBytes?: number;
}

function indexOfHeaderEnd(buf: Uint8Array, length: number): number {
  outer: for (let i = 0; i + 3 < length; i++) {
    for (let j = 0; j < 4; j++) {
      if (buf[i + j] !== HEADER_END[j]) continue outer;
    }
    return i;
  }
  return -1;
}

/**
 * Incremental decoder of `Content-Length` framed messages.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { encodeMessage, FrameDecoder } from "./framing.ts";
 * const d = new FrameDecoder();
 * const bytes = encodeMessage({ jsonrpc: "2.0", method: "x" });
 * deepEqual(d.push(bytes.subarray(0, 5)), []);
 * deepEqual(d.push(bytes.subarray(5)), ['{"jsonrpc":"2.0","method":"x"}']);
 * ```
 */
export class FrameDecoder {
  #buf = new Uint8Array(4096);
  #len = 0;
  #bodyLength = -1;
  #maxBody: number;

  /** Create a decoder; bodies over `maxBodyBytes` are refused. */
  constructor(options: FrameDecoderOptions = {}) {
    this.#maxBody = options.maxBodyBytes ?? MAX_BODY_BYTES;
  }

  /** Bytes held that do not yet form a whole message. */
  get pending(): number {
    return this.#len;
  }

  /**
   * Add a chunk; return the bodies (decoded JSON text) of every message it
   * completes, in order.
   *
   * @throws {FramingError} on a header without a valid `Content-Length`, a
   * header block larger than {@linkcode MAX_HEADER_BYTES}, or a body over
   * the cap (`kind: "frame_too_large"`, thrown as soon as the header is read).
   */
  push(chunk: Uint8Array): string[] {
    this.#append(chunk);
    const bodies: string[] = [];
    let start = 0;
    while (true) {
      const view = this.#buf.subarray(start, this.#len);
      if (this.#bodyLength < 0) {
        const end = indexOfHeaderEnd(view, view.length);
        if (end < 0) {
          if (view.length > MAX_HEADER_BYTES) {
            throw new FramingError(`header block longer than ${MAX_HEADER_BYTES} bytes`);
          }
          break;
        }
        const length = parseHeaders(decoder.decode(view.subarray(0, end)));
        if (length > this.#maxBody) {
          throw new FramingError(
            `message of ${length} bytes is over the cap of ${this.#maxBody}`,
            "frame_too_large",
          );
        }
        this.#bodyLength = length;
        start += end + 4;
        continue;
      }
      if (view.length < this.#bodyLength) break;
      bodies.push(decoder.decode(view.subarray(0, this.#bodyLength)));
      start += this.#bodyLength;
      this.#bodyLength = -1;
    }
    if (start > 0) {
      this.#buf.copyWithin(0, start, this.#len);
      this.#len -= start;
    }
    return bodies;
  }

  #append(chunk: Uint8Array): void {
    const need = this.#len + chunk.byteLength;
    if (need > this.#buf.byteLength) {
      const next = new Uint8Array(Math.max(need, this.#buf.byteLength * 2));
      next.set(this.#buf.subarray(0, this.#len));
      this.#buf = next;
    }
    this.#buf.set(chunk, this.#len);
    this.#len = need;
  }
}

/** Parse a header block; return Content-Length. Other headers are ignored. */
function parseHeaders(block: string): number {
  for (const line of block.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    if (line.slice(0, colon).trim().toLowerCase() !== "content-length") continue;
    const value = line.slice(colon + 1).trim();
    if (!/^\d{1,15}$/.test(value)) {
      // Longer digit runs are over any cap (and past exact doubles).
      if (/^\d+$/.test(value)) {
        throw new FramingError(`Content-Length of ${value.length} digits`, "frame_too_large");
      }
      throw new FramingError(`bad Content-Length: '${value.slice(0, 32)}'`);
    }
    return Number(value);
  }
  throw new FramingError("header block without Content-Length");
}
