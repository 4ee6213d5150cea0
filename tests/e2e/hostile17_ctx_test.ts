/**
 * Attacker's review of issue 17's pack readers: `ctx search` reading only
 * the files' records and its hits' rows (lib/context/search_source.ts), and
 * `ctx sync` validating only the rows it wrote (lib/context/validate_sync.ts).
 * A `deny` glob added after the build, rows changed by hand in a pack that
 * keeps its stamp (a local edit in place: the stamp lives in the header),
 * and odd rows. Each test runs the real CLI.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { allText, MAIN_TS, removeSegment, runCli, runGuarded } from "./helpers.ts";

const FILES: Record<string, string> = {
  "app.py": 'def serve():\n    return "alpha_marker"\n',
  "util.py": 'def helper():\n    return "bravo_marker"\n',
  "secret_store.py": 'def keep():\n    return "charlie_hidden_marker"\n',
};

/** A fresh segment (real path) holding `files`; removed by the caller. */
async function segmentOf(files: Record<string, string> = FILES): Promise<string> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-red17-ctx-" }));
  for (const [rel, text] of Object.entries(files)) await Deno.writeTextFile(join(dir, rel), text);
  return dir;
}

async function build(dir: string): Promise<void> {
  const built = await runCli(["ctx", "build", "-s", dir]);
  assert.equal(built.code, 0, built.stdout + built.stderr);
}

async function search(dir: string, query: string): Promise<Record<string, unknown>> {
  const r = await runCli(["ctx", "search", "-q", query, "-s", dir, "--json"]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

/** Edit the pack in place (its header, hence its stamp, stays). */
function editPack(dir: string, sql: (db: DatabaseSync) => void): void {
  const db = new DatabaseSync(join(dir, "_ctx/context_pack.db"));
  try {
    sql(db);
  } finally {
    db.close();
  }
}

async function syncJson(dir: string): Promise<{ code: number; doc: Record<string, unknown> }> {
  const r = await runCli(["ctx", "sync", "-s", dir, "--json"]);
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(r.stdout) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`sync printed no JSON (${String(err)}): ${r.stdout}${r.stderr}`);
  }
  return { code: r.code, doc };
}

function modeOf(doc: Record<string, unknown>): unknown {
  return (doc.build as Record<string, unknown> | undefined)?.mode;
}

function validationOf(doc: Record<string, unknown>): Record<string, unknown> {
  return (doc.validation ?? {}) as Record<string, unknown>;
}

/** The hits' ids of a search document. */
function hitIds(doc: Record<string, unknown>): string[] {
  return ((doc.hits ?? []) as { id: string }[]).map((h) => h.id);
}

/** The document without the query's own echo (`query`, `normalized_query`, `terms`). */
function answered(doc: Record<string, unknown>): string {
  const { query: _q, normalized_query: _n, terms: _t, ...rest } = doc;
  return JSON.stringify(rest);
}

Deno.test("red17 ctx search: a deny glob added after the build keeps the file's chunks out (and ctx get too); a sync then drops its rows", async () => {
  const dir = await segmentOf();
  try {
    await build(dir);
    const before = await search(dir, "charlie_hidden_marker");
    const id = hitIds(before)[0] ?? "";
    assert.match(id, /^code:secret_store\.py:/, "found before the glob");
    await Deno.writeTextFile(join(dir, "trifecta.jsonc"), '{ "deny": ["secret_*.py"] }\n');
    const after = await search(dir, "charlie_hidden_marker");
    assert.deepEqual(hitIds(after), []);
    assert.doesNotMatch(answered(after), /secret_store|charlie_hidden/);
    // A term every file has: the others' chunks, never the denied one's.
    const any = await search(dir, "def");
    assert.ok(hitIds(any).length > 0, answered(any));
    assert.doesNotMatch(answered(any), /secret_store|charlie_hidden/);
    const got = await runCli(["ctx", "get", "-s", dir, "--json", "--ids", id, "--mode", "raw"]);
    assert.doesNotMatch(got.stdout, /charlie_hidden/);
    // A sync afterwards drops the denied file's rows and its validation passes.
    const s = await syncJson(dir);
    assert.equal(s.code, 0, JSON.stringify(s.doc));
    assert.equal(modeOf(s.doc), "incremental");
    const db = new DatabaseSync(join(dir, "_ctx/context_pack.db"), { readOnly: true });
    try {
      const n = db.prepare("SELECT count(*) AS n FROM chunks WHERE path LIKE 'secret%'").get() as {
        n: number;
      };
      assert.equal(n.n, 0);
    } finally {
      db.close();
    }
  } finally {
    await removeSegment(dir);
  }
});

