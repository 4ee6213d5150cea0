/**
 * The `references` tool (mirrors `trifecta lsp references`).
 *
 * @module
 */
import { positionTool } from "./lsp_position.ts";

/** `references`: every use of the identifier at a position. */
export const REFERENCES_TOOL = positionTool(
  "references",
  "Every use of the identifier at file:line:column, from the language server (AST fallback: " +
    "whole-word text matches, capability_state DEGRADED). Returns at most `limit` " +
    "locations (locations_total says how many there were).",
);
