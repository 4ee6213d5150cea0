/**
 * Red team 20: work that grows with the square of one line. The parse budget
 * (lib/ast/budget.ts) bounds tree-sitter's parse, query and extraction, but
 * not what runs outside them on the same text: C's macro blanking (regular
 * expressions over the whole file before the second parse) and the
 * column arithmetic of the AST reference fallbacks. A repository file within
 * the 2 MiB cap, one long line, must still end in an answer or a named skip
 * under the hang guard (never a timed assertion: the guard is minutes above
 * a normal run of these one- or two-file segments).
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  CLI_FLAGS,
  type GuardedRun,
  MAIN_TS,
  narrowFlags,
  removeSegment,
  REPO_ROOT,
  runGuarded,
} from "./helpers.ts";

/** Far above a normal run of a two-file segment; measures no speed. */
const HANG_GUARD_MS = 90_000;

async function segmentOf(files: Record<string, string>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-red20-quad-" });
  for (const [rel, text] of Object.entries(files)) await Deno.writeTextFile(join(dir, rel), text);
  return dir;
}

/** `ast …` under the documented narrow flags, `lsp …` under the broad ones, hang-guarded. */
function run(args: readonly string[], env: Record<string, string> = {}): Promise<GuardedRun> {
  const flags = args[0] === "lsp" ? CLI_FLAGS : narrowFlags(args);
  return runGuarded(["run", ...flags, MAIN_TS, ...args], {
    deadlineMs: HANG_GUARD_MS,
    cwd: REPO_ROOT,
    env,
  });
}

interface SkeletonJson {
  files: { path: string; symbols: { name: string }[] }[];
  skipped: { path: string; reason: string; code: string }[];
}

/** The file is outlined (with `expect` among its symbols) or skipped with a named reason. */
function assertAccounted(r: GuardedRun, path: string, expect: string, why: string): void {
  assert.ok(r.finished, `ast skeleton was still running after ${HANG_GUARD_MS / 1000} s: ${why}`);
  assert.equal(r.code, 0, r.stderr.slice(-2000));
  const j = JSON.parse(r.stdout) as SkeletonJson;
  const file = j.files.find((f) => f.path === path);
  const skip = j.skipped.find((s) => s.path === path);
  if (file) assert.ok(file.symbols.some((s) => s.name === expect), JSON.stringify(file.symbols));
  else assert.equal(skip?.code, "PARSE_TOO_COMPLEX", JSON.stringify(j.skipped));
}

// Found by red team 20 (fixed): the pattern below was quadratic and ran outside the budget.
const BLANKS_WHY = "C_MACRO_BLANKING's calling-convention pattern was " +
  String.raw`(?<=\(\s*)_*[A-Z][A-Z0-9_]*(?=\s+\*?\s*[A-Za-z_]\w*\s*\)\s*\()` +
  " (it tried every split of a blank run between its \\s+ and \\s*); reparseText now stops at the file's deadline";

Deno.test({
  name:
    "hostile20 blanking: a C file whose `(NAME` is followed by a megabyte of blanks gets its skeleton or a named skip (the blanking is bounded)",
  sanitizeResources: false,
  async fn() {
    const dir = await segmentOf({
      "evil.c": "int f(void);\nint g(A" + " ".repeat(1_000_000) + ";\nint h(void) { return 1; }\n",
    });
    try {
      const r = await run(["ast", "skeleton", ".", "-s", dir, "--json", "--no-persist-cache"]);
      assertAccounted(r, "evil.c", "h", BLANKS_WHY);
    } finally {
      await removeSegment(dir);
    }
  },
});

// Found by red team 20 (fixed): the lookahead below backtracked over one long word.
const EXPORT_WHY = "C_MACRO_BLANKING's ALL-CAPS-line pattern opened with the lookahead " +
  String.raw`(?![ \t]*\w*(?:EXTERN|API|EXPORT|IMPORT|IMPLEMENT)\w*[ \t]*\(…)` +
  ": on a line of one long word holding API many times, each API was tried with the second \\w* " +
  "backing off over the rest of the word (quadratic)";

Deno.test({
  name:
    "hostile20 blanking: a header line of one 1.5 MB word made of API gets its skeleton or a named skip (the blanking is bounded)",
  sanitizeResources: false,
  async fn() {
    const dir = await segmentOf({
      "evil.h": "int f(void);\n" + "API".repeat(500_000) + "\nint h(void);\n",
    });
    try {
      const r = await run(["ast", "skeleton", ".", "-s", dir, "--json", "--no-persist-cache"]);
      assertAccounted(r, "evil.h", "h", EXPORT_WHY);
    } finally {
      await removeSegment(dir);
    }
  },
});