Deno.test(
  "red17 ctx search: a file denied after the build is no oracle (dropped_hits and the warning do not tell whether a guessed word is in it)",
  oracleCase,
);

async function oracleCase(): Promise<void> {
  const dir = await segmentOf();
  try {
    await build(dir);
    await Deno.writeTextFile(join(dir, "trifecta.jsonc"), '{ "deny": ["secret_*.py"] }\n');
    // A guess that is in the denied file, and one that is nowhere.
    const right = await search(dir, "charlie_hidden_marker");
    const wrong = await search(dir, "charlie_absent_marker");
    const { query: _a, normalized_query: _b, terms: _c, ...r } = right;
    const { query: _d, normalized_query: _e, terms: _f, ...w } = wrong;
    assert.deepEqual(r, w, "the answers differ only by what the denied file holds");
  } finally {
    await removeSegment(dir);
  }
}

/** An edit, then an incremental `ctx sync` whose validation fails with PACK_INDEX_MISMATCH. */
async function assertSyncMismatch(dir: string): Promise<void> {
  await Deno.writeTextFile(join(dir, "app.py"), 'def serve():\n    return "delta_marker"\n');
  const s = await syncJson(dir);
  assert.equal(modeOf(s.doc), "incremental", JSON.stringify(s.doc));
  assert.equal(s.code, 1, JSON.stringify(s.doc));
  assert.match(JSON.stringify(validationOf(s.doc)), /PACK_INDEX_MISMATCH/);
}

Deno.test("red17 ctx sync: a search row deleted by hand (stamp kept) fails the incremental sync's validation", async () => {
  const dir = await segmentOf();
  try {
    await build(dir);
    editPack(dir, (db) => {
      const row = db.prepare("SELECT rowid FROM chunks WHERE path = 'util.py'").get() as {
        rowid: number;
      };
      db.prepare("DELETE FROM chunks_fts WHERE rowid = ?").run(row.rowid);
    });
    await assertSyncMismatch(dir);
  } finally {
    await removeSegment(dir);
  }
});

Deno.test("red17 ctx sync: a chunk row of no listed file, planted by hand with its search row, fails the incremental sync's validation and is never served", async () => {
  const dir = await segmentOf();
  try {
    await build(dir);
    editPack(dir, (db) => {
      const id = "code:ghost.py:0123456789";
      // A copy of util.py's chunk row under a path no record lists.
      db.prepare(
        `INSERT INTO chunks (id, kind, path, symbol, token_est, start_line, end_line, seq,
           title_path, char_count, method, symbol_kind, symbol_names)
         SELECT ?, kind, 'ghost.py', symbol, token_est, start_line, end_line, seq,
           'ghost.py', char_count, method, symbol_kind, symbol_names
         FROM chunks WHERE path = 'util.py'`,
      ).run(id);
      const rowid = (db.prepare("SELECT rowid FROM chunks WHERE id = ?").get(id) as {
        rowid: number;
      }).rowid;
      db.prepare("INSERT INTO chunks_fts (rowid, symbols, path, title, text) VALUES (?,?,?,?,?)")
        .run(rowid, "ghostly", "ghost.py", "ghost.py", "echo_planted_marker");
    });
    const found = await search(dir, "echo_planted_marker");
    assert.ok(!JSON.stringify(found).includes("ghost.py"), JSON.stringify(found));
    await assertSyncMismatch(dir);
  } finally {
    await removeSegment(dir);
  }
});

