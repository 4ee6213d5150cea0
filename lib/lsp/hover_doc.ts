/**
 * A hover's text in two parts, and where its documentation can be found.
 *
 * Servers show, for a symbol without documentation of its own, the
 * documentation of what it overrides or implements (pyright: a base
 * method's docstring; typescript-language-server: a base or interface
 * member's JSDoc). That base may lie in a file trifecta refuses, so the
 * documentation is shown only when its text is found in a file trifecta
 * reads (lib/lsp/hover_trace.ts walks the files). This module holds the
 * text side:
 *
 * - {@linkcode splitHover}: the code part (the fenced blocks before any
 *   prose: the signature; a last fenced block after a `---` rule, where
 *   clangd puts the declaration; lines a server generates from the
 *   declaration, per backend) and the doc part (everything else, fenced
 *   examples inside the documentation included), as paragraphs;
 * - {@linkcode hoverWords} and {@linkcode sourceWords}: both sides as words
 *   (runs of letters, digits and `_`), after what the servers add is undone
 *   (Markdown backslash escapes, HTML entities such as pyright's `&nbsp;`,
 *   the target of a Markdown link: typescript-language-server turns
 *   `{@link Base}` into `[Base](file:///…)`, gopls `[os.File]` into a
 *   pkg.go.dev link); markup characters are not words, so `*@param*`,
 *   `` `x` `` and `—` compare equal to the source's `@param x`;
 * - {@linkcode wordsFoundIn}: a paragraph's words appear in a file in
 *   order, at most {@linkcode MAX_SKIPPED_WORDS} of the file's words apart
 *   (what a server drops: JSDoc's `{type}` and `@link`, reST roles);
 *   {@linkcode linesFinder} looks only around the lines that hold the
 *   paragraph's longest word.
 *
 * @module
 */
import { LANGUAGES } from "../languages/mod.ts";

/** Note shown when a hover's documentation was withheld and its code kept. */
export const HOVER_DOC_WITHHELD_NOTE =
  "hover documentation withheld: it could not be traced to a file trifecta reads";

/** Most words of a file skipped between two consecutive words of a paragraph. */
export const MAX_SKIPPED_WORDS = 3;

/** A hover's text split ({@linkcode splitHover}). */
export interface HoverParts {
  /** The code part, as shown when the documentation is withheld. */
  code: string;
  /** The doc part's paragraphs (raw Markdown), in order; empty when there is none. */
  doc: string[];
}

/**
 * Lines servers generate from a declaration (not documentation), per
 * backend: clangd's `### kind \`name\``, `→ \`type\``, parameter lists,
 * sizes and values; gopls's pkg.go.dev link.
 */
const GENERATED_LINES = new Map<string, readonly RegExp[]>();

/** The backend's generated-line patterns (`hoverGeneratedLines` in the registry), compiled once. */
function generatedLines(backend: string): readonly RegExp[] {
  let list = GENERATED_LINES.get(backend);
  if (list === undefined) {
    const spec = LANGUAGES.flatMap((l) => l.servers).find((s) => s.backend === backend);
    list = (spec?.hoverGeneratedLines ?? []).map((source) => new RegExp(source));
    GENERATED_LINES.set(backend, list);
  }
  return list;
}

const FENCE_OPEN = /^\s{0,3}(`{3,}|~{3,})/;
const RULE = /^\s{0,3}([-*_])(\s*\1){2,}\s*$/;

/** A hover's text as fenced blocks and single lines. */
type Block = { fence: true; lines: string[] } | { fence: false; line: string };

function blocksOf(text: string): Block[] {
  const lines = text.split(/\r\n|\n|\r/);
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const open = FENCE_OPEN.exec(line)?.[1];
    if (open === undefined) {
      out.push({ fence: false, line });
      continue;
    }
    const block = [line];
    while (++i < lines.length) {
      const next = lines[i] ?? "";
      block.push(next);
      if (next.trim().startsWith(open) && next.trim().replaceAll(open[0] ?? "`", "") === "") break;
    }
    out.push({ fence: true, lines: block });
  }
  return out;
}

const isBlank = (b: Block): boolean => !b.fence && (b.line.trim() === "" || RULE.test(b.line));

