/**
 * One file's text to its skeleton: parse with the language's grammar, run
 * the skeleton query, measure. Used in process and by the parse workers, on
 * the masked text the read boundary returns.
 *
 * @module
 */
import { TrifectaError } from "../errors.ts";
import { decodeUtf8, DEFAULT_MAX_FILE_BYTES, looksBinary } from "../segment/read.ts";
import { contentSha256Hex } from "../segment/digest.ts";
import { maskSecrets } from "../secrets.ts";
import { readInsideSync } from "../segment/boundary.ts";
import type { Segment } from "../segment/segment.ts";
import { budgetSpent, parseBudgetMs, parseTooComplex, startBudget } from "./budget.ts";
import { extractSkeleton } from "./extract.ts";
import { grammarForLanguage } from "./parser.ts";
import { skeletonTextBytes } from "./render/file_outline.ts";
import type { FileSkeleton, Language } from "./types.ts";

/** A parse job's file: what the caller already read, or where to read it. */
export interface JobFile {
  /** The segment the file lies in. */
  segment: Segment;
  /** Absolute path of the file. */
  abs: string;
  /** Masked text, when the caller already read the file through the boundary. */
  text?: string;
  /** Size in bytes, with `text`. */
  size?: number;
  /** sha256 hex of the raw bytes, with `text`. */
  sha256?: string;
}

/** A job's text as the boundary returns it, with what the cache needs. */
export interface JobSource {
  /** The text, secrets masked. */
  text: string;
  /** Size in bytes of the file read. */
  size: number;
  /** sha256 hex of the raw bytes. */
  sha256: string;
  /** Modification time, when this call read the file. */
  mtimeMs?: number;
}

/**
 * The job's text: as given, or read now through the boundary (sync: a
 * worker has nothing else to do meanwhile, and sync ops cost less).
 */
export function jobSource(job: JobFile, maxBytes: number): JobSource {
  const { text, size, sha256 } = job;
  if (text !== undefined && size !== undefined && sha256 !== undefined) {
    return { text, size, sha256 };
  }
  const read = readInsideSync(job.segment, job.abs, {
    maxBytes,
    mode: "skeleton",
    hasher: contentSha256Hex,
  });
  return {
    text: read.text,
    size: read.bytes,
    sha256: read.sha256 as string,
    mtimeMs: read.mtimeMs,
  };
}

/**
 * What {@linkcode parseSkeleton} needs: the text of a file as the read
 * boundary returned it (secrets masked, so signatures and doc lines carry no
 * secret), or raw bytes of an in-memory source (tests, benchmarks).
 */
export type ParseInput = ParseTextInput | ParseBytesInput;

/** A file's text from the read boundary (lib/segment/boundary.ts). */
export interface ParseTextInput {
  /** Segment-relative POSIX path (goes into the skeleton). */
  rel: string;
  /** Language to parse as. */
  language: Language;
  /** The text, secrets masked (masks keep line numbers). */
  text: string;
  /** Size in bytes of the file read. */
  size: number;
  /** sha256 hex of the raw bytes (the cache key). */
  sha256: string;
}

/** An in-memory source as raw bytes (decoded and checked for binary here). */
export interface ParseBytesInput {
  /** Segment-relative POSIX path (goes into the skeleton). */
  rel: string;
  /** Language to parse as. */
  language: Language;
  /** The bytes. */
  bytes: Uint8Array;
  /** sha256 hex of the bytes, when the caller has it already. */
  sha256?: string;
}

/** Options for {@linkcode parseSkeleton}. */
export interface ParseSkeletonOptions {
  /** Size cap in bytes (default 2 MiB). */
  maxBytes?: number;
  /** Time budget in ms (default: {@linkcode parseBudgetMs} of the size). */
  budgetMs?: number;
}

/**
 * Parse one file's text (or in-memory bytes) into its skeleton.
 *
 * @throws {TrifectaError} `FILE_TOO_LARGE` over the cap, `BINARY_FILE` for
 * binary content, `PARSE_FAILED` when tree-sitter gives no tree,
 * `PARSE_TOO_COMPLEX` past the time budget (parse, query or extraction).
 */
export async function parseSkeleton(
  input: ParseInput,
  options: ParseSkeletonOptions = {},
): Promise<FileSkeleton> {
  const max = options.maxBytes ?? DEFAULT_MAX_FILE_BYTES;
  const size = "text" in input ? input.size : input.bytes.length;
  if (size > max) {
    throw new TrifectaError(
      "FILE_TOO_LARGE",
      `File is ${size} bytes, over the cap of ${max}`,
      { details: { bytes: size, max_bytes: max } },
    );
  }
  let text: string;
  let sha256: string;
  if ("text" in input) {
    text = input.text;
    sha256 = input.sha256;
  } else {
    if (looksBinary(input.bytes)) {
      throw new TrifectaError("BINARY_FILE", "File looks binary (contains NUL bytes)", {
        details: { bytes: size },
      });
    }
    // Masked like the boundary's text: a skeleton never carries a secret.
    text = maskSecrets(decodeUtf8(input.bytes)).text;
    sha256 = input.sha256 ?? contentSha256Hex(input.bytes);
  }
  const grammar = await grammarForLanguage(input.language);
  const budget = startBudget(options.budgetMs ?? parseBudgetMs(size));
  const tree = grammar.parser.parse(text, null, { progressCallback: () => budgetSpent(budget) });
  if (!tree) {
    // A cancelled parse is kept for resumption: drop it before the next file.
    grammar.parser.reset();
    if (budgetSpent(budget)) throw parseTooComplex(input.rel, budget, "parse");
    throw new TrifectaError("PARSE_FAILED", `tree-sitter gave no tree for ${input.rel}`);
  }
  try {
    const root = tree.rootNode;
    const extracted = extractSkeleton(grammar.query, root, {
      text,
      prune: grammar.prune,
      budget,
      rel: input.rel,
    });
    const skeleton: FileSkeleton = {
      path: input.rel,
      language: input.language,
      sha256,
      has_errors: root.hasError,
      bytes: size,
      skeleton_bytes: 0,
      imports: extracted.imports,
      ...(input.language === "python" ? {} : { exports: extracted.exports }),
      symbols: extracted.symbols,
    };
    skeleton.skeleton_bytes = skeletonTextBytes(skeleton);
    return skeleton;
  } finally {
    tree.delete();
  }
}
