/**
 * The contract the CLI and the MCP server share: each command declared once
 * (`commands.ts`), one error object and card for both surfaces
 * (`errors.ts`, with the path redaction of `error_paths.ts`), and one JSON
 * builder per result kind (`results.ts`). The normaliser of anything
 * thrown, {@linkcode toTrifectaError}, lives in `lib/errors.ts` (every layer
 * throws its errors).
 *
 * @module
 */
export * from "./commands.ts";
export { toTrifectaError } from "../errors.ts";
export {
  errorCard,
  type ErrorObject,
  errorObject,
  type ErrorObjectOptions,
  stepsFor,
  type Surface,
  withSecretMasking,
} from "./errors.ts";
export { OUTSIDE_PATH, type PathScope, pathScope, redactErrorPaths } from "./error_paths.ts";
export {
  type GetJson,
  getJson,
  type LspStateJson,
  lspStateJson,
  okJson,
  type ResolvedJson,
  type SearchJson,
  searchJson,
  type SnippetJson,
  snippetJson,
  type SnippetJsonOptions,
  type SymbolHeadJson,
  symbolHeadJson,
  type SymbolJsonOptions,
} from "./results.ts";
