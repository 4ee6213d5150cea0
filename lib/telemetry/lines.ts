/**
 * A byte-level line splitter with a cap on the length of one line, for
 * streaming readers: a file with no newline for 100 MB costs at most the
 * cap in memory, and the oversized line is skipped and counted.
 *
 * @module
 */

const NEWLINE = 0x0a;

function concat(parts: Uint8Array[], total: number): Uint8Array {
  const only = parts.length === 1 ? parts[0] : undefined;
  if (only !== undefined) return only;
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/**
 * Splits pushed chunks into lines (without the `\n`) and hands each to
 * `onLine`. A line longer than `maxLineBytes` is dropped whole and counted
 * in {@linkcode LineSplitter.oversized}. Chunks may be reused by the caller
 * after `push` returns: the splitter copies what it keeps.
 */
export class LineSplitter {
  /** Lines dropped for exceeding the cap. */
  oversized = 0;
  #max: number;
  #onLine: (line: Uint8Array) => void;
  #carry: Uint8Array[] = [];
  #carryLen = 0;
  #skipping = false;

  /** A splitter that passes lines of at most `maxLineBytes` bytes to `onLine`. */
  constructor(maxLineBytes: number, onLine: (line: Uint8Array) => void) {
    this.#max = maxLineBytes;
    this.#onLine = onLine;
  }

  /** Drop everything up to the next newline without counting it (a partial first line). */
  skipToNextLine(): void {
    this.#skipping = true;
    this.#carry = [];
    this.#carryLen = 0;
  }

  /** Feed the next chunk of the file. */
  push(chunk: Uint8Array): void {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(NEWLINE, start);
      const end = nl === -1 ? chunk.length : nl;
      const part = chunk.subarray(start, end);
      const tooLong = this.#carryLen + part.length > this.#max;
      if (this.#skipping || tooLong) {
        if (!this.#skipping) this.oversized++;
        this.#carry = [];
        this.#carryLen = 0;
        // Skip the rest of this line; a newline ends the skipping.
        this.#skipping = nl === -1;
      } else if (nl === -1) {
        this.#carry.push(part.slice());
        this.#carryLen += part.length;
      } else {
        this.#carry.push(part);
        const line = concat(this.#carry, this.#carryLen + part.length);
        this.#carry = [];
        this.#carryLen = 0;
        this.#onLine(line);
      }
      if (nl === -1) break;
      start = nl + 1;
    }
  }

  /** The end of the input: a last line without a newline is passed on too. */
  end(): void {
    if (!this.#skipping && this.#carryLen > 0) {
      this.#onLine(concat(this.#carry, this.#carryLen));
    }
    this.#carry = [];
    this.#carryLen = 0;
    this.#skipping = false;
  }
}
