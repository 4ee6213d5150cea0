/**
 * A repository's `.gitignore` is hostile input: no content and no tree shape
 * may hang the walker (lib/segment/gitignore_rules.ts), and ordinary
 * patterns keep git's meaning (checked against real git as the oracle).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { resolveSegment, walkFiles } from "../../lib/segment/mod.ts";
import { GITIGNORE_LIMITS, parseGitignore, PathView } from "../../lib/segment/gitignore_rules.ts";
import { MAX_WALK_DEPTH } from "../../lib/segment/walk.ts";
import { runGuarded } from "../e2e/helpers.ts";

/** Generous: the old RegExp engine took hours on these inputs; this is no timing assertion. */
const HANG_GUARD_MS = 60_000;
const WALK_MOD = new URL("../../lib/segment/mod.ts", import.meta.url).href;
const RULES_MOD = new URL("../../lib/segment/gitignore_rules.ts", import.meta.url).href;

async function write(root: string, rel: string, text = "x\n"): Promise<void> {
  const abs = join(root, rel);
  await Deno.mkdir(join(abs, ".."), { recursive: true });
  await Deno.writeTextFile(abs, text);
}

async function withTree(fn: (root: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-gitignore-" });
  try {
    await fn(dir);
  } finally {
    // rm -rf: a tree this deep defeats path-based recursive removal on some systems.
    await new Deno.Command("rm", { args: ["-rf", dir] }).output();
  }
}

/** Run `code` in a child Deno (so a hang can be killed); its stdout, or a failure after the guard. */
async function runCodeGuarded(code: string): Promise<string> {
  const out = await runGuarded(["eval", "--unstable-raw-imports", code], {
    deadlineMs: HANG_GUARD_MS,
  });
  assert.ok(out.finished, `still matching after ${HANG_GUARD_MS / 1000} s (killed)`);
  assert.equal(out.code, 0, out.stderr);
  return out.stdout;
}

/** Walk `root` in a child process under the hang guard. */
async function guardedWalk(
  root: string,
): Promise<{ files: string[]; skipped: [string, string][] }> {
  const out = await runCodeGuarded(
    `import { resolveSegment, walkFiles } from ${JSON.stringify(WALK_MOD)};
     const seg = await resolveSegment(${JSON.stringify(root)});
     const r = await walkFiles(seg, seg.root);
     console.log(JSON.stringify({ files: r.files.map((f) => f.rel), skipped: r.skipped.map((s) => [s.rel, s.reason]) }));`,
  );
  return JSON.parse(out);
}

/** Nested `name/` directories `depth` deep holding `leaf`; the relative file path. */
async function deepTree(root: string, name: string, depth: number, leaf: string): Promise<string> {
  const rel = [...Array(depth).fill(name), leaf].join("/");
  await write(root, rel);
  return rel;
}

Deno.test("gitignore: hostile ** chains on a deep tree finish a walk, with git's verdicts", async () => {
  await withTree(async (root) => {
    const deep = await deepTree(root, "x", 100, "q.py");
    await write(
      root,
      ".gitignore",
      [
        "**/x/**/x/**/x/**/x/**/y",
        "**/a/**/b/**/c/**/z",
        "x/**/x/**/x/**/x/**/x/**/x/**/x/**/x/**/x/**/x/**/b",
        `${"*x".repeat(200)}*y`,
        `${"**/".repeat(30)}nothing.py`,
      ].join("\n"),
    );
    const walked = await guardedWalk(root);
    assert.deepEqual(walked.files, [".gitignore", deep]);
    assert.deepEqual(walked.skipped, []);
    // The same chains, when they do match, ignore the file.
    await write(root, ".gitignore", "**/x/**/x/**/x/**/x/**/q.py\n");
    assert.deepEqual((await guardedWalk(root)).files, [".gitignore"]);
  });
});

Deno.test("gitignore: one check of a ** chain against a 2,000-component path is bounded", async () => {
  const out = await runCodeGuarded(
    `import { parseGitignore, PathView } from ${JSON.stringify(RULES_MOD)};
     const rules = parseGitignore("**/a/**/b/**/c/**/z\\n**/x/**/x/**/x/**/x/**/y\\n" + "${
      "a/**/".repeat(10)
    }b");
     const path = new PathView(Array(2000).fill("a").join("/") + "/b/c/q.py");
     const xs = new PathView(Array(2000).fill("x").join("/") + "/q.py");
     const verdicts = [];
     for (let i = 0; i < 200; i++) verdicts.push(rules.verdict(path, 0, false), rules.verdict(xs, 0, false));
     console.log(JSON.stringify([...new Set(verdicts)]));`,
  );
  assert.deepEqual(JSON.parse(out), [null]);
});

Deno.test("gitignore: thousands of patterns, long lines and many stars are capped and reported too_complex", async () => {
  await withTree(async (root) => {
    await write(root, "keep.py");
    await write(root, "sub/gone.log");
    const many = Array.from(
      { length: GITIGNORE_LIMITS.maxPatterns + 500 },
      (_, i) => `**/n${i}/**/m${i}/**/z`,
    );
    // Past the cap: these lines are dropped, so sub/gone.log stays visible (more files, never fewer).
    await write(root, ".gitignore", [...many, "*.log", `${"a".repeat(5000)}`].join("\n"));
    const walked = await guardedWalk(root);
    assert.deepEqual(walked.files, [".gitignore", "keep.py", "sub/gone.log"]);
    assert.deepEqual(walked.skipped, [[".gitignore", "too_complex"]]);
    const rules = parseGitignore(
      [...many.slice(0, 3), "x".repeat(GITIGNORE_LIMITS.maxLineChars + 1)].join("\n"),
    );
    assert.equal(rules.size, 3);
    assert.equal(rules.dropped, 1);
  });
});

Deno.test("gitignore: a directory deeper than MAX_WALK_DEPTH is reported path_too_long, not entered", async () => {
  await withTree(async (root) => {
    await deepTree(root, "d", MAX_WALK_DEPTH + 5, "f.py");
    const walked = await guardedWalk(root);
    assert.deepEqual(walked.files, []);
    assert.deepEqual(walked.skipped, [[
      Array(MAX_WALK_DEPTH + 1).fill("d").join("/"),
      "path_too_long",
    ]]);
  });
});

Deno.test("gitignore: the matcher's verdicts for ordinary lines (order, !, anchoring, dir-only, **)", () => {
  const rules = parseGitignore("*.log\n!keep.log\n/root.txt\nbuild/\nlib/**/*.o\nabc/**\n");
  const v = (rel: string, isDir = false) => rules.verdict(new PathView(rel), 0, isDir);
  assert.equal(v("a/b.log"), true);
  assert.equal(v("a/keep.log"), false);
  assert.equal(v("root.txt"), true);
  assert.equal(v("a/root.txt"), undefined);
  assert.equal(v("a/build", true), true);
  assert.equal(v("a/build", false), undefined);
  assert.equal(v("lib/a.o"), true);
  assert.equal(v("lib/x/y/a.o"), true);
  assert.equal(v("abc", true), undefined, "abc/** matches inside abc, not abc itself");
  assert.equal(v("abc/d"), true);
});

/** Cases for the git oracle: .gitignore files (by path) applied to FILES. */
const ORACLE_CASES: Record<string, string>[] = [
  { ".gitignore": "build/\n*.log\n!keep.log\n" },
  { ".gitignore": "/build\nsrc/**/c.txt\n" },
  { ".gitignore": "**/x/**/q.py\n" },
  { ".gitignore": "abc/**\n!abc/keep.txt\n" },
  { ".gitignore": "*\n!*/\n!*.py\n" },
  { ".gitignore": "docs/**/*.tmp\n" },
  { ".gitignore": "[a-c].py\n*.[oO]\n" },
  { ".gitignore": "\\#hash.txt\n\\!bang.txt\n" },
  { ".gitignore": "a.py   \nsp\\ ace.txt\n" },
  { ".gitignore": "foo/bar\nbar/\n" },
  { ".gitignore": "*.TXT\n" },
  { ".gitignore": "src/*.py\n!src/main.py\n" },
  { ".gitignore": "?.py\n[!a].log\n[[:alpha:]]*.md\n" },
  { ".gitignore": "*.py\n", "src/.gitignore": "!gen_*.py\n" },
  { ".gitignore": "lib/**/*.o\n**/sub\n/x/x\n" },
  { ".gitignore": "build\n!build/y.py\n", "src/.gitignore": "deep/\n" },
  { ".gitignore": "**\n!**/\n!*.md\n" },
  { ".gitignore": "a**b.txt\n**.c\n", "docs/.gitignore": "/z.tmp\n" },
];

const FILES = [
  "a.py",
  "b.py",
  "a.log",
  "keep.log",
  "z.log",
  "build/x.py",
  "build/y.py",
  "src/build/y.py",
  "src/main.py",
  "src/gen_1.py",
  "src/deep/a/b/c.txt",
  "docs/x/y/z.tmp",
  "docs/z.tmp",
  "foo/bar/baz.md",
  "bar.md",
  "Foo.TXT",
  "lib/a.o",
  "lib/sub/b.O",
  "x/x/x/q.py",
  "x/x.md",
  "abc/keep.txt",
  "abc/other.txt",
  "sp ace.txt",
  "#hash.txt",
  "!bang.txt",
  "aXXb.txt",
  "tmp/deep/file.c",
];

async function gitVisible(root: string): Promise<string[] | undefined> {
  const home = join(root, ".home");
  const env = { HOME: home, XDG_CONFIG_HOME: home, GIT_CONFIG_NOSYSTEM: "1" };
  const run = (args: string[]) =>
    new Deno.Command("git", { args, cwd: root, env, stdout: "piped", stderr: "piped" }).output();
  if (!(await run(["init", "-q"])).success) return undefined;
  // core.ignorecase=true: the walker matches case-insensitively (as npm `ignore` did).
  const out = await run([
    "-c",
    "core.ignorecase=true",
    "ls-files",
    "--others",
    "--exclude-standard",
    "-z",
  ]);
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout).split("\0").filter((p) => p !== "").sort();
}

