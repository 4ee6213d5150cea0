/**
 * Markdown chunking: one chunk per heading section (ATX `#` headings outside
 * fenced code blocks). Text before the first heading is its own section.
 *
 * @module
 */

/** One section of a Markdown file. */
export interface MarkdownSection {
  /** Headings from the top level down to this section's (empty for a preamble). */
  headings: string[];
  /** The section's text, heading line included, ending with `\n`. */
  text: string;
  /** 1-based first line. */
  start_line: number;
  /** 1-based last line. */
  end_line: number;
}

const HEADING = /^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/**
 * Split normalised Markdown (LF newlines) into heading sections. Blank-only
 * sections are dropped; a file without headings is one section.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { splitMarkdown } from "./chunk_markdown.ts";
 * deepEqual(splitMarkdown("# A\nx\n## B\ny\n").map((s) => s.headings), [["A"], ["A", "B"]]);
 * ```
 */
export function splitMarkdown(text: string): MarkdownSection[] {
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  const sections: MarkdownSection[] = [];
  const stack: { level: number; title: string }[] = [];
  let current: { headings: string[]; start: number; lines: string[] } = {
    headings: [],
    start: 1,
    lines: [],
  };
  let fence: string | undefined;

  function close(endLine: number): void {
    if (current.lines.some((l) => l.trim() !== "")) {
      sections.push({
        headings: current.headings,
        text: current.lines.join("\n") + "\n",
        start_line: current.start,
        end_line: endLine,
      });
    }
  }

  lines.forEach((line, i) => {
    const f = FENCE.exec(line);
    // Group 1 always takes part in a FENCE match.
    const marker = f?.[1] ?? "";
    if (f) {
      if (fence === undefined) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
    }
    const h = fence === undefined && !f ? HEADING.exec(line) : null;
    if (h) {
      close(i);
      // Both groups always take part in a HEADING match.
      const level = (h[1] ?? "#").length;
      while ((stack[stack.length - 1]?.level ?? 0) >= level) stack.pop();
      stack.push({ level, title: (h[2] ?? "").trim() || "#".repeat(level) });
      current = { headings: stack.map((s) => s.title), start: i + 1, lines: [line] };
    } else {
      current.lines.push(line);
    }
  });
  close(lines.length);
  return sections;
}

/**
 * The Markdown skeleton of a text: heading lines, code-fence lines, and the
 * first line of each code block when it declares something
 * (`def`, `class`, `interface`, `function`, `const`, `var`). Falls back to the
 * first 200 characters when nothing qualifies.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { markdownSkeleton } from "./chunk_markdown.ts";
 * const f = "`".repeat(3); // a code fence, spelled out so this example's own fence holds
 * const text = `# Use\ntext\n${f}ts\nconst x = 1;\nx + 1;\n${f}\n`;
 * equal(markdownSkeleton(text), `# Use\n${f}ts\n  const x = 1;\n${f}`);
 * ```
 */
export function markdownSkeleton(text: string): string {
  const kept: string[] = [];
  let inCode = false;
  let afterOpen = false;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line.startsWith("```")) {
      kept.push(raw);
      inCode = !inCode;
      afterOpen = inCode;
      continue;
    }
    if (afterOpen && /\b(def|class|interface|function|const|var) /.test(line)) {
      kept.push("  " + line);
    } else if (!inCode && line.startsWith("#")) {
      kept.push(raw);
    }
    afterOpen = false;
  }
  if (kept.length === 0) return Array.from(text).slice(0, 200).join("") + "...";
  return kept.join("\n");
}
