/**
 * Just enough Markdown for the doc-command test: fenced code blocks with
 * their info string, and inline code spans outside them, each with the line
 * it starts on.
 *
 * @module
 */

/** A fenced code block. */
export interface FencedBlock {
  /** 1-based number among the file's fenced blocks (any info string). */
  index: number;
  /** 1-based line of the opening fence. */
  line: number;
  /** First word of the info string ("" for a bare fence). */
  info: string;
  /** The block's lines, the fence's indentation removed. */
  text: string;
  /** The sentence that introduces the block, else the nearest heading. */
  title: string;
}

/** An inline code span outside fenced blocks. */
export interface InlineSpan {
  /** 1-based line where the span opens. */
  line: number;
  /** The span's text, line breaks folded to spaces. */
  text: string;
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^`\s]*)[^`]*$/;

/** Split a document into its fenced blocks and the prose lines between them. */
function scan(markdown: string): { blocks: FencedBlock[]; prose: (string | null)[] } {
  const lines = markdown.split("\n");
  const blocks: FencedBlock[] = [];
  // Prose lines keep their position; lines inside a fence become null.
  const prose: (string | null)[] = [];
  let heading = "";
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? "";
    const open = FENCE.exec(line);
    if (!open) {
      const h = /^#{1,6}\s+(.*)$/.exec(line);
      if (h) heading = (h[1] ?? "").trim();
      prose.push(line);
      i++;
      continue;
    }
    const [, indent = "", marker = "", info = ""] = open;
    const start = i;
    const body: string[] = [];
    prose.push(null);
    i++;
    for (let b = lines[i]; b !== undefined && !closes(b, marker); b = lines[++i]) {
      body.push(b.startsWith(indent) ? b.slice(indent.length) : b.trimStart());
      prose.push(null);
    }
    if (i < lines.length) prose.push(null);
    i++;
    blocks.push({
      index: blocks.length + 1,
      line: start + 1,
      info,
      text: body.join("\n"),
      title: introduction(lines, start) ?? heading,
    });
  }
  return { blocks, prose };
}

function closes(line: string, marker: string): boolean {
  const t = line.trim();
  return t.startsWith(marker) && /^(`+|~+)$/.test(t) && t[0] === marker[0];
}

/** The sentence right before a block when it ends with a colon. */
function introduction(lines: string[], fence: number): string | undefined {
  // Lines before the first are blank.
  const at = (k: number) => lines[k] ?? "";
  let j = fence - 1;
  while (j >= 0 && at(j).trim() === "") j--;
  if (j < 0 || !at(j).trim().endsWith(":")) return undefined;
  // Take the whole paragraph's last sentence.
  const para: string[] = [];
  while (j >= 0 && at(j).trim() !== "" && !at(j).startsWith("#")) {
    para.unshift(at(j--).trim());
  }
  const sentence = para.join(" ").split(/(?<=[.!?])\s+/).pop() ?? "";
  return sentence.replace(/:$/, "").replaceAll("`", "").replace(/\s+/g, " ").trim();
}

/** The fenced code blocks of a Markdown document, in order. */
export function fencedBlocks(markdown: string): FencedBlock[] {
  return scan(markdown).blocks;
}

/** The inline code spans outside fenced blocks, in order. */
export function inlineSpans(markdown: string): InlineSpan[] {
  const { prose } = scan(markdown);
  const spans: InlineSpan[] = [];
  // Code spans may run over a line break inside a paragraph, never across one.
  let para: { text: string; line: number }[] = [];
  const flush = () => {
    spans.push(...spansOf(para));
    para = [];
  };
  prose.forEach((text, k) => {
    if (text === null || text.trim() === "") flush();
    else para.push({ text, line: k + 1 });
  });
  flush();
  return spans;
}

function spansOf(para: { text: string; line: number }[]): InlineSpan[] {
  const text = para.map((p) => p.text).join("\n");
  const lineAt = (offset: number) => para[text.slice(0, offset).split("\n").length - 1]?.line ?? 0;
  const out: InlineSpan[] = [];
  const runs = /`+/g;
  let m: RegExpExecArray | null;
  while ((m = runs.exec(text)) !== null) {
    const tick = m[0];
    const from = m.index + tick.length;
    // The closing run has exactly the opening run's length.
    const close = new RegExp(`(?<!\`)${tick}(?!\`)`, "g");
    close.lastIndex = from;
    const c = close.exec(text);
    if (!c) continue;
    let body = text.slice(from, c.index).replaceAll("\n", " ");
    if (body.startsWith(" ") && body.endsWith(" ") && body.trim() !== "") body = body.slice(1, -1);
    out.push({ line: lineAt(m.index), text: body });
    runs.lastIndex = c.index + tick.length;
  }
  return out;
}
