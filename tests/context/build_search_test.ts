import assert from "node:assert/strict";
import { join } from "node:path";
import { buildPack, readPack, searchPack } from "../../lib/context/mod.ts";
import { TrifectaError } from "../../lib/errors.ts";
import { nth, removeSegment, tempSegment } from "./helpers.ts";
import { resolveSegment } from "../../lib/segment/mod.ts";
import { secretSamples } from "../_secret_samples.ts";

const FILES = {
  "README.md": "# Project\nIntro text.\n## Install\nRun the installer.\n",
  "docs/guide.md": "# Guide\n" + "filler words here. ".repeat(30) +
    "\nDEEP_ANCHOR_TOKEN appears late.\n",
  "config/settings.yaml": "name: demo\nport: 8080\n",
  "pyproject.toml": "[project]\nname = 'demo'\n",
  "src/app.py": "def serve():\n    return 1\n",
  "tests/test_app.py": "def test_serve():\n    assert True\n",
  "build/out.md": "# ignored by .gitignore\n",
  ".gitignore": "build/\n",
  ".env": "SECRET=1\n",
};

Deno.test("build indexes docs, src, config and tests files, honours .gitignore and the denylist", async () => {
  const seg = await tempSegment(FILES);
  try {
    const report = await buildPack(seg);
    const { pack } = await readPack(seg);
    const paths = pack.source_files.map((f) => f.path).sort();
    assert.deepEqual(paths, [
      "README.md",
      "config/settings.yaml",
      "docs/guide.md",
      "pyproject.toml",
      "src/app.py",
      "tests/test_app.py",
    ]);
    assert.equal(report.chunks, pack.chunks.length);
    assert.deepEqual(pack.index.map((e) => e.id), pack.chunks.map((c) => c.id));
    assert.equal(pack.segment.includes("/"), false, "segment is a label, not a path");
    const readme = pack.chunks.filter((c) => c.source_path === "README.md");
    assert.deepEqual(readme.map((c) => c.title_path), [["README.md", "Project"], [
      "README.md",
      "Project",
      "Install",
    ]]);
    assert.equal(pack.chunks.find((c) => c.source_path === "config/settings.yaml")?.kind, "config");
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("a segment whose directory name holds a secret is stored as the label `segment`, never the name", async () => {
  const samples = secretSamples();
  const base = await Deno.makeTempDir({ prefix: "trifecta-ctx-" });
  try {
    // Two token shapes; the slug lowercases the name, so the lowercased
    // secret must not be stored either.
    for (const s of samples.filter((x) => x.rule === "github-token" || x.rule === "slack-token")) {
      const dir = join(base, `seg-${s.secret}`);
      await Deno.mkdir(join(dir, "src"), { recursive: true });
      await Deno.writeTextFile(join(dir, "src", "app.py"), "def main():\n    return 1\n");
      const seg = await resolveSegment(dir);
      await buildPack(seg);
      const { pack } = await readPack(seg);
      assert.equal(pack.segment, "segment", s.rule);
      const raw = new TextDecoder("latin1").decode(
        await Deno.readFile(join(dir, "_ctx", "context_pack.db")),
      );
      assert.equal(raw.includes(s.secret), false, `${s.rule}: the pack holds the secret`);
      assert.equal(raw.toLowerCase().includes(s.secret.toLowerCase()), false, s.rule);
    }
    // A clean name keeps its slug.
    const clean = join(base, "My Repo");
    await Deno.mkdir(clean);
    await Deno.writeTextFile(join(clean, "README.md"), "# Hi\n");
    const seg = await resolveSegment(clean);
    await buildPack(seg);
    assert.equal((await readPack(seg)).pack.segment, "my-repo");
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("rebuilding unchanged files gives the same chunk ids", async () => {
  const seg = await tempSegment(FILES);
  try {
    await buildPack(seg);
    const a = (await readPack(seg)).pack.chunks.map((c) => c.id);
    await buildPack(seg);
    const b = (await readPack(seg)).pack.chunks.map((c) => c.id);
    assert.deepEqual(b, a);
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("primary documents (skill.md, AGENTS.md, _ctx prime/agent/session) come first, and prime references are indexed once", async () => {
  const seg = await tempSegment({
    ...FILES,
    "skill.md": "# Skill\nrules\n",
    "AGENTS.md": "# Agents\nbe nice\n",
    "_ctx/prime_demo.md": "# Prime\n- `docs/guide.md`\n- [readme](README.md)\n",
    "_ctx/agent_demo.md": "# Agent\nstack\n",
    "_ctx/session_demo.md": "# Session\nlog\n",
  });
  try {
    await buildPack(seg);
    const { pack } = await readPack(seg);
    assert.deepEqual(pack.source_files.slice(0, 7).map((f) => f.path), [
      "skill.md",
      "AGENTS.md",
      "_ctx/prime_demo.md",
      "_ctx/agent_demo.md",
      "_ctx/session_demo.md",
      "docs/guide.md",
      "README.md",
    ]);
    assert.equal(pack.source_files.filter((f) => f.path === "docs/guide.md").length, 1);
    assert.ok(pack.chunks.some((c) => c.id.startsWith("ref:docs/guide.md:")));
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("a prime reference outside the segment or to a denied file is skipped with a named reason", async () => {
  const seg = await tempSegment({
    "_ctx/prime_x.md": "- `../outside.md`\n- `/etc/motd.md`\n- [env](.env.md)\n- `docs/ok.md`\n",
    ".env.md": "OUTSIDE_MARKER_ENV\n",
    "docs/ok.md": "# Ok\n",
  });
  try {
    const r = await buildPack(seg);
    assert.equal(r.skipped_by_reason.reference_outside_segment, 3, JSON.stringify(r.skipped));
    assert.ok(r.warnings.some((w) => w.includes("reference_outside_segment")));
    const { pack } = await readPack(seg);
    const paths = pack.chunks.map((c) => c.source_path);
    assert.ok(paths.includes("docs/ok.md"));
    assert.ok(!JSON.stringify(pack).includes("OUTSIDE_MARKER_ENV"));
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("search finds a word that lies beyond the 200-character preview", async () => {
  const seg = await tempSegment(FILES);
  try {
    await buildPack(seg);
    const r = await searchPack(seg, "DEEP_ANCHOR_TOKEN");
    assert.equal(r.hits[0]?.path, "docs/guide.md");
    assert.doesNotMatch(r.hits[0].preview, /DEEP_ANCHOR_TOKEN/);
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("a path match outranks a text-only match", async () => {
  const seg = await tempSegment({
    "src/billing.py": "def charge():\n    return 0\n",
    "docs/notes.md": "# Notes\nWe talk about billing once here, and other things.\n",
  });
  try {
    await buildPack(seg);
    const r = await searchPack(seg, "billing", { explain: true });
    assert.equal(nth(r.hits, 0).path, "src/billing.py");
    assert.deepEqual(nth(r.hits, 0).signals?.fields.path, ["billing"]);
    assert.ok(nth(r.hits, 0).score > nth(r.hits, 1).score);
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("search rejects empty, whitespace and 1-character queries and accepts 2 characters", async () => {
  const seg = await tempSegment(FILES);
  try {
    await buildPack(seg);
    for (const q of ["", "   ", "x"]) {
      await assert.rejects(
        searchPack(seg, q),
        (e: unknown) => e instanceof TrifectaError && e.code === "QUERY_REJECTED",
      );
    }
    const ok = await searchPack(seg, "ab");
    assert.equal(ok.hits.length, 0);
    assert.equal(ok.zero_hit_reason, "vague");
    assert.equal((await searchPack(seg, "zzzqqq nothing")).zero_hit_reason, "no_match");
    assert.equal((await searchPack(seg, "!! ??")).zero_hit_reason, "no_terms");
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("search on a segment without a pack fails with PACK_NOT_FOUND", async () => {
  const seg = await tempSegment({ "a.md": "# A\n" });
  try {
    await assert.rejects(
      searchPack(seg, "hello"),
      (e: unknown) => e instanceof TrifectaError && e.code === "PACK_NOT_FOUND",
    );
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("search warns when an indexed file changed since the build", async () => {
  const seg = await tempSegment(FILES);
  try {
    await buildPack(seg);
    await Deno.writeTextFile(join(seg.root, "src/app.py"), "def serve():\n    return 2\n");
    const r = await searchPack(seg, "serve");
    assert.equal(r.stale.stale, true);
    assert.deepEqual(r.stale.changed, ["src/app.py"]);
    assert.match(r.warnings.join("\n"), /ctx sync/);
  } finally {
    await removeSegment(seg);
  }
});