/** Which blocks are code: leading fences, a last fence after a rule, generated lines. */
function codeFlags(blocks: readonly Block[], backend: string): boolean[] {
  const generated = generatedLines(backend);
  const flags = blocks.map((b) => !b.fence && generated.some((re) => re.test(b.line)));
  for (let i = 0; i < blocks.length && (blocks[i]?.fence || isBlank(blocks[i]!)); i++) {
    flags[i] = true;
  }
  let last = blocks.length - 1;
  while (last >= 0 && isBlank(blocks[last]!)) last--;
  let before = last - 1;
  const empty = (b: Block | undefined) => b !== undefined && !b.fence && b.line.trim() === "";
  while (empty(blocks[before])) before--;
  const prev = blocks[before];
  if (blocks[last]?.fence && prev && !prev.fence && RULE.test(prev.line)) flags[last] = true;
  return flags;
}

/**
 * The kept items joined. Between two of them the blank lines and rules
 * that stood there stay, a run of them (where documentation was taken
 * out) with one rule and no blank line twice; none at the ends.
 */
function joinCode(blocks: readonly Block[], flags: readonly boolean[]): string {
  const kept: string[] = [];
  let gap: string[] = [];
  blocks.forEach((b, i) => {
    if (!b.fence && isBlank(b)) {
      const rule = RULE.test(b.line);
      if (rule && gap.some((g) => RULE.test(g))) return;
      if (!rule && gap.at(-1)?.trim() === "") return;
      gap.push(b.line);
      return;
    }
    if (!flags[i]) return;
    if (kept.length > 0) kept.push(...gap);
    gap = [];
    kept.push(...(b.fence ? b.lines : [b.line]));
  });
  return kept.join("\n");
}

/**
 * Split a hover's Markdown into its code part and its doc paragraphs.
 *
 * @example
 * ```ts
 * import { splitHover } from "./hover_doc.ts";
 * import { deepEqual, equal } from "node:assert/strict";
 * const fence = "`".repeat(3);
 * const signature = `${fence}python\ndef run() -> int\n${fence}`;
 * const parts = splitHover(`${signature}\n---\nRun it.\n\nTwice.`, "lsp_pyright");
 * equal(parts.code, signature);
 * deepEqual(parts.doc, ["Run it.", "Twice."]);
 * ```
 */
export function splitHover(text: string, backend: string): HoverParts {
  const blocks = blocksOf(text);
  const flags = codeFlags(blocks, backend);
  const doc: string[] = [];
  let para: string[] = [];
  const end = () => {
    if (para.length > 0) doc.push(para.join("\n"));
    para = [];
  };
  blocks.forEach((b, i) => {
    if (flags[i] || isBlank(b)) return end();
    if (!b.fence) return void para.push(b.line);
    end();
    // A fenced block inside the documentation (an example): its lines, not its fences.
    doc.push(b.lines.filter((l) => !FENCE_OPEN.test(l)).join("\n"));
  });
  end();
  return { code: joinCode(blocks, flags), doc };
}

const ENTITIES: Readonly<Record<string, string>> = {
  nbsp: " ",
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
};

const WORD = /[\p{L}\p{N}_]+/gu;

/**
 * The words of a hover's Markdown paragraph, with what servers add undone
 * (see the module doc).
 *
 * @example
 * ```ts
 * import { hoverWords } from "./hover_doc.ts";
 * import { deepEqual } from "node:assert/strict";
 * deepEqual(hoverWords("See [Base](file:///x/b.ts#L2) for a\\_b &nbsp;*@param* `x`"), [
 *   "See", "Base", "for", "a_b", "param", "x",
 * ]);
 * ```
 */
