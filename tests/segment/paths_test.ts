import assert from "node:assert/strict";
import { join } from "node:path";
import { isWithin, relpath, resolveInside, resolveSegment } from "../../lib/segment/mod.ts";
import { TrifectaError } from "../../lib/errors.ts";

async function withSegment(fn: (root: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-seg-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function rejectsWithCode(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof TrifectaError, `expected TrifectaError, got ${err}`);
    assert.equal(err.code, code);
    return true;
  });
}

Deno.test("relpath gives a POSIX path relative to the root for a file inside", () => {
  assert.equal(
    relpath("/workspaces/repo", "/workspaces/repo/src/domain/models.py"),
    "src/domain/models.py",
  );
  assert.equal(relpath("/workspaces/repo", "/workspaces/repo"), ".");
  assert.equal(relpath("/workspaces/repo", "src/app.py"), "src/app.py");
});

Deno.test("relpath hides a path outside the root as external/<hash8>-<basename>", () => {
  const out = relpath("/workspaces/repo", "/usr/lib/python3.12/typing.py");
  assert.match(out, /^external\/[0-9a-f]{8}-typing\.py$/);
  assert.ok(!out.includes("/usr/"));
});

Deno.test("relpath keeps different outside files with the same name apart", () => {
  const a = relpath("/repo", "/usr/lib/a/typing.py");
  const b = relpath("/repo", "/usr/lib/b/typing.py");
  assert.notEqual(a, b);
  assert.equal(relpath("/repo", "/usr/lib/a/typing.py"), a); // stable
});

Deno.test("relpath treats a sibling with a common prefix as outside", () => {
  assert.match(relpath("/repo", "/repo-other/x.py"), /^external\//);
  assert.equal(isWithin("/repo", "/repo-other/x.py"), false);
  assert.equal(isWithin("/repo", "/repo/x.py"), true);
});

Deno.test("resolveSegment gives the real path and an 8-hex id", async () => {
  await withSegment(async (root) => {
    const link = `${root}-link`;
    await Deno.symlink(root, link);
    try {
      const seg = await resolveSegment(link);
      assert.equal(seg.root, await Deno.realPath(root));
      assert.match(seg.id, /^[0-9a-f]{8}$/);
      assert.equal((await resolveSegment(root)).id, seg.id);
    } finally {
      await Deno.remove(link);
    }
  });
});

Deno.test("resolveSegment refuses a missing path or a file", async () => {
  await withSegment(async (root) => {
    await rejectsWithCode(resolveSegment(join(root, "missing")), "INVALID_SEGMENT_PATH");
    await Deno.writeTextFile(join(root, "f.txt"), "x");
    await rejectsWithCode(resolveSegment(join(root, "f.txt")), "INVALID_SEGMENT_PATH");
  });
});

Deno.test("resolveInside accepts relative and absolute paths inside the segment", async () => {
  await withSegment(async (root) => {
    await Deno.mkdir(join(root, "src"));
    await Deno.writeTextFile(join(root, "src", "a.py"), "x = 1\n");
    const seg = await resolveSegment(root);
    const rel = await resolveInside(seg, "src/a.py");
    assert.equal(rel.rel, "src/a.py");
    assert.equal(rel.isDirectory, false);
    const abs = await resolveInside(seg, join(seg.root, "src", "a.py"));
    assert.equal(abs.abs, rel.abs);
    assert.equal((await resolveInside(seg, "src")).isDirectory, true);
  });
});

Deno.test("resolveInside refuses ../ escapes and absolute paths outside", async () => {
  await withSegment(async (root) => {
    const seg = await resolveSegment(root);
    await rejectsWithCode(resolveInside(seg, "../etc/passwd"), "PATH_OUTSIDE_SEGMENT");
    await rejectsWithCode(resolveInside(seg, "/etc/passwd"), "PATH_OUTSIDE_SEGMENT");
    await rejectsWithCode(resolveInside(seg, "src/../../x"), "PATH_OUTSIDE_SEGMENT");
  });
});

Deno.test("resolveInside refuses a symlink that leaves the segment", async () => {
  await withSegment(async (root) => {
    const outside = await Deno.makeTempDir({ prefix: "trifecta-outside-" });
    try {
      await Deno.writeTextFile(join(outside, "secret.py"), "TOKEN = 1\n");
      await Deno.symlink(join(outside, "secret.py"), join(root, "link.py"));
      await Deno.symlink(outside, join(root, "linkdir"));
      const seg = await resolveSegment(root);
      await rejectsWithCode(resolveInside(seg, "link.py"), "PATH_OUTSIDE_SEGMENT");
      await rejectsWithCode(resolveInside(seg, "linkdir/secret.py"), "PATH_OUTSIDE_SEGMENT");
    } finally {
      await Deno.remove(outside, { recursive: true });
    }
  });
});

Deno.test("resolveInside follows a symlink that stays inside to its real path", async () => {
  await withSegment(async (root) => {
    await Deno.writeTextFile(join(root, "real.py"), "x = 1\n");
    await Deno.symlink(join(root, "real.py"), join(root, "alias.py"));
    const seg = await resolveSegment(root);
    assert.equal((await resolveInside(seg, "alias.py")).rel, "real.py");
  });
});

Deno.test("resolveInside reports a symlink loop and a missing file by name", async () => {
  await withSegment(async (root) => {
    await Deno.symlink(join(root, "b"), join(root, "a"));
    await Deno.symlink(join(root, "a"), join(root, "b"));
    const seg = await resolveSegment(root);
    await rejectsWithCode(resolveInside(seg, "a"), "SYMLINK_LOOP");
    await rejectsWithCode(resolveInside(seg, "nope.py"), "FILE_NOT_FOUND");
  });
});

Deno.test("resolveInside refuses denylisted files even inside the segment", async () => {
  await withSegment(async (root) => {
    await Deno.mkdir(join(root, ".git"));
    await Deno.writeTextFile(join(root, ".git", "config"), "[core]\n");
    await Deno.writeTextFile(join(root, ".env"), "SECRET=1\n");
    await Deno.writeTextFile(join(root, "server.pem"), "-----BEGIN-----\n");
    const seg = await resolveSegment(root);
    for (const p of [".git/config", ".env", "server.pem"]) {
      await rejectsWithCode(resolveInside(seg, p), "PATH_DENIED");
    }
  });
});
