/**
 * One file's bytes to its skeleton: decode (invalid UTF-8 replaced), parse
 * with the language's grammar, run the skeleton query, measure. Used in
 * process and by the parse workers.
 *
 * @module
 */
import { TrifectaError } from "../errors.ts";
import { decodeUtf8, DEFAULT_MAX_FILE_BYTES, looksBinary } from "../segment/read.ts";
import { contentSha256Hex } from "../segment/digest.ts";
import { extractSkeleton } from "./extract.ts";
import { grammarForLanguage } from "./parser.ts";
import { skeletonTextBytes } from "./render.ts";
import type { FileSkeleton, Language } from "./types.ts";

/** What {@linkcode parseSkeleton} needs. */
export interface ParseInput {
  /** Segment-relative POSIX path (goes into the skeleton). */
  rel: string;
  /** Language to parse as. */
  language: Language;
  /** The file's bytes. */
  bytes: Uint8Array;
  /** sha256 hex of the bytes, when the caller has it already. */
  sha256?: string;
}

/** Options for {@linkcode parseSkeleton}. */
export interface ParseSkeletonOptions {
  /** Size cap in bytes (default 2 MiB). */
  maxBytes?: number;
}

/**
 * Parse one file's bytes into its skeleton.
 *
 * @throws {TrifectaError} `FILE_TOO_LARGE` over the cap, `BINARY_FILE` for
 * binary content, `PARSE_FAILED` when tree-sitter gives no tree.
 */
export async function parseSkeleton(
  input: ParseInput,
  options: ParseSkeletonOptions = {},
): Promise<FileSkeleton> {
  const max = options.maxBytes ?? DEFAULT_MAX_FILE_BYTES;
  const bytes = input.bytes;
  if (bytes.length > max) {
    throw new TrifectaError(
      "FILE_TOO_LARGE",
      `File is ${bytes.length} bytes, over the cap of ${max}`,
      { details: { bytes: bytes.length, max_bytes: max } },
    );
  }
  if (looksBinary(bytes)) {
    throw new TrifectaError("BINARY_FILE", "File looks binary (contains NUL bytes)", {
      details: { bytes: bytes.length },
    });
  }
  const text = decodeUtf8(bytes);
  const grammar = await grammarForLanguage(input.language);
  const tree = grammar.parser.parse(text);
  if (!tree) throw new TrifectaError("PARSE_FAILED", `tree-sitter gave no tree for ${input.rel}`);
  try {
    const root = tree.rootNode;
    const extracted = extractSkeleton(grammar.query, root, { text, prune: grammar.prune });
    const skeleton: FileSkeleton = {
      path: input.rel,
      language: input.language,
      sha256: input.sha256 ?? contentSha256Hex(bytes),
      has_errors: root.hasError,
      bytes: bytes.length,
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
