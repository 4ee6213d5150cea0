/**
 * The `definition` tool (mirrors `trifecta lsp definition`).
 *
 * @module
 */
import { positionTool } from "./lsp_position.ts";

/** `definition`: where the identifier at a position is defined. */
export const DEFINITION_TOOL = positionTool(
  "definition",
  "Where the identifier at file:line:column (or the symbol of a sym:// `uri`, instead) is " +
    "defined, from the language server (pyright) " +
    "kept warm for the session. If the server is not READY or absent, the answer comes from " +
    "the AST (capability_state DEGRADED, fallback_reason named): symbols found by name. " +
    "Follow up with `snippet` on the location, or `symbol` for its range.",
);
