import assert from "node:assert/strict";
import { join } from "node:path";
import { resolveSegment, walkFiles } from "../../lib/segment/mod.ts";

async function write(root: string, rel: string, text = "x\n"): Promise<void> {
  const abs = join(root, rel);
  await Deno.mkdir(join(abs, ".."), { recursive: true });
  await Deno.writeTextFile(abs, text);
}

async function withTree(fn: (root: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-walk-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("walkFiles lists files in sorted order and skips tool directories", async () => {
  await withTree(async (root) => {
    for (
      const f of [
        "b.py",
        "a.py",
        "pkg/z.py",
        "pkg/m.py",
        "node_modules/dep/i.js",
        ".venv/lib/x.py",
        "_ctx/context_pack.json",
        ".trifecta/cache/x",
        ".git/HEAD",
      ]
    ) await write(root, f);
    const seg = await resolveSegment(root);
    const { files } = await walkFiles(seg, seg.root);
    assert.deepEqual(files.map((f) => f.rel), ["a.py", "b.py", "pkg/m.py", "pkg/z.py"]);
  });
});

Deno.test("walkFiles honours .gitignore at the root and in sub-directories", async () => {
  await withTree(async (root) => {
    await write(root, ".gitignore", "build/\n*.log\n!keep.log\n");
    await write(root, "src/.gitignore", "generated_*.py\n");
    for (
      const f of [
        "build/out.py",
        "app.log",
        "keep.log",
        "src/main.py",
        "src/generated_api.py",
        "src/deep/generated_x.py",
      ]
    ) await write(root, f);
    const seg = await resolveSegment(root);
    const { files } = await walkFiles(seg, seg.root);
    assert.deepEqual(files.map((f) => f.rel), [
      ".gitignore",
      "keep.log",
      "src/.gitignore",
      "src/main.py",
    ]);
    // Starting below the root still applies the root's rules.
    const sub = await walkFiles(seg, join(seg.root, "src"));
    assert.deepEqual(sub.files.map((f) => f.rel), ["src/.gitignore", "src/main.py"]);
  });
});

Deno.test("walkFiles filters by extension", async () => {
  await withTree(async (root) => {
    for (const f of ["a.py", "b.ts", "c.md"]) await write(root, f);
    const seg = await resolveSegment(root);
    const { files } = await walkFiles(seg, seg.root, { extensions: [".py", ".ts"] });
    assert.deepEqual(files.map((f) => f.rel), ["a.py", "b.ts"]);
  });
});

Deno.test("walkFiles reports denylisted files, escaping symlinks and loops as skipped", async () => {
  await withTree(async (root) => {
    const outside = await Deno.makeTempDir({ prefix: "trifecta-out-" });
    try {
      await write(outside, "secret.py");
      await write(root, "ok.py");
      await write(root, ".env", "K=1\n");
      await Deno.symlink(join(outside, "secret.py"), join(root, "escape.py"));
      await Deno.symlink(outside, join(root, "escape_dir"));
      await Deno.symlink(join(root, "loop_b"), join(root, "loop_a"));
      await Deno.symlink(join(root, "loop_a"), join(root, "loop_b"));
      const seg = await resolveSegment(root);
      const { files, skipped } = await walkFiles(seg, seg.root);
      assert.deepEqual(files.map((f) => f.rel), ["ok.py"]);
      const reasons = Object.fromEntries(skipped.map((s) => [s.rel, s.reason]));
      assert.equal(reasons[".env"], "denied");
      assert.equal(reasons["escape.py"], "symlink_outside_segment");
      assert.equal(reasons["escape_dir"], "symlink_outside_segment");
      assert.equal(reasons["loop_a"], "symlink_loop");
    } finally {
      await Deno.remove(outside, { recursive: true });
    }
  });
});