const hasGit = (() => {
  try {
    return new Deno.Command("git", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync()
      .success;
  } catch (err) {
    // No git binary: the oracle test is skipped (ignore: below says so).
    console.error(`git not found (${(err as Error).message}): the git oracle test is skipped`);
    return false;
  }
})();

Deno.test({
  name: "gitignore: the walker lists exactly what git lists for a table of ordinary patterns",
  ignore: !hasGit,
  fn: async () => {
    for (const [i, gitignores] of ORACLE_CASES.entries()) {
      await withTree(async (root) => {
        for (const f of FILES) await write(root, f);
        for (const [rel, text] of Object.entries(gitignores)) await write(root, rel, text);
        const seg = await resolveSegment(root);
        const walked = (await walkFiles(seg, seg.root)).files.map((f) => f.rel).sort();
        const git = await gitVisible(root);
        assert.ok(git, "git init failed");
        assert.deepEqual(walked, git, `case ${i}: ${JSON.stringify(gitignores)}`);
      });
    }
  },
});

Deno.test("gitignore: config ignore globs win over a .gitignore '!', and a walk started in an ignored directory lists nothing", async () => {
  await withTree(async (root) => {
    await write(root, ".gitignore", "!keep.log\nbuild/\n");
    await write(root, "keep.log");
    await write(root, "build/sub/x.py");
    await write(root, "src/a.py");
    const seg = await resolveSegment(root);
    const withConfig = { ...seg, extraIgnore: ["*.log"] };
    assert.deepEqual((await walkFiles(withConfig, seg.root)).files.map((f) => f.rel), [
      ".gitignore",
      "src/a.py",
    ]);
    // As git: nothing below an ignored directory is listed, even when the walk starts inside it.
    assert.deepEqual((await walkFiles(seg, join(seg.root, "build", "sub"))).files, []);
    assert.deepEqual((await walkFiles(seg, join(seg.root, "src"))).files.map((f) => f.rel), [
      "src/a.py",
    ]);
  });
});

/** A seeded PRNG (mulberry32): the random oracle cases are the same on every run. */
function prng(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (s + 0x6D2B79F5) | 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) % n;
  };
}