export function hoverWords(markdown: string): string[] {
  const text = markdown
    .replace(/\[([^\]]*)\]\((?:[^()\s]|\([^()\s]*\))*\)/g, "$1")
    .replace(/&(#\d{1,6}|[a-z]{2,6});/gi, (m, name: string) => {
      if (name.startsWith("#")) {
        return String.fromCodePoint(Math.min(Number(name.slice(1)), 0x10ffff));
      }
      return ENTITIES[name.toLowerCase()] ?? m;
    })
    .replace(/\\([!-/:-@[-`{-~])/g, "$1");
  return text.match(WORD) ?? [];
}

/** The words of a source file's lines (unmasked, as the server read them). */
export function sourceWords(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    for (const m of line.matchAll(WORD)) out.push(m[0]);
  }
  return out;
}

/** A file's words with, for each word, where it occurs (built once per file). */
export interface WordIndex {
  /** The words in order. */
  words: readonly string[];
  /** Positions of each word. */
  at: ReadonlyMap<string, readonly number[]>;
}

/** Index a file's words for {@linkcode wordsFoundIn}. */
export function indexWords(words: readonly string[]): WordIndex {
  const at = new Map<string, number[]>();
  words.forEach((w, i) => {
    const list = at.get(w);
    if (list) list.push(i);
    else at.set(w, [i]);
  });
  return { words, at };
}

/**
 * True when `wanted` appears in the file in order, each word at most
 * {@linkcode MAX_SKIPPED_WORDS} words after the one before (no words: true).
 *
 * @example
 * ```ts
 * import { indexWords, wordsFoundIn } from "./hover_doc.ts";
 * import { equal } from "node:assert/strict";
 * const file = indexWords(["param", "number", "x", "the", "value"]);
 * equal(wordsFoundIn(["param", "x", "the", "value"], file), true);
 * equal(wordsFoundIn(["value", "x"], file), false);
 * ```
 */
export function wordsFoundIn(wanted: readonly string[], file: WordIndex): boolean {
  const first = wanted[0];
  if (first === undefined) return true;
  const { words } = file;
  for (const start of file.at.get(first) ?? []) {
    let pos = start;
    let k = 1;
    for (; k < wanted.length; k++) {
      const limit = Math.min(words.length, pos + 2 + MAX_SKIPPED_WORDS);
      let next = pos + 1;
      while (next < limit && words[next] !== wanted[k]) next++;
      if (next >= limit) break;
      pos = next;
    }
    if (k === wanted.length) return true;
  }
  return false;
}

/** The number of words of one line. */
function wordCount(line: string): number {
  return line.match(WORD)?.length ?? 0;
}

/** Most lines holding a paragraph's longest word that are searched around before the whole file is indexed. */
const MAX_WINDOWS = 8;

/**
 * A search of one file's lines for paragraphs ({@linkcode wordsFoundIn}):
 * true when the paragraph's words are found. It looks only around the
 * lines that hold the paragraph's longest word (as many words on either
 * side as the paragraph can span), so the documentation of a big file is
 * found without splitting the file into words; a word on more than
 * {@linkcode MAX_WINDOWS} lines makes it index the whole file, once.
 *
 * @example
 * ```ts
 * import { hoverWords, linesFinder } from "./hover_doc.ts";
 * import { equal } from "node:assert/strict";
 * const find = linesFinder(["def run():", '    """Run *the* thing_x.', "", '    Twice."""']);
 * equal(find(hoverWords("Run \\*the\\* thing\\_x.")), true);
 * equal(find(hoverWords("Run the other thing.")), false);
 * ```
 */
export function linesFinder(lines: readonly string[]): (wanted: readonly string[]) => boolean {
  let whole: WordIndex | undefined;
  return (wanted) => {
    if (wanted.length === 0) return true;
    const key = wanted.reduce((a, b) => (b.length > a.length ? b : a));
    const at: number[] = [];
    for (let i = 0; i < lines.length && at.length <= MAX_WINDOWS; i++) {
      if ((lines[i] ?? "").includes(key)) at.push(i);
    }
    if (at.length > MAX_WINDOWS) {
      whole ??= indexWords(sourceWords(lines));
      return wordsFoundIn(wanted, whole);
    }
    const reach = wanted.length * (MAX_SKIPPED_WORDS + 1);
    return at.some((i) => {
      let [start, end] = [i, i];
      for (let n = 0; start > 0 && n < reach; n += wordCount(lines[start] ?? "")) start--;
      for (let n = 0; end < lines.length - 1 && n < reach; n += wordCount(lines[end] ?? "")) end++;
      return wordsFoundIn(wanted, indexWords(sourceWords(lines.slice(start, end + 1))));
    });
  };
}
