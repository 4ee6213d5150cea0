/**
 * The compact text of a `search` page: two lines per hit, as `trifecta ctx
 * search` prints them (rank, id, heading path, where, score, tokens, then a
 * one-line preview of at most 120 characters), and a line naming the next
 * page's cursor. The hits' fields are in `structuredContent` only.
 *
 * @module
 */
import { escapeField } from "../../escape.ts";

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

function num(v: unknown): number {
  return typeof v === "number" ? v : 0;
}

/** Two lines of one hit (its JSON shape). */
function hitLines(hit: unknown, rank: number): string[] {
  if (typeof hit !== "object" || hit === null) return [];
  const h = Object.fromEntries(Object.entries(hit));
  const title = Array.isArray(h.title_path) ? h.title_path.map(str).join(" > ") : "";
  const where = `${str(h.path)}:${num(h.start_line)}-${num(h.end_line)}`;
  const flat = str(h.preview).replace(/\s+/g, " ").trim();
  const preview = Array.from(flat).slice(0, 120).join("");
  const more = preview.length < flat.length ? "..." : "";
  return [
    `${rank}. [${escapeField(str(h.id))}] ${escapeField(title)}  ${escapeField(where)}  ` +
    `score ${num(h.score).toFixed(2)}, ~${num(h.token_est)} tokens`,
    `   ${escapeField(preview)}${more}`,
  ];
}

/**
 * The text of a search page's structured content.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { searchPageText } from "./search_text.ts";
 * const text = searchPageText({
 *   query: "add", total: 1,
 *   hits: [{ id: "c1", title_path: ["models.py", "add"], path: "models.py", start_line: 3,
 *     end_line: 5, score: 1, token_est: 20, preview: "def add(self):\n  pass" }],
 * });
 * equal(text, "1. [c1] models.py > add  models.py:3-5  score 1.00, ~20 tokens\n" +
 *   "   def add(self): pass\n");
 * ```
 */
export function searchPageText(structured: Readonly<Record<string, unknown>>): string {
  const hits = Array.isArray(structured.hits) ? structured.hits : [];
  if (hits.length === 0) {
    const reason = str(structured.zero_hit_reason);
    return `No results for '${escapeField(str(structured.query))}'` +
      (reason === "" ? "\n" : `\nReason: ${escapeField(reason)}\n`);
  }
  const lines = hits.flatMap((h, i) => hitLines(h, i + 1));
  const cursor = structured.next_cursor;
  if (typeof cursor === "string") {
    lines.push(`${hits.length} of ${num(structured.total)} hits; next page: cursor "${cursor}"`);
  }
  return lines.join("\n") + "\n";
}
