/**
 * What the doc-command test does with each command shown in README.md and
 * docs/*.md: which fenced blocks and inline spans are commands, which
 * placeholders it substitutes, which tools a command needs, and the few
 * commands it does not run, each with its reason.
 *
 * @module
 */
import { isAbsolute, relative, resolve } from "node:path";
import { type FencedBlock, fencedBlocks, inlineSpans } from "./markdown.ts";

/** Fence info strings whose blocks are commands that the test runs. */
export const RUN_INFOS: readonly string[] = ["sh", "bash", "shell", "console"];

/**
 * Placeholders a documented command may use, and what the test puts in
 * their place; anything else that looks like a placeholder fails the test.
 */
export const PLACEHOLDERS: readonly { written: string; means: string }[] = [
  { written: "/path/to/repo", means: "the segment: a fresh copy of fixtures/example" },
  { written: "$REPO", means: "the segment, set before the doc's first block" },
  { written: "host:port", means: "127.0.0.1:<port> of a loopback server serving the checkout" },
  { written: "/work/bench-corpus", means: "a tiny corpus made from fixtures (django/, large/)" },
  { written: "/tmp/<name>", means: "<name> in a fresh scratch directory" },
  { written: "src.pkg.mod", means: "src.inventory.models, a module of the example segment" },
  { written: "deno", means: "a `deno` on PATH that is the Deno running the test" },
];

/**
 * Inline command spans the test does not run, with the reason. Every other
 * inline span that is a complete command runs, like a fenced block.
 */
export const INLINE_NOT_RUN: Readonly<Record<string, string>> = {
  "deno task test":
    "the test suite this test is part of (it would run itself); .ci/run runs it as written",
  "deno run empty.ts": "a row label: bench/startup_run.sh writes and times its own empty script",
  "bash bench/make_corpus.sh /work/bench-corpus":
    "downloads Debian packages with apt-get (network, root)",
  "npm install repomix@1.14.0":
    "installs a benchmark peer from the npm registry into the working directory",
  "npm install typescript-language-server@5.3.0 typescript@5.9.3":
    "installs a language server from the npm registry into the working directory",
  "ctags -R --output-format=json --fields=+neKS":
    "the options bench/skeleton_run.sh gives ctags (alone it would index the working directory)",
  "deno run --no-config --no-prompt --allow-read --allow-env --allow-sys --allow-run npm:pyright@1.1.414/langserver.index.js --stdio":
    "the language server trifecta spawns: it serves LSP on stdin (tests/lsp exercise it)",
  "COLD_RUNS=10 WARM_RUNS=100 READY_RUNS=5 bash bench/lsp_run.sh":
    "bench/lsp_run.sh with up to 100 iterations, slow by nature: `bash bench/lsp_run.sh` runs the same script",
};

/**
 * Lines inside a runnable block that are not run: the test suite itself.
 * The rest of the block runs.
 */
export const LINES_NOT_RUN: readonly { pattern: RegExp; reason: string }[] = [{
  pattern: /^\s*(?:npx --yes deno@[\d.]+|deno) task test\b/,
  reason: "the test suite this test is part of (it would run itself); .ci/run runs it as written",
}];