Deno.test({
  name:
    "hostile20 blanking: 10,000-deep __attribute__ parentheses, OF(( and __attribute__(( chains, blank runs after ) and * end with a skeleton or a named skip (that defence holds)",
  sanitizeResources: false,
  async fn() {
    const shapes = [
      "int a(void) __attribute__" + "(".repeat(10_000) + ")".repeat(10_000) + ";",
      "int b OF(" + "OF((".repeat(20_000) + ";",
      "int c(void) " + "__attribute__((".repeat(10_000) + ";",
      "int d(void)" + " ".repeat(100_000) + "X",
      "int *" + " ".repeat(100_000) + "e(void);",
      "class " + "A ".repeat(50_000),
      "void " + "B".repeat(100_000) + " f(",
      "Z " + "const ".repeat(20_000),
      "__asm(" + "x __asm ".repeat(20_000),
    ];
    const dir = await segmentOf({
      "shapes.c": "int f(void);\n" + shapes.join("\n") + "\nint h(void) { return 1; }\n",
      "shapes.h": "class K { public: int k(); };\n" + shapes.join("\n") + "\nint h(void);\n",
    });
    try {
      const r = await run(["ast", "skeleton", ".", "-s", dir, "--json", "--no-persist-cache"]);
      // The chains leave parentheses open to the end: what follows them may not be outlined.
      assertAccounted(r, "shapes.c", "f", "a macro-blanking pattern backtracks on these shapes");
      assertAccounted(r, "shapes.h", "k", "a macro-blanking pattern backtracks on these shapes");
    } finally {
      await removeSegment(dir);
    }
  },
});

/**
 * `a.py` defines `target`; `b.py` is one line: a 1.9 MB string, then 20,000
 * uses of `target` (2 MiB in all, under the cap).
 */
function referencesSegment(): Promise<string> {
  return segmentOf({
    "a.py": "def target():\n    return 1\n",
    "b.py": 'from a import target\ns = "' + "a".repeat(1_900_000) + '"; y = ' +
      "target+".repeat(20_000) + "target\n",
  });
}

// Found by red team 20 (fixed: codePointColumn in lib/text.ts, a cap on text matches).
const TEXT_REFS_WHY = "lib/lsp/fallback_ast.ts textReferences computed each match's column as " +
  "Array.from(text.slice(0, m.index)).length (the whole line before it, per match: quadratic) and " +
  "kept every match (no cap); measured 7 min 18 s for this segment";

Deno.test({
  name:
    "hostile20 references: lsp references FILE:LINE:COL answered from the AST text fallback ends on a 2 MiB line holding 20,000 uses of the name",
  sanitizeResources: false,
  async fn() {
    const dir = await referencesSegment();
    try {
      const r = await run(["lsp", "references", "a.py:1:5", "-s", dir, "--json"], {
        TRIFECTA_LSP: "0",
      });
      assert.ok(r.finished, `lsp references was still running after the guard: ${TEXT_REFS_WHY}`);
      assert.equal(r.code, 0, r.stderr.slice(-2000));
      assert.ok(r.stdout.includes('"b.py"'), r.stdout.slice(0, 2000));
    } finally {
      await removeSegment(dir);
    }
  },
});

// Found by red team 20 (fixed: codePointColumn, a bounded look back in objectBefore).
const TAG_REFS_WHY = "lib/nav/references_ast.ts astReferences computed each tag's column as " +
  "Array.from(text.slice(0, t.col - 1)).length for up to MAX_TAG_REFS (20,000) tags of a file, " +
  "each over the whole line before it (quadratic; on the main thread, so an MCP session's " +
  "find_references stalls every other call too); about 1 min at a 200 KB prefix, ~10 min here";

Deno.test({
  name:
    "hostile20 references: lsp references sym://… answered from the tree-sitter tags ends on a 2 MiB line holding 20,000 uses of the name",
  sanitizeResources: false,
  async fn() {
    const dir = await referencesSegment();
    try {
      const r = await run(
        ["lsp", "references", "sym://python/type/a/target", "-s", dir, "--json"],
        { TRIFECTA_LSP: "0" },
      );
      assert.ok(r.finished, `lsp references was still running after the guard: ${TAG_REFS_WHY}`);
      assert.equal(r.code, 0, r.stderr.slice(-2000));
      assert.ok(r.stdout.includes('"b.py"'), r.stdout.slice(0, 2000));
    } finally {
      await removeSegment(dir);
    }
  },
});
