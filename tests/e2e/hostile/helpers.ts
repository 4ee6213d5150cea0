/**
 * The hostile-repository acceptance suite (issue 12): build a hostile segment
 * in a temp dir, run the real trifecta on it (source under `-A`, source under
 * the documented narrow flags, the bundle, the MCP server over stdio), and
 * scan everything it wrote and printed for markers of files it must never
 * read.
 *
 * Every hostile file carries a unique marker `TRIFECTA_MARKER_<kind>_<token>`;
 * the scanner looks for the random `<token>` (case-insensitive, so FTS terms,
 * which SQLite stores lowercased, are found too). Queries use only the first
 * half of a token, so a query that is echoed or recorded never looks like a
 * leak, while FTS prefix matching still finds the whole marker.
 *
 * @module
 */
export * from "./background.ts";
export * from "./mcp.ts";
export * from "./run.ts";
export * from "./scan.ts";
export * from "./sweep.ts";
export * from "./world.ts";