/**
 * A random line of `*`, `?`, `[...]`, `**`, `/`, `!`. Left out: a `**` next to
 * other characters at the end of a name (`a**` then a slash or the end):
 * git strips a pattern's literal prefix before wildmatch, so there `a**`
 * acts as `a` followed by a globstar across the name — a quirk the matcher
 * does not copy (it ignores fewer files there, never more).
 */
function randomLine(rnd: (n: number) => number): string {
  const atoms = ["a", "b", "*", "?", "[ab]", "[!a]", "a*", "*b", ".c", "*.c", "A"];
  const part = (): string => {
    const p = `${atoms[rnd(atoms.length)]}${rnd(2) ? atoms[rnd(atoms.length)] : ""}`;
    return p.length > 2 && p.endsWith("**") ? part() : p; // the quirk above
  };
  const parts = Array.from({ length: 1 + rnd(3) }, () => rnd(4) === 0 ? "**" : part());
  const body = `${rnd(4) === 0 ? "/" : ""}${parts.join("/")}${rnd(4) === 0 ? "/" : ""}`;
  return `${rnd(4) === 0 ? "!" : ""}${body}`;
}

Deno.test({
  name: "gitignore: the walker lists exactly what git lists for 60 seeded random .gitignore files",
  ignore: !hasGit,
  fn: async () => {
    const rnd = prng(16);
    const names = ["a", "b", "ab", "ba", "aa", "A", "b.c", "a.c"];
    for (let i = 0; i < 60; i++) {
      await withTree(async (root) => {
        for (let f = 0; f < 20; f++) {
          const rel = Array.from({ length: 1 + rnd(4) }, () => names[rnd(names.length)]).join("/");
          // A name already used as a directory (or the reverse) cannot be made: skip it.
          await write(root, `${rel}.py`).catch((err) =>
            console.error(`skipped ${rel}: ${err.name}`)
          );
        }
        const lines = Array.from({ length: 1 + rnd(5) }, () => randomLine(rnd)).join("\n");
        await write(root, ".gitignore", `${lines}\n`);
        const seg = await resolveSegment(root);
        const walked = (await walkFiles(seg, seg.root)).files.map((f) => f.rel).sort();
        assert.deepEqual(walked, await gitVisible(root), `case ${i}: ${JSON.stringify(lines)}`);
      });
    }
  },
});
