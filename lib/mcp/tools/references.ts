/**
 * The `references` tool (mirrors `trifecta lsp references`).
 *
 * @module
 */
import { positionTool } from "./lsp_position.ts";

/** `references`: every use of the identifier at a position. */
export const REFERENCES_TOOL = positionTool(
  "references",
  "Every use of the identifier at file:line:column (or of a sym:// `uri`, instead), as bare " +
    "locations, from the language server (AST fallback: whole-word text matches, " +
    "capability_state DEGRADED). Returns at most `limit` locations (locations_total says how " +
    "many there were; next_cursor, passed as `cursor`, gives the next ones). For references " +
    "grouped by the referencing symbol with each line's text, use `find_references`.",
);
