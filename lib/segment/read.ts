/**
 * Byte-counted reads: every read of segment content goes through here, so the
 * bytes read per disclosure mode can be reported.
 *
 * @module
 */
import { TrifectaError } from "../errors.ts";

/** How much of a file a command discloses. */
export type DisclosureMode = "skeleton" | "excerpt" | "raw";

/** All disclosure modes, in order of growing cost. */
export const DISCLOSURE_MODES: readonly DisclosureMode[] = ["skeleton", "excerpt", "raw"];

/** Receives the number of bytes each read took. */
export type ReadObserver = (mode: DisclosureMode, bytes: number) => void;

/** Default size cap for source files (2 MiB). */
export const DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024;

/** Options for {@linkcode readSource}. */
export interface ReadOptions {
  /** Disclosure mode the bytes are counted under (default `raw`). */
  mode?: DisclosureMode;
  /** Called with the byte count after the read. */
  onRead?: ReadObserver;
  /** Refuse files larger than this (default {@linkcode DEFAULT_MAX_FILE_BYTES}). */
  maxBytes?: number;
}

/** A source file read as text. */
export interface SourceText {
  /** Raw bytes. */
  bytes: Uint8Array;
  /** UTF-8 text, invalid sequences replaced by U+FFFD. */
  text: string;
}

const decoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: false });

/** True when the bytes look binary (a NUL byte in the first 8 KiB). */
export function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8192);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return true;
  return false;
}

/** Decode UTF-8, replacing invalid bytes. */
export function decodeUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/**
 * Read a text source file, counting its bytes.
 *
 * @throws {TrifectaError} `FILE_TOO_LARGE` past the cap, `BINARY_FILE` for
 * binary content, `FILE_NOT_FOUND` when missing.
 */
export async function readSource(abs: string, options: ReadOptions = {}): Promise<SourceText> {
  const max = options.maxBytes ?? DEFAULT_MAX_FILE_BYTES;
  let size: number;
  try {
    size = (await Deno.stat(abs)).size;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new TrifectaError("FILE_NOT_FOUND", "File disappeared while reading", { cause: err });
    }
    throw err;
  }
  if (size > max) {
    throw new TrifectaError("FILE_TOO_LARGE", `File is ${size} bytes, over the cap of ${max}`, {
      details: { bytes: size, max_bytes: max },
    });
  }
  const bytes = await Deno.readFile(abs);
  options.onRead?.(options.mode ?? "raw", bytes.length);
  if (looksBinary(bytes)) {
    throw new TrifectaError("BINARY_FILE", "File looks binary (contains NUL bytes)", {
      details: { bytes: bytes.length },
    });
  }
  return { bytes, text: decodeUtf8(bytes) };
}
