/**
 * The MCP tools, one per file, in the order `tools/list` shows them.
 *
 * @module
 */
import type { ToolSpec } from "./define.ts";
import { SKELETON_TOOL } from "./skeleton.ts";
import { FIND_SYMBOL_TOOL } from "./find_symbol.ts";
import { SYMBOL_TOOL } from "./symbol.ts";
import { SNIPPET_TOOL } from "./snippet.ts";
import { DEFINITION_TOOL } from "./definition.ts";
import { REFERENCES_TOOL } from "./references.ts";
import { FIND_REFERENCES_TOOL } from "./find_references.ts";
import { HOVER_TOOL } from "./hover.ts";
import { DIAGNOSTICS_TOOL } from "./diagnostics.ts";
import { SEARCH_TOOL } from "./search.ts";
import { GET_TOOL } from "./get.ts";
import { TELEMETRY_REPORT_TOOL } from "./telemetry_report.ts";
import { MAP_TOOL } from "./map.ts";
import { PACK_SYNC_TOOL } from "./pack.ts";

export { defineTool, type ToolDefinition, type ToolOutput, type ToolSpec } from "./define.ts";

/** Every tool, in the order they are listed. */
export const TOOLS: readonly ToolSpec[] = [
  SKELETON_TOOL,
  FIND_SYMBOL_TOOL,
  SYMBOL_TOOL,
  SNIPPET_TOOL,
  DEFINITION_TOOL,
  REFERENCES_TOOL,
  FIND_REFERENCES_TOOL,
  HOVER_TOOL,
  DIAGNOSTICS_TOOL,
  SEARCH_TOOL,
  GET_TOOL,
  PACK_SYNC_TOOL,
  MAP_TOOL,
  TELEMETRY_REPORT_TOOL,
];
