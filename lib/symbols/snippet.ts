/**
 * `ast snippet`'s core: disclose a resolved symbol in one mode, within a
 * budget, and account for it (`file.read` event, `file_read_<mode>_bytes_total`
 * counter).
 *
 * @module
 */
import { TrifectaError } from "../errors.ts";
import { contentSha256Hex, type DisclosureMode, readInside } from "../segment/mod.ts";
import { elapsedMs, monotonicMs, type Telemetry } from "../telemetry/mod.ts";
import {
  discloseExcerpt,
  discloseRaw,
  discloseSkeleton,
  type Disclosure,
  splitLines,
} from "../ast/mod.ts";
import { enforceBudget } from "./disclose.ts";
import type { ResolvedSymbol } from "./resolve.ts";

/** Options for {@linkcode discloseSymbol}. */
export interface SnippetOptions {
  /** Disclosure mode (default `excerpt`). */
  mode?: DisclosureMode;
  /** Token budget; `BUDGET_EXCEEDED` when the snippet's estimate is larger. */
  budgetTokenEst?: number;
  /** Telemetry for `file.read` and the byte counters. */
  telemetry?: Telemetry;
  /** Size cap for the read (bytes). */
  maxBytes?: number;
}

/** A disclosure and what it cost. */
export interface SnippetResult {
  /** What is shown. */
  disclosure: Disclosure;
  /** UTF-8 bytes of the source handed out (`content`), counted per mode. */
  bytes_read: number;
  /** Bytes of the file read from disk to cut the snippet (0 in skeleton mode). */
  file_bytes: number;
}

const encoder = new TextEncoder();

/**
 * Disclose `resolved` (a symbol, or the whole module for `mod` URIs) in one
 * mode. `skeleton` needs only the skeleton; `excerpt` and `raw` read the file
 * (checked against the skeleton's sha256). Over the budget nothing is
 * disclosed and nothing counted.
 *
 * @throws {TrifectaError} `BUDGET_EXCEEDED`, `FILE_CHANGED` (the file changed
 * between parsing and reading), and the reader's errors.
 */
export async function discloseSymbol(
  resolved: ResolvedSymbol,
  options: SnippetOptions = {},
): Promise<SnippetResult> {
  const start = monotonicMs();
  const mode = options.mode ?? "excerpt";
  const target = { skeleton: resolved.parse.skeleton, symbol: resolved.symbol };
  let disclosure: Disclosure;
  let fileBytes = 0;
  if (mode === "skeleton") {
    disclosure = discloseSkeleton(target);
  } else {
    // Through the read boundary: the text is masked, the hash is of the raw bytes.
    const source = await readInside(resolved.segment, resolved.file.abs, {
      mode,
      maxBytes: options.maxBytes,
      onRead: (_m, n) => void (fileBytes = n),
      hasher: contentSha256Hex,
    });
    if (source.sha256 !== resolved.parse.skeleton.sha256) {
      throw new TrifectaError(
        "FILE_CHANGED",
        `${resolved.file.rel} changed while it was being read`,
        { nextSteps: ["Run the command again"] },
      );
    }
    const lines = splitLines(source.text, { language: resolved.parse.skeleton.language });
    disclosure = mode === "excerpt" ? discloseExcerpt(lines, target) : discloseRaw(lines, target);
  }
  enforceBudget(disclosure, options.budgetTokenEst);
  const bytesRead = encoder.encode(disclosure.content).length;
  const telemetry = options.telemetry;
  if (telemetry) {
    telemetry.incr(`file_read_${mode}_bytes_total`, bytesRead);
    telemetry.event("file.read", {
      args: { file: resolved.file.rel, mode },
      result: { status: "ok", bytes: bytesRead, file_bytes: fileBytes },
      timingMs: elapsedMs(start),
      extra: {
        bytes_read: bytesRead,
        disclosure_mode: mode,
        lines: disclosure.range.end_line - disclosure.range.start_line + 1,
        truncated: disclosure.truncated,
        token_est: disclosure.token_est,
      },
    });
  }
  return { disclosure, bytes_read: bytesRead, file_bytes: fileBytes };
}
