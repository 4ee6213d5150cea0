/**
 * The render layer: the one place that turns skeleton symbols into text.
 * A file's outline (`ast skeleton`, the MCP `skeleton` tool, which budgets
 * it by {@linkcode outlineLines}), a symbol's outline and stub (`ast
 * snippet --mode skeleton`, the context pack's chunk skeletons), and the
 * `excerpt` and `raw` disclosures of its lines. Every token figure is
 * `estimateTokens` (lib/text.ts) of the text handed out.
 *
 * @module
 */
export { countSymbols, type SymbolCounts, walkSymbols } from "./walk.ts";
export {
  type OutlineLine,
  outlineLines,
  type RenderableSkeleton,
  renderSkeletonBody,
  renderSkeletonHeader,
  renderSkeletonText,
  skeletonTextBytes,
} from "./file_outline.ts";
export {
  flattenLines,
  outlineEntries,
  type OutlineEntry,
  renderOutlineEntries,
  renderSymbolStub,
} from "./symbol_outline.ts";
export {
  discloseExcerpt,
  discloseRaw,
  discloseSkeleton,
  type Disclosure,
  type DisclosureTarget,
  EXCERPT_MARGIN_LINES,
  EXCERPT_MAX_LINES,
  type ExcerptOptions,
  type LineRange,
  splitLines,
  targetRange,
} from "./disclose.ts";
