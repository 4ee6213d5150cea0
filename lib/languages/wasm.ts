/**
 * Grammar wasm as the registry entries hand it out. From the checkout a
 * grammar's bytes are the npm package's `.wasm` as is; in the bundle
 * (`deno task bundle`, tools/bundle.ts) they are stored gzip-compressed,
 * because every byte of the one-file bundle is JavaScript source that Deno
 * reads and scans at each start, `--version` included. They are inflated
 * here, once per grammar load, with the built-in `DecompressionStream`.
 *
 * @module
 */
import type { GrammarAssets } from "./types.ts";

/** The first two bytes of a gzip stream (RFC 1952). */
const GZIP_MAGIC = [0x1f, 0x8b] as const;

/**
 * Whether `bytes` start like a gzip stream (a wasm module starts with
 * `\0asm`, so the two cannot be confused).
 *
 * @example
 * ```ts
 * import { isGzip } from "./wasm.ts";
 * import { equal } from "node:assert/strict";
 * equal(isGzip(new Uint8Array([0x1f, 0x8b, 8])), true);
 * equal(isGzip(new Uint8Array([0, 0x61, 0x73, 0x6d])), false);
 * ```
 */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

/**
 * The wasm bytes of `bytes`: inflated when gzip-compressed (the bundle),
 * else `bytes` themselves (the checkout, the compiled binary).
 *
 * @example
 * ```ts
 * import { wasmBytes } from "./wasm.ts";
 * import { deepEqual } from "node:assert/strict";
 * const wasm = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
 * deepEqual(await wasmBytes(wasm), wasm);
 * const gz = new Uint8Array(
 *   await new Response(new Blob([wasm]).stream().pipeThrough(new CompressionStream("gzip")))
 *     .arrayBuffer(),
 * );
 * deepEqual(await wasmBytes(gz), wasm);
 * ```
 */
export async function wasmBytes(bytes: Uint8Array): Promise<Uint8Array> {
  if (!isGzip(bytes)) return bytes;
  // slice(): a copy backed by a plain ArrayBuffer, as a BlobPart must be.
  const stream = new Blob([bytes.slice()]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * A grammar's assets with its wasm inflated (see {@linkcode wasmBytes}):
 * what each registry entry's `load()` returns.
 *
 * @example
 * ```ts
 * import { inflateAssets } from "./wasm.ts";
 * import { equal } from "node:assert/strict";
 * const wasm = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
 * const assets = await inflateAssets({ wasm, skeleton: "(x) @y" });
 * equal(assets.wasm, wasm);
 * equal(assets.skeleton, "(x) @y");
 * ```
 */
export async function inflateAssets(assets: GrammarAssets): Promise<GrammarAssets> {
  if (!isGzip(assets.wasm)) return assets;
  return { ...assets, wasm: await wasmBytes(assets.wasm) };
}
