/**
 * PLACEHOLDER until the skeleton work lands: the API other modules are
 * written against.
 *
 * @module
 */
import { NotImplementedError } from "../errors.ts";
import type { AstCache } from "../cache/mod.ts";
import type { Segment } from "../segment/mod.ts";
import type { Telemetry } from "../telemetry/mod.ts";
import type { FileSkeleton, Language } from "./types.ts";

export type {
  FileSkeleton,
  Language,
  SkeletonImport,
  SkeletonSymbol,
  SymbolKind,
} from "./types.ts";

/** A file to parse: its real path and segment-relative path. */
export interface SourceFile {
  /** Real absolute path. */
  abs: string;
  /** Segment-relative POSIX path. */
  rel: string;
}

/** Options for {@linkcode skeletonOfFile}. */
export interface SkeletonOptions {
  /** AST cache to read and fill. */
  cache?: AstCache;
  /** Telemetry for `ast.parse` events and counters. */
  telemetry?: Telemetry;
  /** Size cap in bytes (default 2 MiB). */
  maxBytes?: number;
}

/** A skeleton and how the cache served it. */
export interface SkeletonResult {
  /** The skeleton. */
  skeleton: FileSkeleton;
  /** `hit` when it came from the cache. */
  cache_status: "hit" | "miss";
  /** The cache key used. */
  cache_key: string;
}

/** Language of a path by its extension, or undefined when unsupported. */
export function languageOf(path: string): Language | undefined {
  if (path.endsWith(".py") || path.endsWith(".pyi")) return "python";
  if (path.endsWith(".tsx")) return "tsx";
  if (path.endsWith(".ts") || path.endsWith(".mts") || path.endsWith(".cts")) return "typescript";
  if (/\.(js|mjs|cjs|jsx)$/.test(path)) return "javascript";
  return undefined;
}

/** The skeleton of one file (through the cache). */
export function skeletonOfFile(
  _segment: Segment,
  _file: SourceFile,
  _options: SkeletonOptions = {},
): Promise<SkeletonResult> {
  return Promise.reject(new NotImplementedError("skeleton extraction"));
}
