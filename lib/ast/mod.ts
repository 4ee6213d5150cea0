/**
 * Skeletons with tree-sitter: lazy web-tree-sitter, grammars and `.scm`
 * queries embedded as bytes/text, extraction of classes, functions,
 * methods, decorators, signatures, doc lines and imports, the AST cache
 * in front, and parallel parse workers for directories. See `docs/ast.md`.
 *
 * @module
 */
export type {
  FileSkeleton,
  Language,
  SkeletonImport,
  SkeletonSymbol,
  SymbolKind,
} from "./types.ts";
export {
  AST_CACHE_INVALID_COUNTER,
  type BatchStats,
  type FileOutcome,
  IN_PROCESS_LIMIT,
  languageOf,
  type ManySkeletonOptions,
  PER_FILE_EVENT_LIMIT,
  type SkeletonBatch,
  skeletonOfFile,
  skeletonOfFiles,
  type SkeletonOptions,
  type SkeletonResult,
  SOURCE_EXTENSIONS,
  type SourceFile,
} from "./skeleton.ts";
export {
  defaultPoolSize,
  type ParseJob,
  type ParseOutcome,
  ParsePool,
  type ParsePoolOptions,
} from "./pool.ts";
export {
  collectSkeletonTargets,
  type CollectTargetsOptions,
  singleFileFailure,
  type SkeletonTargets,
  type SkippedTarget,
  skippedTargets,
} from "./targets.ts";
export {
  type ParseBytesInput,
  type ParseInput,
  parseSkeleton,
  type ParseSkeletonOptions,
  type ParseTextInput,
} from "./parse_source.ts";
export { PARSE_BUDGET_ENV, PARSE_TOO_COMPLEX, parseBudgetMs } from "./budget.ts";
export { cachedSkeleton } from "./cached_shape.ts";
export {
  countSymbols,
  renderSkeletonBody,
  renderSkeletonHeader,
  renderSkeletonText,
  skeletonTextBytes,
  type SymbolCounts,
} from "./render.ts";
