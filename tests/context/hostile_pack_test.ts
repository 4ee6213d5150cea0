/**
 * The pack database as untrusted input (an edit in place, a repository that
 * ships its own `_ctx/`, a disk that corrupts a page) and the build's
 * handling of hostile files: named errors, never a crash, never a leak.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import {
  buildPack,
  checkStale,
  getChunks,
  readPack,
  readPackChunksSync,
  searchPack,
  syncPack,
  validatePack,
} from "../../lib/context/mod.ts";
import { commitStore, writeNewStore } from "../../lib/context/store_write.ts";
import { TrifectaError } from "../../lib/errors.ts";
import { nth, plantChunkText, removeSegment, tempSegment } from "./helpers.ts";

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
  return join(root, "_ctx/context_pack.db");
}

/** The pack and its index are one file since issue 16. */
function indexFile(root: string): string {
  return packFile(root);
}

/** Change the live pack in place with SQL (same inode: the stamp still holds). */
function editInPlace(root: string, sql: string): void {
  const db = new DatabaseSync(packFile(root));
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}

Deno.test("a pack row of the wrong shape is PACK_CORRUPT naming the field, never its value", async () => {
  const seg = await tempSegment(FILES);
  try {
    const cases: [string, string, RegExp][] = [
      [
        "title_path not JSON",
        "UPDATE chunks SET title_path = 'SECRET_MARKER_QQ {not json'",
        /chunks\[0\]\.title_path is not valid JSON/,
      ],
      ["title_path a number", "UPDATE chunks SET title_path = '5'", /chunks\[0\]\.title_path/],
      ["kind", "UPDATE chunks SET kind = 'SECRET_MARKER_QQ'", /chunks\[0\]\.kind is not/],
      ["texts not DEFLATE", "UPDATE source_files SET texts = X'05'", /source_files\.texts/],
      [
        "path out",
        "UPDATE source_files SET path = '../../etc/passwd' WHERE ord = 0",
        /source_files\[0\]\.path is not a segment-relative path/,
      ],
      ["other schema", "PRAGMA user_version = 99", /schema 99/],
    ];
    for (const [name, sql, re] of cases) {
      await buildPack(seg);
      editInPlace(seg.root, sql);
      const err = await errorOf(readPack(seg));
      assert.equal(err.code, "PACK_CORRUPT", name);
      assert.match(err.message, re, name);
      assert.ok(!err.message.includes("SECRET_MARKER_QQ"), `${name}: no content in the message`);
      const v = await validatePack(seg);
      assert.equal(v.passed, false, name);
      assert.deepEqual(v.error_codes, ["PACK_CORRUPT"], name);
      assert.equal(codeOf(await errorOf(searchPack(seg, "demo"))), "PACK_CORRUPT", name);
    }
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("ctx get reads only the rows asked for, and a bad row among them is PACK_CORRUPT", async () => {
  const seg = await tempSegment(FILES);
  try {
    await buildPack(seg);
    const ids = (await readPack(seg)).pack.chunks.map((c) => c.id);
    const one = readPackChunksSync(seg, [nth(ids, 0), "doc:nope.md:0000000000"]);
    assert.deepEqual(one.pack.chunks.map((c) => c.id), [nth(ids, 0)]);
    assert.equal(one.pack.source_files.length, 1);
    const { pack } = await readPack(seg);
    const other = pack.chunks.find((c) => c.source_path !== nth(pack.chunks, 0).source_path);
    assert.ok(other, "a chunk of another file");
    editInPlace(
      seg.root,
      `UPDATE source_files SET texts = X'05' WHERE path = '${other.source_path}'`,
    );
    assert.equal(readPackChunksSync(seg, [nth(ids, 0)]).pack.chunks.length, 1, "other rows unread");
    assert.throws(() => readPackChunksSync(seg, [other.id]), /source_files\.texts/);
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
    const built = await syncPack(seg);
    assert.equal(built.full_reason, "PACK_CORRUPT", "sync builds anew, and says why");
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

Deno.test("a pack that is not a database, a directory, missing, copied from elsewhere or legacy gets its named error", async () => {
  const seg = await tempSegment(FILES);
  const other = await tempSegment({ "x.md": "# X\n" });
  try {
    await buildPack(seg);
    await buildPack(other);
    await Deno.copyFile(packFile(other.root), packFile(seg.root));
    assert.equal(codeOf(await errorOf(searchPack(seg, "demo"))), "PACK_UNTRUSTED");
    assert.ok((await validatePack(seg)).error_codes.includes("PACK_UNTRUSTED"));
    await Deno.writeTextFile(packFile(seg.root), "not a database at all ".repeat(100));
    assert.equal(codeOf(await errorOf(searchPack(seg, "demo"))), "INDEX_CORRUPT");
    assert.ok((await validatePack(seg)).error_codes.includes("INDEX_CORRUPT"));
    await Deno.remove(packFile(seg.root));
    await Deno.mkdir(packFile(seg.root));
    assert.equal(codeOf(await errorOf(searchPack(seg, "demo"))), "PACK_CORRUPT");
    await Deno.remove(packFile(seg.root));
    // A pack of an older trifecta (JSON and a separate index) is not read.
    await Deno.writeTextFile(join(seg.root, "_ctx/context_pack.json"), "{}");
    await Deno.writeTextFile(join(seg.root, "_ctx/context_index.db"), "");
    const legacy = await errorOf(searchPack(seg, "demo"));
    assert.equal(legacy.code, "PACK_NOT_FOUND");
    assert.match(legacy.message, /older trifecta/);
    assert.ok((await validatePack(seg)).error_codes.includes("PACK_NOT_FOUND"));
    await buildPack(seg);
    const left = [...Deno.readDirSync(join(seg.root, "_ctx"))].map((e) => e.name).sort();
    assert.ok(!left.includes("context_pack.json") && !left.includes("context_index.db"), `${left}`);
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

Deno.test("when the new pack cannot be renamed into place the previous pack stays, and no temp file", async () => {
  const seg = await tempSegment(FILES);
  try {
    await buildPack(seg);
    const packBefore = await Deno.readFile(packFile(seg.root));
    // The fault (a rename failing) cannot be provoked from outside on a
    // local file system: the hook removes the temp file right before the
    // rename, so the rename really fails.
    const err = await errorOf(commitStore(seg, (tmp) => {
      writeNewStore(tmp, [], {
        segment: "x",
        created_at: "",
        build_id: "other-build",
        secret_mode: "mask",
        extraction: "test",
      });
    }, {
      beforeRename: () => {
        for (const e of Deno.readDirSync(join(seg.root, "_ctx"))) {
          if (e.name.startsWith("context_pack.db.tmp-")) {
            Deno.removeSync(join(seg.root, "_ctx", e.name));
          }
        }
      },
    }));
    assert.equal(err.code, "OUTPUT_NOT_WRITABLE");
    assert.deepEqual(await Deno.readFile(packFile(seg.root)), packBefore);
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
    const raw = new TextDecoder("latin1").decode(await Deno.readFile(packFile(seg.root)));
    assert.ok(!raw.includes("AKIAIOSFODNN7EXAMPLE") && !raw.includes("ghp_abcdef"));
    assert.ok(!raw.toLowerCase().includes("akiaiosfodnn7example"));
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
    const first = nth((await readPack(seg)).pack.chunks, 0).id;
    plantChunkText(packFile(seg.root), first, { text: 'planted = "AKIAIOSFODNN7EXAMPLE"\n' });
    const { pack } = await readPack(seg);
    const got = getChunks(pack, [nth(pack.chunks, 0).id], { mode: "raw" });
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
    const raw = new TextDecoder("latin1").decode(await Deno.readFile(packFile(seg.root)));
    assert.ok(!raw.includes("STALE_MARKER_ENV"));
  } finally {
    await removeSegment(seg);
  }
});
