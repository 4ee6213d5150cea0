/**
 * The `hover` tool (mirrors `trifecta lsp hover`).
 *
 * @module
 */
import { positionTool } from "./lsp_position.ts";

/** `hover`: the type and documentation of the identifier at a position. */
export const HOVER_TOOL = positionTool(
  "hover",
  "The type and documentation of the identifier at file:line:column (or of a sym:// `uri`, " +
    "instead), from the language " +
    "server (AST fallback: the signature and doc line of a symbol with that name).",
);