/** Tools a command may need beyond Deno and bash, and how to find them. */
const TOOLS: readonly { name: string; used: RegExp }[] = [
  { name: "hyperfine", used: /\bhyperfine\b/ },
  { name: "python3", used: /\bpython3\b/ },
  { name: "jq", used: /(?:^|[|;&(]\s*|\$\()\s*jq\b/m },
  { name: "ctags", used: /(?:^|["\s])ctags -/m },
  { name: "npx", used: /(?:^|[|;&(]\s*)npx\b/m },
  { name: "/usr/bin/time", used: /\/usr\/bin\/time\b/ },
  { name: "repomix", used: /\$REPOMIX\b|\brepomix --/ },
];

/** One documented command: a fenced block or an inline span. */
export interface DocCommand {
  /** The document, relative to the checkout ("README.md", "docs/lsp.md"). */
  doc: string;
  /** A fenced block or an inline code span. */
  kind: "block" | "inline";
  /** Block number among the document's fenced blocks (blocks only). */
  index: number;
  /** Line in the document. */
  line: number;
  /** The block's introduction or heading, or the inline span itself. */
  title: string;
  /** The command as written. */
  written: string;
  /** What the test runs: the command with not-run lines blanked and implicit corpus arguments made explicit. */
  script: string;
  /** Why the test never runs it (undefined: it runs). */
  notRun?: string;
  /** Notes about how it is run (lines not run, explicit default arguments). */
  notes: string[];
  /** Tools it needs beyond Deno and bash. */
  needs: string[];
  /** What is wrong with it as written, found without running it. */
  problems: string[];
}

/** The test's name for a command. */
export function commandName(c: DocCommand): string {
  if (c.kind === "block") return `docs: ${c.doc} block ${c.index} (${shorten(c.title, 60)})`;
  return `docs: ${c.doc} line ${c.line} \`${shorten(c.written, 70)}\``;
}

function shorten(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

/** Every command of one document, in document order, with what the test does with it. */
export function planDocument(doc: string, markdown: string, checkout: string): DocCommand[] {
  const out: DocCommand[] = [];
  for (const block of fencedBlocks(markdown)) {
    const c = blockCommand(doc, block, checkout);
    if (c) out.push(c);
  }
  for (const span of inlineSpans(markdown)) {
    if (!inlineIsCommand(span.text)) continue;
    const notRun = INLINE_NOT_RUN[span.text];
    const c = describe({
      doc,
      kind: "inline",
      index: 0,
      line: span.line,
      title: span.text,
      written: span.text,
      script: span.text,
      notRun,
      notes: [],
      needs: [],
      problems: [],
    }, checkout);
    out.push(c);
  }
  return out.sort((a, b) => a.line - b.line);
}

function blockCommand(doc: string, block: FencedBlock, checkout: string): DocCommand | undefined {
  const base = {
    doc,
    kind: "block" as const,
    index: block.index,
    line: block.line,
    title: block.title || "untitled",
    written: block.text,
    notes: [] as string[],
    needs: [] as string[],
    problems: [] as string[],
  };
  if (block.info === "") {
    // A bare fence hides whether its text is a command: make the author say.
    return {
      ...base,
      script: "",
      problems: [
        "bare ``` fence: write ```sh for commands (this test runs them) or ```text for output, templates and grammars",
      ],
    };
  }
  if (!RUN_INFOS.includes(block.info)) return undefined;
  const text = block.info === "console" ? consoleCommands(block.text) : block.text;
  const notes: string[] = [];
  const lines = text.split("\n").map((line, k) => {
    const skip = LINES_NOT_RUN.find((s) => s.pattern.test(line));
    if (!skip) return line;
    notes.push(`SKIPPED line ${k + 1} \`${line.trim()}\`: ${skip.reason}`);
    return `: # not run: ${line.trim()}`;
  });
  return describe({ ...base, script: lines.join("\n"), notes }, checkout);
}

/** The commands of a console transcript: lines after `$ `, with their continuations. */
function consoleCommands(text: string): string {
  const out: string[] = [];
  let continued = false;
  for (const line of text.split("\n")) {
    if (line.startsWith("$ ")) out.push(line.slice(2));
    else if (continued) out.push(line);
    else continue;
    continued = line.trimEnd().endsWith("\\");
  }
  return out.join("\n");
}

const COMMAND_HEAD =
  /^(?:[A-Z_][A-Z0-9_]*=\S*\s+)*(deno|npx|bash|sh|hyperfine|npm|node|python3?|jq|ctags|repomix|trifecta|env|git|curl|wget|apt-get)(?:\s|$)/;

/**
 * Whether an inline span is a complete command to run, as opposed to a
 * command's name (`deno task`, `trifecta mcp`, `deno task cli lsp hover`), a
 * template (`<flags>`, `…`, `a|b`, `-s DIR`) or a tool's options alone
 * (`hyperfine -N -r 10`).
 */
function inlineIsCommand(text: string): boolean {
  const head = COMMAND_HEAD.exec(text);
  if (!head) return false;
  // `trifecta …` names a CLI command: no executable is called `trifecta`.
  if (head[1] === "trifecta") return false;
  // Templates: `<flags>`, `…`, `[--ttl S]`, `a|b`, an upper-case stand-in (`-s DIR`).
  if (/<[A-Za-z][^<>]*>|…|\[|\w\|\w|\s[A-Z]{2,}(?:\s|$)/.test(text)) return false;
  const [tool = "", ...args] = text.replace(ENV_PREFIX, "").trim().split(/\s+/);
  const takesSubcommand = SUBCOMMAND_TOOLS.includes(tool);
  // `deno task`, `deno run`, `npx deno@2.9.6`: a tool's or subcommand's name.
  if (takesSubcommand && args.length < 2) return false;
  // `deno task cli`, `deno task cli lsp definition`: the launcher or a CLI command, named.
  if (/^deno task cli(?: [a-z]+){0,2}$/.test(text)) return false;
  // Options alone (`hyperfine -N -r 10`, `deno bundle --outdir`) describe flags.
  const rest = takesSubcommand ? args.slice(1) : args;
  return !rest.every((a) => a.startsWith("-") || /^\d+$/.test(a));
}

const ENV_PREFIX = /^(?:[A-Z_][A-Z0-9_]*=\S*\s+)*/;
const SUBCOMMAND_TOOLS = ["deno", "npm", "npx", "git"];

/** Fill in what a command needs and what is wrong with it as written. */
function describe(c: DocCommand, checkout: string): DocCommand {
  const code = withoutComments(c.script);
  const scripts = scriptArgs(code);
  for (const s of scripts) {
    const path = resolve(checkout, s.path);
    const rel = relative(checkout, path);
    if (rel.startsWith("..") || isAbsolute(rel)) {
      c.problems.push(`names ${s.path}, which is outside the repository`);
      continue;
    }
    let text: string;
    try {
      text = Deno.readTextFileSync(path);
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
      c.problems.push(`names ${s.path}, which does not exist in the checkout`);
      continue;
    }
    if (s.shell) {
      c.needs.push(...toolsUsed(withoutComments(text)));
      const implicit = implicitCorpus(text, s.args);
      if (implicit && c.notRun === undefined) {
        c.script = c.script.replace(s.call, `${s.call} ${implicit}`);
        c.notes.push(
          `${s.path} without a corpus argument reads its default ${implicit}: passed explicitly`,
        );
      }
    }
  }
  c.needs.push(...toolsUsed(code));
  c.needs = [...new Set(c.needs)];
  c.problems.push(...unknownPlaceholders(code));
  return c;
}

/** Tools from {@linkcode TOOLS} that a script's code uses. */
function toolsUsed(code: string): string[] {
  return TOOLS.filter((t) => t.used.test(code)).map((t) => t.name);
}

/** `bash X.sh args` and `deno run|bench … X.ts args` calls with a relative script path. */
function scriptArgs(
  code: string,
): { call: string; path: string; args: string[]; shell: boolean }[] {
  const out: { call: string; path: string; args: string[]; shell: boolean }[] = [];
  for (const line of code.replace(/\\\n/g, " ").split("\n")) {
    const sh = /\b(?:bash|sh) ([^\s$;|&<>]+\.sh)((?:\s+[^\s;|&<>#]+)*)/.exec(line);
    if (sh) {
      out.push({
        call: sh[0],
        path: sh[1] ?? "",
        args: (sh[2] ?? "").trim().split(/\s+/).filter(Boolean),
        shell: true,
      });
    }
    const ts = /\bdeno (?:run|bench)\b[^;|&]*?\s((?:\.\.?\/)?[\w./-]+\/[\w.-]+\.(?:ts|js))\b/.exec(
      line,
    );
    const path = ts?.[1];
    if (ts && path !== undefined && !path.startsWith("/") && !path.startsWith("dist/")) {
      out.push({ call: ts[0], path, args: [], shell: false });
    }
  }
  return out;
}

/** The default corpus a bench script reads when its first argument is left out. */
function implicitCorpus(script: string, args: string[]): string | undefined {
  if (args.length > 0) return undefined;
  return /\$\{1:-(\/work\/bench-corpus[^}]*)\}/.exec(script)?.[1];
}

/**
 * Text that looks like a placeholder but is none of {@linkcode PLACEHOLDERS}:
 * `<name>`, `…`, `/path/to/x`, `YOUR_X`, `example.com`, machine paths.
 */
export function unknownPlaceholders(code: string): string[] {
  const known = code
    .replaceAll("/path/to/repo", "")
    .replaceAll("host:port", "")
    .replace(/\/work\/bench-corpus\b/g, "");
  const found = new Set<string>();
  const patterns = [
    /<[A-Za-z][^<>\n]*>/g,
    /…/g,
    /\/path\/to\/\S*/g,
    /\b(?:YOUR|MY)_[A-Z_]+\b/g,
    /\bexample\.(?:com|org|net)\b/g,
    /\b(?:host|HOST):(?:port|PORT)\b/g,
    /(?<![\w.$}])\/(?:work|home|Users|root|opt|srv|mnt)\/[^\s"';)]*/g,
  ];
  for (const re of patterns) for (const m of known.matchAll(re)) found.add(m[0]);
  return [...found].map((p) =>
    `unknown placeholder \`${p}\` (known: ${PLACEHOLDERS.map((k) => k.written).join(", ")})`
  );
}

/** Shell code without its comments (a `#` outside quotes, at a word start). */
export function withoutComments(code: string): string {
  return code.split("\n").map((line) => {
    let quote = "";
    for (let i = 0; i < line.length; i++) {
      const ch = line[i];
      if (quote) {
        if (ch === quote) quote = "";
        else if (ch === "\\" && quote === '"') i++;
      } else if (ch === "'" || ch === '"') quote = ch;
      else if (ch === "\\") i++;
      else if (ch === "#" && (i === 0 || /\s/.test(line[i - 1] ?? ""))) return line.slice(0, i);
    }
    return line;
  }).join("\n");
}

/**
 * Every command of the given documents. A command shown more than once
 * (inline and in a block, or in several places) runs once: the others say
 * where it runs.
 */
export function planAll(docs: { doc: string; text: string }[], checkout: string): DocCommand[] {
  const all = docs.flatMap(({ doc, text }) => planDocument(doc, text, checkout));
  const where = new Map<string, string>();
  for (const c of all) {
    if (c.kind !== "block" || c.notRun !== undefined || c.problems.length > 0) continue;
    for (const line of withoutComments(c.script).replace(/\\\n/g, " ").split("\n")) {
      const key = line.trim().replace(/\s+/g, " ");
      if (key !== "" && !where.has(key)) where.set(key, `run as part of ${c.doc} block ${c.index}`);
    }
  }
  for (const c of all) {
    if (c.kind !== "inline" || c.notRun !== undefined) continue;
    const key = c.written.trim().replace(/\s+/g, " ");
    const seen = where.get(key);
    if (seen) c.notRun = seen;
    else where.set(key, `same command as ${c.doc} line ${c.line}`);
  }
  return all;
}

/** README.md and docs/*.md of a checkout, relative paths and text, sorted. */
export function documents(checkout: string): { doc: string; text: string }[] {
  const docs = [{ doc: "README.md", text: Deno.readTextFileSync(resolve(checkout, "README.md")) }];
  const names = [...Deno.readDirSync(resolve(checkout, "docs"))]
    .filter((e) => e.isFile && e.name.endsWith(".md"))
    .map((e) => e.name)
    .sort();
  for (const name of names) {
    docs.push({
      doc: `docs/${name}`,
      text: Deno.readTextFileSync(resolve(checkout, "docs", name)),
    });
  }
  return docs;
}
