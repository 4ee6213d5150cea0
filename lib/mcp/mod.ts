/**
 * trifecta as an MCP server: tools over stdio for coding agents, on one warm
 * state per session (AST cache, language servers, context pack). See
 * `docs/mcp.md`.
 *
 * @module
 */
export {
  createMcpServer,
  type CreateServerOptions,
  type ServeEnd,
  SERVER_NAME,
  serveStdio,
  type ServeStdioOptions,
} from "./server.ts";
export { McpState, type McpStateOptions } from "./state.ts";
export { type ToolOutput, TOOLS, type ToolSpec } from "./tools/mod.ts";
export { errorResult, errorScope, okResult, type ToolResult } from "./result.ts";
export {
  type BudgetedOutline,
  type BudgetOptions,
  budgetOutline,
  MIN_SKELETON_BUDGET,
  type OutlinedFile,
} from "./budget.ts";
export {
  CURSOR_RESERVE_TOKENS,
  cursorInput,
  cursorOffset,
  decodeCursor,
  encodeCursor,
  MAX_CURSOR_CHARS,
  outputTokens,
  type Page,
  PAGE_OUTPUT,
  pageFields,
  queryDigest,
  takePage,
  type TakePageOptions,
} from "./paging.ts";
export { fitJsonPage, type JsonPage, type JsonPageOptions } from "./json_page.ts";
export { LspSession, type LspSessionOptions } from "./lsp_session.ts";
export { type FreshPack, PackSession, type PackSessionOptions } from "./pack_session.ts";
export {
  type BoundedStdioOptions,
  BoundedStdioTransport,
  MAX_JSON_DEPTH,
  MAX_REQUEST_BYTES,
  type RejectedRequest,
} from "./stdio_transport.ts";
