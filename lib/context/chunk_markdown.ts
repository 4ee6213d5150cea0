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
 * import { splitMarkdown } from "./chunk_markdown.ts";
 * splitMarkdown("# A\nx\n## B\ny\n").map((s) => s.headings); // [["A"], ["A", "B"]]
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

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const f = FENCE.exec(line);
    if (f) {
      const marker = f[1];
      if (fence === undefined) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
    }
    const h = fence === undefined && !f ? HEADING.exec(line) : null;
    if (h) {
      close(i);
      const level = h[1].length;
      while (stack.length > 0 && stack[stack.length - 1].level >= level) stack.pop();
      stack.push({ level, title: h[2].trim() || "#".repeat(level) });
      current = { headings: stack.map((s) => s.title), start: i + 1, lines: [line] };
    } else {
      current.lines.push(line);
    }
  }
  close(lines.length);
  return sections;
}

/**
 * The Markdown skeleton of a text: heading lines, code-fence lines, and the
 * first line of each code block when it declares something
 * (`def`, `class`, `interface`, `function`, `const`, `var`). Falls back to the
 * first 200 characters when nothing qualifies.
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
