/**
 * SHA-256 (FIPS 180-4) in plain TypeScript, for the short strings trifecta
 * turns into ids and keys (segment ids, daemon socket names, telemetry
 * hashes). It exists so that start-up paths need not import `node:crypto`:
 * the first `node:` import makes Deno set up its Node compatibility layer,
 * and `node:crypto` alone costs ~20 ms of start-up (docs/benchmarks.md).
 * Bulk file contents are hashed natively (`lib/segment/digest.ts`).
 *
 * @module
 */

// First 32 bits of the fractional parts of the cube roots of the first 64 primes.
const K = new Uint32Array([
  0x428a2f98,
  0x71374491,
  0xb5c0fbcf,
  0xe9b5dba5,
  0x3956c25b,
  0x59f111f1,
  0x923f82a4,
  0xab1c5ed5,
  0xd807aa98,
  0x12835b01,
  0x243185be,
  0x550c7dc3,
  0x72be5d74,
  0x80deb1fe,
  0x9bdc06a7,
  0xc19bf174,
  0xe49b69c1,
  0xefbe4786,
  0x0fc19dc6,
  0x240ca1cc,
  0x2de92c6f,
  0x4a7484aa,
  0x5cb0a9dc,
  0x76f988da,
  0x983e5152,
  0xa831c66d,
  0xb00327c8,
  0xbf597fc7,
  0xc6e00bf3,
  0xd5a79147,
  0x06ca6351,
  0x14292967,
  0x27b70a85,
  0x2e1b2138,
  0x4d2c6dfc,
  0x53380d13,
  0x650a7354,
  0x766a0abb,
  0x81c2c92e,
  0x92722c85,
  0xa2bfe8a1,
  0xa81a664b,
  0xc24b8b70,
  0xc76c51a3,
  0xd192e819,
  0xd6990624,
  0xf40e3585,
  0x106aa070,
  0x19a4c116,
  0x1e376c08,
  0x2748774c,
  0x34b0bcb5,
  0x391c0cb3,
  0x4ed8aa4a,
  0x5b9cca4f,
  0x682e6ff3,
  0x748f82ee,
  0x78a5636f,
  0x84c87814,
  0x8cc70208,
  0x90befffa,
  0xa4506ceb,
  0xbef9a3f7,
  0xc67178f2,
]);

// First 32 bits of the fractional parts of the square roots of the first 8 primes.
const H0 = [
  0x6a09e667,
  0xbb67ae85,
  0x3c6ef372,
  0xa54ff53a,
  0x510e527f,
  0x9b05688c,
  0x1f83d9ab,
  0x5be0cd19,
];

const ENCODER = new TextEncoder();

function rotr(x: number, n: number): number {
  return (x >>> n) | (x << (32 - n));
}

/** `bytes` padded: a 1 bit, zeros, then the bit length as a 64-bit big-endian number. */
function pad(bytes: Uint8Array): Uint8Array {
  const padded = new Uint8Array((((bytes.length + 8) >>> 6) + 1) << 6);
  padded.set(bytes);
  padded[bytes.length] = 0x80;
  const view = new DataView(padded.buffer);
  const bitLength = bytes.length * 8;
  view.setUint32(padded.length - 8, Math.floor(bitLength / 0x1_0000_0000));
  view.setUint32(padded.length - 4, bitLength >>> 0);
  return padded;
}

// The two steps below index fixed-size arrays (K and w: 64 words, h: 8)
// with constants or loop counters kept in range by the loop bounds; the
// reads are asserted non-null (`!`) because noUncheckedIndexedAccess cannot
// see an array's length. Stores into w (a Uint32Array) wrap mod 2^32.

/** The 64-word message schedule of the block at `off`. */
function schedule(w: Uint32Array, view: DataView, off: number): void {
  for (let t = 0; t < 16; t++) w[t] = view.getUint32(off + t * 4);
  for (let t = 16; t < 64; t++) {
    // 16 <= t < 64: t - 16, t - 15, t - 7 and t - 2 all lie in 0..63.
    const x = w[t - 15]!;
    const y = w[t - 2]!;
    const s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3);
    const s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y >>> 10);
    w[t] = w[t - 16]! + s0 + w[t - 7]! + s1;
  }
}

/** Fold one scheduled block into the state `h`. */
function compress(h: number[], w: Uint32Array): void {
  let a = h[0]!, b = h[1]!, c = h[2]!, d = h[3]!;
  let e = h[4]!, f = h[5]!, g = h[6]!, hh = h[7]!;
  for (let t = 0; t < 64; t++) {
    const s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
    const ch = (e & f) ^ (~e & g);
    const t1 = (hh + s1 + ch + K[t]! + w[t]!) | 0;
    const s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = (s0 + maj) | 0;
    hh = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  h[0] = (h[0]! + a) | 0;
  h[1] = (h[1]! + b) | 0;
  h[2] = (h[2]! + c) | 0;
  h[3] = (h[3]! + d) | 0;
  h[4] = (h[4]! + e) | 0;
  h[5] = (h[5]! + f) | 0;
  h[6] = (h[6]! + g) | 0;
  h[7] = (h[7]! + hh) | 0;
}

/**
 * The SHA-256 digest of `data` (a string is hashed as UTF-8).
 *
 * @example
 * ```ts
 * import { sha256 } from "./sha256.ts";
 * import { deepEqual, equal } from "node:assert/strict";
 * const digest = sha256("abc");
 * equal(digest.length, 32);
 * deepEqual([...digest.slice(0, 4)], [0xba, 0x78, 0x16, 0xbf]);
 * ```
 */
export function sha256(data: string | Uint8Array): Uint8Array {
  const padded = pad(typeof data === "string" ? ENCODER.encode(data) : data);
  const view = new DataView(padded.buffer);
  const h = H0.slice();
  const w = new Uint32Array(64);
  for (let off = 0; off < padded.length; off += 64) {
    schedule(w, view, off);
    compress(h, w);
  }
  const out = new Uint8Array(32);
  const outView = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) outView.setUint32(i * 4, h[i]! >>> 0);
  return out;
}

/**
 * The SHA-256 digest of `data` as 64 lowercase hex digits.
 *
 * @example
 * ```ts
 * import { sha256Hex } from "./sha256.ts";
 * import { equal } from "node:assert/strict";
 * equal(
 *   sha256Hex("abc"),
 *   "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
 * );
 * ```
 */
export function sha256Hex(data: string | Uint8Array): string {
  let hex = "";
  for (const byte of sha256(data)) hex += byte.toString(16).padStart(2, "0");
  return hex;
}
