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
  IN_PROCESS_LIMIT,
  languageOf,
  PER_FILE_EVENT_LIMIT,
  skeletonOfFile,
  type SkeletonOptions,
  type SkeletonResult,
  SOURCE_EXTENSIONS,
} from "./skeleton.ts";
export {
  type BatchStats,
  type FileOutcome,
  type ManySkeletonOptions,
  type SkeletonBatch,
  skeletonOfFiles,
} from "./skeleton_batch.ts";
export { AST_CACHE_INVALID_COUNTER, type SourceFile } from "./skeleton_lookup.ts";
export {
  defaultPoolSize,
  type JsonOutcome,
  type ParseJob,
  type ParseOutcome,
  ParsePool,
  type ParsePoolOptions,
  type TagsOutcome,
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
export {
  type FileTags,
  MAX_TAG_IMPORTS,
  MAX_TAG_REFS,
  type TagImport,
  type TagKind,
  type TagRef,
  TAGS_VERSION,
  tagsCacheKey,
  tagsOfFiles,
  type TagsOptions,
} from "./tags.ts";
export { cachedSkeleton } from "./cached_shape.ts";
export { isClippedQualifiedName, MAX_QUALIFIED_CHARS } from "./limits.ts";
export {
  countSymbols,
  discloseExcerpt,
  discloseRaw,
  discloseSkeleton,
  type Disclosure,
  type DisclosureTarget,
  EXCERPT_MARGIN_LINES,
  EXCERPT_MAX_LINES,
  type ExcerptOptions,
  flattenLines,
  type LineRange,
  outlineEntries,
  type OutlineEntry,
  type OutlineLine,
  outlineLines,
  type RenderableSkeleton,
  renderOutlineEntries,
  renderSkeletonBody,
  renderSkeletonHeader,
  renderSkeletonText,
  renderSymbolStub,
  skeletonTextBytes,
  splitLines,
  type SymbolCounts,
  targetRange,
  walkSymbols,
} from "./render/mod.ts";
