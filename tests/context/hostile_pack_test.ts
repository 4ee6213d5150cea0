/**
 * The pack and index as untrusted input (a hand edit, a repository that
 * ships its own `_ctx/`, a disk that corrupts a page) and the build's
 * handling of hostile files: named errors, never a crash, never a leak.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  buildPack,
  checkStale,
  getChunks,
  readPack,
  searchPack,
  validatePack,
} from "../../lib/context/mod.ts";
import { commitPack } from "../../lib/context/pack_io.ts";
import { TrifectaError } from "../../lib/errors.ts";
import { nth, removeSegment, tempSegment } from "./helpers.ts";

const FILES = {
  "README.md": "# Demo\nIntro.\n## Install\nRun it.\n",
  "src/app.py": "def serve():\n    return 1\n",
};

function codeOf(err: unknown): string {
  return err instanceof TrifectaError ? err.code : `not a TrifectaError: ${err}`;
}

async function errorOf(p: Promise<unknown>): Promise<TrifectaError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof TrifectaError, `named error, got ${err}`);
    return err;
  }
  throw new Error("expected an error");
}

function packFile(root: string): string {
  return join(root, "_ctx/context_pack.json");
}

function indexFile(root: string): string {
  return join(root, "_ctx/context_index.db");
}

Deno.test("a pack of the wrong shape is PACK_CORRUPT naming the field, never its value", async () => {
  const seg = await tempSegment(FILES);
  try {
    await buildPack(seg);
    const good = JSON.parse(await Deno.readTextFile(packFile(seg.root)));
    const cases: [string, string, RegExp][] = [
      [
        "chunks null,5",
        JSON.stringify({ ...good, chunks: [null, 5] }),
        /chunks\[0\] is not an object/,
      ],
      ["top-level array", "[1,2,3]", /top level is not an object/],
      ["no schema", JSON.stringify({ chunks: [null, 5] }), /schema_version/],
      [
        "other schema",
        JSON.stringify({ ...good, schema_version: 99 }),
        /unsupported schema_version 99/,
      ],
      [
        "path out",
        JSON.stringify({
          ...good,
          source_files: [{ ...good.source_files[0], path: "../../etc/passwd" }],
        }),
        /source_files\[0\]\.path is not a segment-relative path/,
      ],
      ["index short", JSON.stringify({ ...good, index: [] }), /index has 0 entries/],
      [
        "text number",
        JSON.stringify({ ...good, chunks: [{ ...good.chunks[0], text: 5 }] }),
        /chunks\[0\]\.text/,
      ],
      ["not JSON", "SECRET_MARKER_QQ {not json", /not valid JSON/],
    ];
    for (const [name, text, re] of cases) {
      await Deno.writeTextFile(packFile(seg.root), text);
      const err = await errorOf(readPack(seg));
      assert.equal(err.code, "PACK_CORRUPT", name);
      assert.match(err.message, re, name);
      assert.ok(!err.message.includes("SECRET_MARKER_QQ"), `${name}: no content in the message`);
      const v = await validatePack(seg);
      assert.equal(v.passed, false, name);
      assert.deepEqual(v.error_codes, ["PACK_CORRUPT"], name);
      // Get reads the pack whole: the same named error.
      assert.equal(codeOf(await errorOf(readPack(seg))), "PACK_CORRUPT");
    }
    await Deno.writeFile(packFile(seg.root), new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]));
    assert.match((await errorOf(readPack(seg))).message, /not valid UTF-8/);
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("a pack edited after the build makes search refuse the pair, PACK_CORRUPT when it no longer parses", async () => {
  const seg = await tempSegment(FILES);
  try {
    await buildPack(seg);
    const text = await Deno.readTextFile(packFile(seg.root));
    await Deno.writeTextFile(packFile(seg.root), text.replace("Intro.", "Intro, edited by hand."));
    assert.equal(codeOf(await errorOf(searchPack(seg, "demo"))), "PACK_INDEX_MISMATCH");
    const v = await validatePack(seg);
    assert.ok(v.error_codes.includes("PACK_INDEX_MISMATCH"), JSON.stringify(v));
    const pack = JSON.parse(text);
    await Deno.writeTextFile(
      packFile(seg.root),
      JSON.stringify({ ...pack, chunks: [null, 5] }, null, 2),
    );
    assert.equal(codeOf(await errorOf(searchPack(seg, "demo"))), "PACK_CORRUPT");
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("a pack that is a directory, a FIFO or a symlink out is refused, and a build replaces it", async () => {
  const seg = await tempSegment(FILES);
  const outside = await Deno.makeTempDir({ prefix: "trifecta-outside-" });
  try {
    await buildPack(seg);
    await Deno.writeTextFile(join(outside, "pack.json"), '{"OUTSIDE_MARKER": 1}');
    await Deno.remove(packFile(seg.root));
    await Deno.symlink(join(outside, "pack.json"), packFile(seg.root));
    let err = await errorOf(readPack(seg));
    assert.equal(err.code, "PACK_CORRUPT");
    assert.match(err.message, /symlink/);
    await Deno.remove(packFile(seg.root));
    new Deno.Command("mkfifo", { args: [packFile(seg.root)] }).outputSync();
    err = await errorOf(readPack(seg));
    assert.match(err.message, /not a regular file/);
    await Deno.remove(packFile(seg.root));
    await Deno.mkdir(join(packFile(seg.root), "inner"), { recursive: true });
    for (const p of [readPack(seg), searchPack(seg, "demo"), validatePack(seg)]) {
      const r = await p.catch((e: unknown) => e);
      const code = r instanceof TrifectaError
        ? r.code
        : (r as { error_codes: string[] }).error_codes[0];
      assert.equal(code, "PACK_CORRUPT");
    }
    const built = await buildPack(seg);
    assert.equal(built.moved_aside.length, 1, "the directory is moved aside, not deleted");
    assert.ok(built.warnings.some((w) => w.includes("aside")));
    assert.ok((await Deno.stat(join(seg.root, nth(built.moved_aside, 0), "inner"))).isDirectory);
    assert.ok((await searchPack(seg, "serve")).hits.length > 0);
    assert.equal((await validatePack(seg)).passed, true);
    assert.equal(await Deno.readTextFile(join(outside, "pack.json")), '{"OUTSIDE_MARKER": 1}');
  } finally {
    await removeSegment(seg);
    await Deno.remove(outside, { recursive: true });
  }
});

async function smash(path: string, offset: number): Promise<void> {
  const f = await Deno.open(path, { read: true, write: true });
  try {
    await f.seek(offset, Deno.SeekMode.Start);
    await f.write(new Uint8Array(8192).fill(0xa5));
  } finally {
    f.close();
  }
}

Deno.test("8 KiB of garbage in the index: validate finds it anywhere, search names what it reads, a build fixes it", async () => {
  const seg = await tempSegment({
    ...FILES,
    "docs/big.md": Array.from({ length: 400 }, (_, i) => `## Part ${i}\nword${i} filler${i}\n`)
      .join(""),
  });
  try {
    await buildPack(seg);
    const path = indexFile(seg.root);
    const size = (await Deno.stat(path)).size;
    // In the middle: search reads only the pages it needs, so it may or may
    // not meet the damage; when it does, the error is named.
    await smash(path, Math.floor(size / 2 / 4096) * 4096);
    const mid = await searchPack(seg, "word200").catch((e: unknown) => e);
    if (!("hits" in (mid as object))) assert.equal(codeOf(mid), "INDEX_CORRUPT");
    const v = await validatePack(seg);
    assert.equal(v.passed, false);
    assert.ok(v.error_codes.includes("INDEX_CORRUPT"), JSON.stringify(v));
    await buildPack(seg);
    assert.equal((await validatePack(seg)).passed, true);
    // Near the start (the schema and the FTS structure): every search meets it.
    await smash(path, 4096);
    assert.equal(codeOf(await errorOf(searchPack(seg, "word200"))), "INDEX_CORRUPT");
    await buildPack(seg);
    assert.ok((await searchPack(seg, "word200")).hits.length > 0);
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("an index that is not a database, a directory, missing, or of another build gets its named error", async () => {
  const seg = await tempSegment(FILES);
  const other = await tempSegment({ "x.md": "# X\n" });
  try {
    await buildPack(seg);
    await buildPack(other);
    await Deno.copyFile(indexFile(other.root), indexFile(seg.root));
    assert.equal(codeOf(await errorOf(searchPack(seg, "demo"))), "PACK_UNTRUSTED");
    assert.ok((await validatePack(seg)).error_codes.includes("PACK_UNTRUSTED"));
    await Deno.writeTextFile(indexFile(seg.root), "not a database at all ".repeat(100));
    assert.equal(codeOf(await errorOf(searchPack(seg, "demo"))), "INDEX_CORRUPT");
    assert.ok((await validatePack(seg)).error_codes.includes("INDEX_CORRUPT"));
    await Deno.remove(indexFile(seg.root));
    await Deno.mkdir(indexFile(seg.root));
    assert.equal(codeOf(await errorOf(searchPack(seg, "demo"))), "INDEX_CORRUPT");
    await Deno.remove(indexFile(seg.root));
    assert.equal(codeOf(await errorOf(searchPack(seg, "demo"))), "INDEX_NOT_FOUND");
    assert.ok((await validatePack(seg)).error_codes.includes("INDEX_NOT_FOUND"));
  } finally {
    await removeSegment(seg);
    await removeSegment(other);
  }
});

Deno.test("a pack over the cap is PACK_TOO_LARGE without reading it", async () => {
  const seg = await tempSegment(FILES);
  try {
    await buildPack(seg);
    // A sparse 1 GiB file: no disk, and a reader that loaded it would need 1 GiB.
    const f = await Deno.open(packFile(seg.root), { write: true });
    await f.truncate(1024 ** 3);
    f.close();
    for (const p of [readPack(seg), searchPack(seg, "demo")]) {
      assert.equal(codeOf(await errorOf(p)), "PACK_TOO_LARGE");
    }
    assert.deepEqual((await validatePack(seg)).error_codes, ["PACK_TOO_LARGE"]);
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("_ctx as a symlink is refused for reads and builds; nothing is written through it", async () => {
  const seg = await tempSegment(FILES);
  const outside = await Deno.makeTempDir({ prefix: "trifecta-outside-" });
  try {
    await Deno.symlink(outside, join(seg.root, "_ctx"));
    assert.equal(codeOf(await errorOf(buildPack(seg))), "CTX_DIR_UNSAFE");
    assert.equal(codeOf(await errorOf(readPack(seg))), "CTX_DIR_UNSAFE");
    assert.deepEqual([...Deno.readDirSync(outside)], [], "nothing written outside");
  } finally {
    await removeSegment(seg);
    await Deno.remove(outside, { recursive: true });
  }
});

Deno.test("a symlink planted as the lock file is removed, never followed", async () => {
  const seg = await tempSegment(FILES);
  const outside = await Deno.makeTempDir({ prefix: "trifecta-outside-" });
  try {
    await Deno.mkdir(join(seg.root, "_ctx"));
    await Deno.symlink(join(outside, "created"), join(seg.root, "_ctx/.pack.lock"));
    await buildPack(seg);
    assert.deepEqual([...Deno.readDirSync(outside)], [], "no file created outside");
    assert.ok((await Deno.lstat(join(seg.root, "_ctx/.pack.lock"))).isFile);
  } finally {
    await removeSegment(seg);
    await Deno.remove(outside, { recursive: true });
  }
});

Deno.test("when the pack cannot be renamed into place the previous index is put back", async () => {
  const seg = await tempSegment(FILES);
  try {
    await buildPack(seg);
    const packBefore = await Deno.readFile(packFile(seg.root));
    const indexBefore = await Deno.readFile(indexFile(seg.root));
    const { pack } = await readPack(seg);
    // The fault (a rename failing after the index was renamed) cannot be
    // provoked from outside on a local file system: the hook removes the
    // pack's temp file right before the renames, so its rename really fails.
    const err = await errorOf(commitPack(seg, { ...pack, build_id: "other-build" }, {
      beforeRename: () => {
        for (const e of Deno.readDirSync(join(seg.root, "_ctx"))) {
          if (e.name.startsWith("context_pack.json.tmp-")) {
            Deno.removeSync(join(seg.root, "_ctx", e.name));
          }
        }
      },
    }));
    assert.equal(err.code, "OUTPUT_NOT_WRITABLE");
    assert.deepEqual(await Deno.readFile(packFile(seg.root)), packBefore);
    assert.deepEqual(await Deno.readFile(indexFile(seg.root)), indexBefore);
    assert.equal((await validatePack(seg)).passed, true);
    const left = [...Deno.readDirSync(join(seg.root, "_ctx"))].filter((e) =>
      /\.(tmp|prev)-/.test(e.name)
    );
    assert.deepEqual(left, []);
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("secrets are masked in the pack and counted by rule and path hash; exclude leaves the file out", async () => {
  const settings =
    'KEY = "AKIAIOSFODNN7EXAMPLE"\nTOKEN = "ghp_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ"\n' +
    "\ndef use():\n    return KEY\n";
  const seg = await tempSegment({ ...FILES, "src/settings.py": settings });
  try {
    const r = await buildPack(seg, { secretFiles: "mask" });
    assert.deepEqual(r.secrets.by_rule, { "aws-access-key-id": 1, "github-token": 1 });
    assert.equal(r.secrets.files, 1);
    assert.match(nth(r.secrets.file_hashes, 0).path_hash, /^[0-9a-f]{16}$/);
    const raw = await Deno.readTextFile(packFile(seg.root));
    assert.ok(!raw.includes("AKIAIOSFODNN7EXAMPLE") && !raw.includes("ghp_abcdef"));
    const db = await Deno.readFile(indexFile(seg.root));
    assert.ok(!new TextDecoder("latin1").decode(db).toLowerCase().includes("akiaiosfodnn7example"));
    const { pack } = await readPack(seg);
    const header = pack.chunks.find((c) =>
      c.source_path === "src/settings.py" && c.kind === "header"
    )!;
    const got = getChunks(pack, [header.id], { mode: "raw" });
    assert.match(nth(got.chunks, 0).text, /<SECRET_REDACTED:aws-access-key-id>/);
    assert.equal((await validatePack(seg)).passed, true, "masked text validates against the disk");
    assert.equal(checkStale(seg, pack.source_files).stale, false);

    const ex = await buildPack(seg, { secretFiles: "exclude" });
    assert.equal(ex.skipped_by_reason.secret_excluded, 1);
    assert.equal(ex.secrets.excluded_files, 1);
    const after = await readPack(seg);
    assert.ok(!after.pack.source_files.some((f) => f.path === "src/settings.py"));
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("get masks secrets in a pack that did not come from a build (shipped with the repository)", async () => {
  const seg = await tempSegment(FILES);
  try {
    await buildPack(seg);
    const pack = JSON.parse(await Deno.readTextFile(packFile(seg.root)));
    pack.chunks[0].text = 'planted = "AKIAIOSFODNN7EXAMPLE"\n';
    const got = getChunks(pack, [pack.chunks[0].id], { mode: "raw" });
    assert.ok(!nth(got.chunks, 0).text.includes("AKIAIOSFODNN7EXAMPLE"));
    assert.match(nth(got.chunks, 0).text, /<SECRET_REDACTED:aws-access-key-id>/);
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("a source file swapped for a symlink to a denied file counts as changed and is not read", async () => {
  const seg = await tempSegment({ ...FILES, ".env": "STALE_MARKER_ENV=1\n" });
  try {
    await buildPack(seg);
    const { pack } = await readPack(seg);
    await Deno.remove(join(seg.root, "src/app.py"));
    await Deno.symlink("../.env", join(seg.root, "src/app.py"));
    const stale = checkStale(seg, pack.source_files);
    assert.deepEqual(stale.changed, ["src/app.py"]);
    const v = await validatePack(seg);
    assert.ok(v.error_codes.includes("SOURCE_REFUSED"), JSON.stringify(v));
    const r = await buildPack(seg);
    assert.equal(r.skipped_by_reason.symlink_to_denied, 1, JSON.stringify(r.skipped));
    assert.ok(!(await Deno.readTextFile(packFile(seg.root))).includes("STALE_MARKER_ENV"));
  } finally {
    await removeSegment(seg);
  }
});