Deno.test("red17 ctx search: a hit whose file's stored texts are damaged (in place, stamp kept) is a named error or left out, never served, never an internal error", async () => {
  const dir = await segmentOf();
  try {
    await build(dir);
    editPack(dir, (db) => {
      db.prepare("UPDATE source_files SET texts = ? WHERE path = 'util.py'")
        .run(new Uint8Array([0x78, 0x9c, 0xff, 0x00, 0x13]));
    });
    const r = await runGuarded(
      [
        "run",
        "-A",
        "--unstable-raw-imports",
        MAIN_TS,
        "ctx",
        "search",
        "-q",
        "bravo_marker",
        "-s",
        dir,
        "--json",
      ],
      { deadlineMs: 60_000, env: { TRIFECTA_NO_TELEMETRY: "1" } },
    );
    assert.ok(r.finished, "ctx search hung");
    assert.doesNotMatch(r.stdout + r.stderr, /INTERNAL_ERROR/);
    assert.doesNotMatch(r.stdout, /return "bravo_marker"|return \\"bravo_marker/);
    if (r.code !== 0) assert.match(r.stdout + r.stderr, /PACK_CORRUPT|INDEX_CORRUPT/);
    // The other files still answer or the whole pack is refused by name.
    const other = await runCli(["ctx", "search", "-q", "alpha_marker", "-s", dir, "--json"]);
    assert.doesNotMatch(other.stdout + other.stderr, /INTERNAL_ERROR/);
  } finally {
    await removeSegment(dir);
  }
});

Deno.test("red17 ctx sync: a file swapped for a symlink out of the segment is dropped like a deleted one, its rows gone, and the outside text never searchable", async () => {
  const dir = await segmentOf();
  const outside = await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-red17-out-" }));
  try {
    await build(dir);
    await Deno.writeTextFile(
      join(outside, "x.py"),
      'def helper():\n    return "foxtrot_outside"\n',
    );
    await Deno.remove(join(dir, "util.py"));
    await Deno.symlink(join(outside, "x.py"), join(dir, "util.py"));
    const s = await syncJson(dir);
    assert.equal(s.code, 0, JSON.stringify(s.doc));
    assert.equal(modeOf(s.doc), "incremental");
    assert.equal((s.doc.build as Record<string, unknown>).deleted, 1, JSON.stringify(s.doc));
    const db = new DatabaseSync(join(dir, "_ctx/context_pack.db"), { readOnly: true });
    try {
      const n = db.prepare(
        `SELECT (SELECT count(*) FROM chunks WHERE path = 'util.py') +
                (SELECT count(*) FROM source_files WHERE path = 'util.py') AS n`,
      ).get() as { n: number };
      assert.equal(n.n, 0);
    } finally {
      db.close();
    }
    for (const q of ["foxtrot_outside", "bravo_marker"]) {
      const found = await search(dir, q);
      assert.deepEqual(hitIds(found), [], q);
    }
  } finally {
    await removeSegment(dir);
    await Deno.remove(outside, { recursive: true });
  }
});

const GH_TOKEN = "ghp_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ";

Deno.test("red17 ctx search and sync: hostile names are listed and served escaped; no absolute path, secret or content reaches telemetry (full level)", async () => {
  const dir = await segmentOf({
    "nl\nfake.py": 'def aa():\n    return "golf_marker hotel_body"\n',
    "esc\x1b[2Jy.py": 'def bb():\n    return "golf_marker hotel_body"\n',
    "bidi\u202ez.py": `TOKEN = "${GH_TOKEN}"\n\ndef cc():\n    return "golf_marker hotel_body"\n`,
  });
  try {
    const full = ["--telemetry", "full"];
    const built = await runCli(["ctx", "build", "-s", dir, ...full]);
    assert.equal(built.code, 0, built.stderr);
    await Deno.writeTextFile(join(dir, "nl\nfake.py"), 'def aa():\n    return "golf_marker_2"\n');
    const synced = await runCli(["ctx", "sync", "-s", dir, ...full]);
    assert.equal(synced.code, 0, synced.stdout + synced.stderr);
    assert.match(synced.stdout, /Validation Passed/);
    const text = await runCli(["ctx", "search", "-q", "golf_marker", "-s", dir, ...full]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /\(3 hits\)/);
    // deno-lint-ignore no-control-regex -- the raw characters looked for on purpose
    assert.doesNotMatch(text.stdout + text.stderr, /[\x1b\u202e]|nl\nfake/);
    assert.ok(!text.stdout.includes(GH_TOKEN), "the token was printed");
    const telemetry = await allText(join(dir, "_ctx/telemetry"));
    assert.ok(telemetry.length > 0, "telemetry was written");
    assert.ok(!telemetry.includes(dir), "an absolute path in telemetry");
    assert.ok(!telemetry.includes(GH_TOKEN), "the token in telemetry");
    // The query is kept at the full level (query_preview); the files' text is not.
    const at = telemetry.indexOf("hotel_body");
    assert.equal(
      at,
      -1,
      `content in telemetry: ${telemetry.slice(Math.max(0, at - 300), at + 80)}`,
    );
  } finally {
    await removeSegment(dir);
  }
});

for (const planted of [".env", "../ghost.py", "sub/../../ghost.py"]) {
  Deno.test(`red17 ctx search: a file record and chunk planted by hand as ${planted} (stamp kept) is never served, and the next sync drops it`, async () => {
    const dir = await segmentOf();
    try {
      await build(dir);
      editPack(dir, (db) => {
        // util.py's record (texts and all) and chunk, listed under the planted path.
        db.prepare(
          `INSERT INTO source_files (path, ord, sha256, mtime, chars, bytes, target, texts)
           SELECT ?, 99, sha256, mtime, chars, bytes, target, texts FROM source_files
           WHERE path = 'util.py'`,
        ).run(planted);
        const id = `code:${planted}:0123456789`;
        db.prepare(
          `INSERT INTO chunks (id, kind, path, symbol, token_est, start_line, end_line, seq,
             title_path, char_count, method, symbol_kind, symbol_names)
           SELECT ?, kind, ?, symbol, token_est, start_line, end_line, seq,
             title_path, char_count, method, symbol_kind, symbol_names
           FROM chunks WHERE path = 'util.py'`,
        ).run(id, planted);
        const rowid = (db.prepare("SELECT rowid FROM chunks WHERE id = ?").get(id) as {
          rowid: number;
        }).rowid;
        db.prepare("INSERT INTO chunks_fts (rowid, symbols, path, title, text) VALUES (?,?,?,?,?)")
          .run(rowid, "planted", planted, planted, "india_planted_marker");
      });
      const r = await runCli(["ctx", "search", "-q", "india_planted_marker", "-s", dir, "--json"]);
      assert.doesNotMatch(r.stdout + r.stderr, /INTERNAL_ERROR/);
      if (r.code === 0) {
        assert.deepEqual(hitIds(JSON.parse(r.stdout)), [], r.stdout);
      } else {
        assert.match(r.stdout + r.stderr, /PACK_CORRUPT/, r.stdout + r.stderr);
      }
      assert.doesNotMatch(r.stdout, /bravo_marker/);
      await Deno.writeTextFile(join(dir, "app.py"), 'def serve():\n    return "delta_marker"\n');
      // The walk finds no such file: the sync drops the record and its rows like a deleted file's.
      const s = await syncJson(dir);
      assert.equal(s.code, 0, JSON.stringify(s.doc));
      assert.equal((s.doc.build as Record<string, unknown>).deleted, 1, JSON.stringify(s.doc));
      const db = new DatabaseSync(join(dir, "_ctx/context_pack.db"), { readOnly: true });
      try {
        const n = db.prepare(
          `SELECT (SELECT count(*) FROM chunks WHERE path = ?1) +
                  (SELECT count(*) FROM source_files WHERE path = ?1) AS n`,
        ).get(planted) as { n: number };
        assert.equal(n.n, 0);
      } finally {
        db.close();
      }
    } finally {
      await removeSegment(dir);
    }
  });
}
