/**
 * References as text for people: one block per file, the referencing
 * symbols under it, and each reference's `path:line:col`, match and line.
 *
 * @module
 */
import { escapeField } from "../escape.ts";
import type { ReferencesAnswer } from "./references.ts";

/**
 * The grouped references, one line per reference under its symbol, then a
 * count line (and what was left out).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { degradedResponse } from "../lsp/types.ts";
 * import { referencesText } from "./references_text.ts";
 * const text = referencesText({
 *   response: degradedResponse("lsp_disabled", { file: "a.py", source: "ast" }),
 *   outcome: { via: "none", state: "NONE" },
 *   via: "ast",
 *   groups: [{
 *     symbol: { uri: "sym://python/type/b/main", kind: "function", qualified_name: "main",
 *       path: "b.py", start_line: 3, end_line: 4 },
 *     references: [{ line: 4, col: 5, text: "helper(1)", match: "import" }],
 *   }],
 *   total: 1, truncated: false, external: 0,
 * });
 * ok(text.includes("  function main  L3-4  sym://python/type/b/main"));
 * ok(text.includes("    b.py:4:5 [import]  helper(1)"));
 * ```
 */
export function referencesText(answer: ReferencesAnswer): string[] {
  const lines: string[] = [];
  let file: string | undefined;
  for (const g of answer.groups) {
    const s = g.symbol;
    const path = escapeField(s.path);
    if (s.path !== file) {
      lines.push(path);
      file = s.path;
    }
    const name = s.kind === "module" ? "" : ` ${escapeField(s.qualified_name)}`;
    const span = s.start_line === s.end_line
      ? `L${s.start_line}`
      : `L${s.start_line}-${s.end_line}`;
    lines.push(
      `  ${s.kind}${name}  ${span}  ${s.uri === null ? "(no sym:// URI)" : escapeField(s.uri)}`,
    );
    for (const r of g.references) {
      const match = r.match ? ` [${r.match}]` : "";
      lines.push(`    ${path}:${r.line}:${r.col}${match}  ${r.text}`);
    }
  }
  const symbols = answer.groups.length;
  if (answer.total === 0) lines.push("no references found");
  else lines.push(`${answer.total} reference(s) in ${symbols} symbol(s)`);
  if (answer.truncated) lines.push("(truncated: more references were found than are listed)");
  if (answer.external > 0) {
    lines.push(`(${answer.external} reference(s) outside the segment are listed only in --json)`);
  }
  return lines;
}
