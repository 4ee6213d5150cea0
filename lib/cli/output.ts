/**
 * Where the CLI writes. Commands never call `console`; they write through an
 * {@linkcode Output}, so in-process tests can capture what a user would see.
 * Both outputs pass everything through {@linkcode escapeTerminal}: no
 * control character or bidi override from the repository reaches the
 * terminal raw, whichever renderer printed it (lib/cli/escape.ts).
 *
 * @module
 */
import { escapeTerminal } from "../escape.ts";

/** The CLI's two output streams. */
export interface Output {
  /** Write text to standard output (control characters escaped). */
  out(text: string): void;
  /** Write text to standard error (control characters escaped). */
  err(text: string): void;
  /**
   * Write trifecta's own terminal control sequence (a progress line's `\r`
   * and erase) to standard error as is; never repository text.
   */
  errControl?(text: string): void;
  /** True when standard error is a terminal (progress lines). */
  errIsTerminal: boolean;
  /** True when standard output is a terminal (then a streamed answer waits for the end). */
  outIsTerminal?: boolean;
}

const encoder = new TextEncoder();

// Set once the reader of a stream has gone (`trifecta … | head`): what is
// left has no reader, which is not an error of the command.
const closed = new WeakSet<object>();

/**
 * Bytes of the one buffer every write encodes into. Encoding into it costs
 * a tenth of `encode`, which allocates a new buffer for each write (a warm
 * `ast skeleton --json` writes megabytes in 64 KiB chunks). A write is
 * synchronous, so the buffer is free again when it returns.
 */
export const WRITE_BUFFER_BYTES = 256 * 1024;
let buffer: Uint8Array | undefined;

function writeAll(file: { writeSync(p: Uint8Array): number }, text: string): void {
  if (closed.has(file)) return;
  buffer ??= new Uint8Array(WRITE_BUFFER_BYTES);
  try {
    // A longer text goes in pieces; `encodeInto` never splits a character.
    for (let pos = 0; pos < text.length;) {
      const { read, written } = encoder.encodeInto(pos === 0 ? text : text.slice(pos), buffer);
      let bytes = buffer.subarray(0, written);
      while (bytes.length > 0) {
        const n = file.writeSync(bytes);
        bytes = bytes.subarray(n);
      }
      pos += read;
    }
  } catch (err) {
    if (!(err instanceof Deno.errors.BrokenPipe)) throw err;
    closed.add(file);
  }
}

/** The process's real stdout and stderr. */
export function processOutput(): Output {
  return {
    out: (text) => writeAll(Deno.stdout, escapeTerminal(text)),
    err: (text) => writeAll(Deno.stderr, escapeTerminal(text)),
    errControl: (text) => writeAll(Deno.stderr, text),
    errIsTerminal: Deno.stderr.isTerminal(),
    outIsTerminal: Deno.stdout.isTerminal(),
  };
}

/** An output that keeps everything in memory (tests, MCP). */
export interface CapturedOutput extends Output {
  /** Everything written to stdout so far. */
  readonly stdout: string;
  /** Everything written to stderr so far. */
  readonly stderr: string;
}

/** Create an in-memory {@linkcode CapturedOutput}. */
export function captureOutput(): CapturedOutput {
  let stdout = "";
  let stderr = "";
  return {
    out: (text) => void (stdout += escapeTerminal(text)),
    err: (text) => void (stderr += escapeTerminal(text)),
    errControl: (text) => void (stderr += text),
    errIsTerminal: false,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
  };
}

/** Print one JSON object (pretty, trailing newline) on stdout. */
export function printJson(output: Output, value: unknown): void {
  output.out(JSON.stringify(value, null, 2) + "\n");
}
