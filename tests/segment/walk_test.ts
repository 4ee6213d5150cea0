import assert from "node:assert/strict";
import { join } from "node:path";
import {
  countByReason,
  isUnsafeLinkReason,
  resolveSegment,
  SKIP_REASONS,
  skipReasonOf,
  UNSAFE_LINK_REASONS,
  walkFiles,
} from "../../lib/segment/mod.ts";
import { TrifectaError } from "../../lib/errors.ts";

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

async function withOutside(fn: (root: string, outside: string) => Promise<void>): Promise<void> {
  await withTree(async (root) => {
    const outside = await Deno.makeTempDir({ prefix: "trifecta-out-" });
    try {
      await write(outside, "secret.py", "OUT = 1\n");
      await fn(await Deno.realPath(root), outside);
    } finally {
      await Deno.remove(outside, { recursive: true });
    }
  });
}

async function sh(script: string, cwd: string): Promise<void> {
  const out = await new Deno.Command("bash", { args: ["-c", script], cwd }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
}

function reasonsOf(skipped: readonly { rel: string; reason: string }[]): Record<string, string> {
  return Object.fromEntries(skipped.map((s) => [s.rel, s.reason]));
}

Deno.test("walkFiles judges a symlink by its real target: outside, denied, loop, dangling", async () => {
  await withOutside(async (root, outside) => {
    await write(root, ".env", "K=1\n");
    await write(root, ".git/config", "[remote]\n");
    await write(root, "pkg/real.py");
    await Deno.symlink(".env", join(root, "envlink.py"));
    await Deno.symlink(".git/config", join(root, "gitcfg.toml"));
    await Deno.symlink("/etc/hostname", join(root, "AGENTS.md"));
    await Deno.symlink(join(outside, "secret.py"), join(root, "escape.py"));
    await Deno.symlink(outside, join(root, "escape_dir"));
    await Deno.symlink("loop_b", join(root, "loop_a"));
    await Deno.symlink("loop_a", join(root, "loop_b"));
    await Deno.symlink("nowhere.py", join(root, "dangling.py"));
    await Deno.symlink("pkg/real.py", join(root, "alias.py"));
    await Deno.symlink("pkg", join(root, "pkg_link"));
    const seg = await resolveSegment(root);
    const { files, skipped } = await walkFiles(seg, seg.root);
    // The inside alias is listed; the linked directory is not followed.
    assert.deepEqual(files.map((f) => f.rel), ["alias.py", "pkg/real.py"]);
    assert.deepEqual(reasonsOf(skipped), {
      ".env": "denied",
      "AGENTS.md": "symlink_outside_segment",
      "dangling.py": "unreadable",
      "envlink.py": "symlink_to_denied",
      "escape.py": "symlink_outside_segment",
      "escape_dir": "symlink_outside_segment",
      "gitcfg.toml": "symlink_to_denied",
      "loop_a": "symlink_loop",
      "loop_b": "symlink_loop",
    });
  });
});

Deno.test("walkFiles reports unsafe links even when .gitignore covers them", async () => {
  await withOutside(async (root, outside) => {
    await write(root, ".gitignore", "ignored/\n*.log\n");
    await write(root, "ok.py");
    await write(root, "ignored/x.py");
    await Deno.symlink(join(outside, "secret.py"), join(root, "out.log"));
    await Deno.symlink(join(outside, "secret.py"), join(root, "ignored", "out.py"));
    const seg = await resolveSegment(root);
    const { files, skipped } = await walkFiles(seg, seg.root);
    assert.deepEqual(files.map((f) => f.rel), [".gitignore", "ok.py"]);
    // The ignored directory is not entered; the ignored link at the top is reported.
    assert.deepEqual(reasonsOf(skipped), { "out.log": "symlink_outside_segment" });
  });
});

Deno.test("walkFiles skips FIFOs, invalid UTF-8 names and paths beyond PATH_MAX, and lists ESC and newline names", async () => {
  await withTree(async (root) => {
    await write(root, "ok.py");
    await write(root, "esc\x1b[2J.py");
    await write(root, "new\nline.py");
    await sh(
      `mkfifo pipe.py && printf 'x\\n' > "$(printf 'bad\\377.py')" && ` +
        `d=$(printf 'd%.0s' $(seq 250)); mkdir deep && cd deep && ` +
        `for i in $(seq 17); do mkdir "$d" && cd "$d"; done; printf 'x\\n' > "$(printf 'f%.0s' $(seq 200)).py"`,
      root,
    );
    const seg = await resolveSegment(root);
    const { files, skipped } = await walkFiles(seg, seg.root, { extensions: [".py"] });
    assert.deepEqual(files.map((f) => f.rel), ["esc\x1b[2J.py", "new\nline.py", "ok.py"]);
    const reasons = skipped.map((s) => [s.rel.slice(0, 12), s.reason]);
    const expected: [string, string][] = [
      ["bad\uFFFD.py", "invalid_name"],
      [`deep/${"d".repeat(7)}`, "path_too_long"],
      ["pipe.py", "not_regular_file"],
    ];
    assert.deepEqual(reasons, expected.sort((a, b) => (a[0] < b[0] ? -1 : 1)));
  });
});

Deno.test("walkFiles reads .gitignore through the boundary: a FIFO or a link out is skipped, not read", async () => {
  await withOutside(async (root, outside) => {
    await write(outside, "rules", "*.py\n");
    await write(root, "a.py");
    await write(root, "sub/b.py");
    await sh("mkfifo .gitignore", root);
    await Deno.symlink(join(outside, "rules"), join(root, "sub", ".gitignore"));
    const seg = await resolveSegment(root);
    const { files, skipped } = await walkFiles(seg, seg.root, { extensions: [".py"] });
    // The outside rules (ignore *.py) were not applied: both files are listed.
    assert.deepEqual(files.map((f) => f.rel), ["a.py", "sub/b.py"]);
    assert.deepEqual(reasonsOf(skipped), {
      ".gitignore": "not_regular_file",
      "sub/.gitignore": "symlink_outside_segment",
    });
  });
});

Deno.test("walkFiles: denied directories are reported once, VCS directories silently", async () => {
  await withTree(async (root) => {
    await write(root, ".git/config");
    await write(root, ".aws/credentials");
    await write(root, "src/.ssh/id_ed25519");
    await write(root, "src/app.py");
    const seg = await resolveSegment(root);
    const { files, skipped } = await walkFiles(seg, seg.root);
    assert.deepEqual(files.map((f) => f.rel), ["src/app.py"]);
    assert.deepEqual(reasonsOf(skipped), { ".aws": "denied", "src/.ssh": "denied" });
  });
});

Deno.test("walkFiles never throws for a start directory that vanished", async () => {
  await withTree(async (root) => {
    await write(root, "gone/a.py");
    const seg = await resolveSegment(root);
    await Deno.remove(join(root, "gone"), { recursive: true });
    const { files, skipped } = await walkFiles(seg, join(seg.root, "gone"));
    assert.deepEqual(files, []);
    assert.deepEqual(skipped, [{ rel: "gone", reason: "vanished" }]);
  });
});

Deno.test("walkFiles never throws while another process deletes and recreates the tree", async () => {
  await withTree(async (root) => {
    const real = await Deno.realPath(root);
    const code = `
      const root = ${JSON.stringify(real)};
      for (;;) {
        try { Deno.removeSync(root + "/t", { recursive: true }); } catch { /* raced */ }
        for (let i = 0; i < 20; i++) {
          Deno.mkdirSync(root + "/t/d" + i + "/e", { recursive: true });
          Deno.writeTextFileSync(root + "/t/d" + i + "/e/f.py", "x = 1\\n");
        }
      }`;
    const churn = new Deno.Command(Deno.execPath(), {
      args: ["eval", code],
      stdout: "null",
      stderr: "null",
    }).spawn();
    try {
      await new Promise((r) => setTimeout(r, 300));
      const seg = await resolveSegment(real);
      for (let i = 0; i < 100; i++) {
        const { skipped } = await walkFiles(seg, seg.root);
        for (const s of skipped) {
          assert.ok(["vanished", "unreadable"].includes(s.reason), `${s.rel}: ${s.reason}`);
        }
      }
    } finally {
      churn.kill();
      await churn.status;
    }
  });
});

Deno.test("skip reasons: boundary errors map to the walker's names, counted by reason", () => {
  const err = (code: string, reason?: string) =>
    new TrifectaError(code, code, { details: reason ? { reason } : {} });
  assert.equal(skipReasonOf(err("PATH_DENIED", "denied_target")), "symlink_to_denied");
  assert.equal(skipReasonOf(err("PATH_DENIED", "private_key_content")), "private_key_content");
  assert.equal(skipReasonOf(err("PATH_DENIED", "denied_name")), "denied");
  assert.equal(skipReasonOf(err("PATH_OUTSIDE_SEGMENT")), "symlink_outside_segment");
  assert.equal(skipReasonOf(err("FILE_CHANGED_DURING_READ")), "changed_during_read");
  assert.equal(skipReasonOf(err("FILE_NOT_FOUND")), "vanished");
  assert.equal(skipReasonOf(err("FILE_TOO_LARGE")), "too_large");
  assert.equal(skipReasonOf(err("BINARY_FILE")), "binary");
  assert.equal(skipReasonOf(err("NOT_A_REGULAR_FILE")), "not_regular_file");
  assert.equal(skipReasonOf(err("INVALID_FILE_NAME")), "invalid_name");
  assert.equal(skipReasonOf(err("PATH_TOO_LONG")), "path_too_long");
  assert.equal(skipReasonOf(err("SYMLINK_LOOP")), "symlink_loop");
  assert.equal(skipReasonOf(err("PATH_DENIED", "hard_link")), "denied");
  assert.equal(skipReasonOf(err("PATH_DENIED", "secret_in_name")), "secret_in_name");
  assert.equal(skipReasonOf(new Error("x")), "unreadable");
  for (const r of UNSAFE_LINK_REASONS) assert.ok(SKIP_REASONS.includes(r));
  assert.deepEqual([...UNSAFE_LINK_REASONS].sort(), [
    "symlink_outside_segment",
    "symlink_to_denied",
  ]);
  assert.equal(isUnsafeLinkReason("symlink_to_denied"), true);
  assert.equal(isUnsafeLinkReason("denied"), false);
  assert.deepEqual(
    countByReason([{ reason: "denied" }, { reason: "binary" }, { reason: "denied" }]),
    { denied: 2, binary: 1 },
  );
});

// Built at run time: no token literal in the repository.
const NAME_TOKEN = "ghp_" + "Zq8xW3nR5tY7".repeat(3);

Deno.test("walkFiles skips names holding a secret as secret_in_name, listed masked", async () => {
  await withTree(async (root) => {
    await write(root, "ok.py");
    await write(root, `${NAME_TOKEN}.py`);
    await write(root, `pkg_${NAME_TOKEN}/inner.py`);
    await write(root, `hidden/${NAME_TOKEN}.py`);
    await Deno.symlink(join(root, "hidden", `${NAME_TOKEN}.py`), join(root, "alias.py"));
    const seg = await resolveSegment(root);
    const { files, skipped } = await walkFiles(seg, seg.root, { extensions: [".py"] });
    assert.deepEqual(files.map((f) => f.rel), ["ok.py"]);
    const masked = "<SECRET_REDACTED:github-token>";
    // In walk order (names on disk sorted), the link judged by its target.
    assert.deepEqual(skipped, [
      { rel: "alias.py", reason: "secret_in_name" },
      { rel: `${masked}.py`, reason: "secret_in_name" },
      { rel: `hidden/${masked}.py`, reason: "secret_in_name" },
      { rel: `pkg_${masked}`, reason: "secret_in_name" },
    ]);
    assert.ok(!JSON.stringify(skipped).includes(NAME_TOKEN.slice(4, 20)));
    assert.ok(SKIP_REASONS.includes("secret_in_name"));
  });
});

Deno.test("walkFiles keeps exactly the names that end with an extension, at any dot (as endsWith says)", async () => {
  await withTree(async (root) => {
    const names = [
      "a.py",
      "a.pyi",
      "a.py.txt",
      "a.d.ts",
      "a.ts",
      "a..ts",
      ".py",
      "..py",
      "py",
      "apy",
      "a.PY",
      "Makefile",
      "a.tar.gz",
      "b.gz",
      "noext.",
    ];
    for (const name of names) await write(root, `src/${name}`);
    const seg = await resolveSegment(root);
    const extensions = [".py", ".d.ts", ".tar.gz", "file"];
    const { files } = await walkFiles(seg, seg.root, { extensions });
    const expected = names.filter((n) => extensions.some((e) => n.endsWith(e)))
      .map((n) => `src/${n}`).sort();
    assert.deepEqual(files.map((f) => f.rel), expected);
    // The cases the set lookup must not miss: a two-dot extension, one without a dot.
    assert.ok(expected.includes("src/a.d.ts") && expected.includes("src/Makefile"));
    assert.ok(!expected.includes("src/a.PY"));
  });
});

Deno.test("walkFiles from a start path given with a trailing slash or `.` parts lists the same absolute paths", async () => {
  await withTree(async (root) => {
    await write(root, "src/pkg/a.py");
    const seg = await resolveSegment(root);
    const plain = await walkFiles(seg, join(seg.root, "src"));
    for (const start of [`${seg.root}/src/`, `${seg.root}/./src`, `${seg.root}//src/pkg/..`]) {
      const other = await walkFiles(seg, start);
      assert.deepEqual(other, plain, start);
    }
    assert.deepEqual(plain.files.map((f) => f.abs), [join(seg.root, "src/pkg/a.py")]);
  });
});
