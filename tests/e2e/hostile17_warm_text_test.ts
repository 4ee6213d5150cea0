/**
 * Attacker's review of issue 17's warm TEXT run of `ast skeleton` (the
 * manifest keeps each file's text outline, `text_out`, and serves it as
 * stored; docs/cache.md "Manifest"). The repository is the attacker's: file
 * names with control characters, a `deny` glob added after the rows were
 * written, an edit made through another name of the same inode, a cache
 * database copied from another segment. Each test runs the real CLI.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { allText, removeSegment, runCli } from "./helpers.ts";

const OFF = { TRIFECTA_NO_TELEMETRY: "1" };

/** `def <name>():` — names of one length give files of one size. */
function pyDef(name: string): string {
  return `def ${name}():\n    pass\n`;
}

/**
 * Wait until files written now are older than the manifest's trust window
 * (ctime in whole seconds + 2 s): a wait, never a timing assertion.
 */
function settle(): Promise<void> {
  return new Promise((r) => setTimeout(r, 3_100));
}

/** A fresh segment (real path) holding `files`; removed by the caller. */
async function segmentOf(files: Record<string, string>): Promise<string> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-red17-" }));
  for (const [rel, text] of Object.entries(files)) await Deno.writeTextFile(join(dir, rel), text);
  return dir;
}

/** The text run's cache figures, from its last line. */
function cacheFigures(stdout: string): { hits: number; misses: number } {
  const m = /cache (\d+) hits \/ (\d+) misses/.exec(stdout);
  assert.ok(m, `no cache figures in ${JSON.stringify(stdout.slice(-300))}`);
  return { hits: Number(m[1]), misses: Number(m[2]) };
}

/** Characters a terminal acts on, never printed raw (newline and tab aside). */
const RAW_CONTROL =
  // deno-lint-ignore no-control-regex -- these are the characters looked for on purpose
  /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const HOSTILE_NAMES = {
  "nl\nfake (python, 1 bytes).py": pyDef("n1"),
  "esc\x1b[2Jclear.py": pyDef("e1"),
  "bidi\u202eyp.txt.py": pyDef("b1"),
  "cr\rover.py": pyDef("c1"),
  "plain.py": pyDef("p1"),
};

Deno.test("red17 warm text: hostile file names are served from the manifest escaped, byte for byte the cold outline", async () => {
  const dir = await segmentOf(HOSTILE_NAMES);
  try {
    await settle();
    const text = ["ast", "skeleton", ".", "--persist-cache", "-s", dir];
    const priming = await runCli([...text, "--json"], { env: OFF });
    assert.equal(priming.code, 0, priming.stderr);
    const warm = await runCli(text, { env: OFF });
    assert.equal(warm.code, 0, warm.stderr);
    const n = Object.keys(HOSTILE_NAMES).length;
    assert.deepEqual(cacheFigures(warm.stdout), { hits: n, misses: 0 }, "every outline as stored");
    const cold = await runCli(["ast", "skeleton", ".", "--no-persist-cache", "-s", dir], {
      env: OFF,
    });
    assert.equal(cold.code, 0, cold.stderr);
    assert.equal(
      warm.stdout,
      cold.stdout.replace(`cache 0 hits / ${n} misses`, `cache ${n} hits / 0 misses`),
    );
    assert.doesNotMatch(warm.stdout, RAW_CONTROL);
    // One header line per file, and no line forged by a name's newline.
    const headers = warm.stdout.split("\n").filter((l) => l.includes("(python, "));
    assert.equal(headers.length, n, warm.stdout);
    assert.ok(!warm.stdout.split("\n").some((l) => l.startsWith("fake (")), warm.stdout);
    // A second warm run, now from rows the text run did not write, still the same.
    const again = await runCli(text, { env: OFF });
    assert.equal(again.stdout, warm.stdout);
  } finally {
    await removeSegment(dir);
  }
});

Deno.test("red17 warm text: a deny glob added after the rows were written keeps the file's outline out", async () => {
  const dir = await segmentOf({ "a.py": pyDef("aa"), "secret_keys.py": pyDef("topsecret_zz") });
  try {
    await settle();
    const text = ["ast", "skeleton", ".", "--persist-cache", "-s", dir];
    const primed = await runCli(text, { env: OFF });
    assert.equal(primed.code, 0, primed.stderr);
    assert.match(primed.stdout, /topsecret_zz/, "the file was outlined before the glob");
    await Deno.writeTextFile(join(dir, "trifecta.jsonc"), '{ "deny": ["secret_*.py"] }\n');
    for (const args of [text, [...text, "--json"]]) {
      const after = await runCli(args, { env: OFF });
      assert.equal(after.code, 0, after.stderr);
      assert.doesNotMatch(after.stdout, /topsecret_zz/);
      assert.match(after.stdout, /def aa\(\)|"aa"/);
    }
    // Named on its own (alone, with another file, through ./): refused, never served.
    for (const named of [["secret_keys.py"], ["./secret_keys.py", "a.py"]]) {
      const r = await runCli(["ast", "skeleton", ...named, "--persist-cache", "-s", dir], {
        env: OFF,
      });
      assert.doesNotMatch(r.stdout, /topsecret_zz/, named.join(" "));
      assert.match(r.stdout + r.stderr, /PATH_DENIED|denylist/, named.join(" "));
    }
  } finally {
    await removeSegment(dir);
  }
});

Deno.test("red17 warm text: a file given a hard link after its row was written, then edited through it with mtime restored, is never served from the row", async () => {
  const dir = await segmentOf({ "a.py": pyDef("old_aa"), "b.py": pyDef("keep_b") });
  const outside = await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-red17-out-" }));
  try {
    await settle();
    const text = ["ast", "skeleton", ".", "--persist-cache", "-s", dir];
    assert.equal((await runCli(text, { env: OFF })).code, 0);
    const warm = await runCli(text, { env: OFF });
    assert.deepEqual(cacheFigures(warm.stdout), { hits: 2, misses: 0 });
    const st = await Deno.stat(join(dir, "a.py"));
    // Another name of the same inode, outside the segment, and an in-place
    // rewrite through it: same inode, size and mtime.
    await Deno.link(join(dir, "a.py"), join(outside, "alias.py"));
    const f = await Deno.open(join(outside, "alias.py"), { write: true });
    await f.write(new TextEncoder().encode(pyDef("new_aa")));
    f.close();
    await Deno.utime(join(outside, "alias.py"), st.atime ?? new Date(), st.mtime ?? new Date());
    const after = await runCli(text, { env: OFF });
    assert.equal(after.code, 0, after.stderr);
    assert.doesNotMatch(after.stdout, /def old_aa\(\)/, "the stale row was served");
    // A hard-linked file is refused by the read boundary (denied), not re-served.
    assert.match(after.stdout, /^skipped: a\.py \(denied\)$/m);
    assert.deepEqual(cacheFigures(after.stdout), { hits: 1, misses: 0 });
  } finally {
    await removeSegment(dir);
    await Deno.remove(outside, { recursive: true });
  }
});

Deno.test("red17 warm text: a file renamed over another keeps nothing of either row (the other's outline is never printed under its name)", async () => {
  const dir = await segmentOf({ "a.py": pyDef("aa_one"), "b.py": pyDef("bb_two") });
  try {
    await settle();
    const text = ["ast", "skeleton", ".", "--persist-cache", "-s", dir];
    assert.equal((await runCli(text, { env: OFF })).code, 0);
    const st = await Deno.stat(join(dir, "a.py"));
    await Deno.rename(join(dir, "b.py"), join(dir, "a.py"));
    // The old name's mtime put back: only inode and ctime tell.
    await Deno.utime(join(dir, "a.py"), st.atime ?? new Date(), st.mtime ?? new Date());
    const after = await runCli(text, { env: OFF });
    assert.equal(after.code, 0, after.stderr);
    assert.match(after.stdout, /^a\.py \(python, \d+ bytes\)\n {2}def bb_two\(\)/m);
    assert.doesNotMatch(after.stdout, /aa_one|^b\.py/m);
  } finally {
    await removeSegment(dir);
  }
});

Deno.test("red17 warm text: a cache database copied from another segment (rows, outlines and all) serves nothing", async () => {
  const files = { "a.py": pyDef("real_a"), "b.py": pyDef("real_b") };
  // The donor also has a file the victim lacks: its row could only go by the wipe.
  const donor = await segmentOf({
    "a.py": pyDef("fake_a"),
    "b.py": pyDef("fake_b"),
    "c.py": pyDef("fake_c"),
  });
  const dir = await segmentOf(files);
  try {
    await settle();
    const text = ["ast", "skeleton", ".", "--persist-cache", "-s", donor];
    assert.equal((await runCli(text, { env: OFF })).code, 0);
    assert.equal((await runCli(text, { env: OFF })).code, 0);
    // The donor's whole database (rows and outlines, same file names) shipped
    // into the victim's segment: it is not stamped for its new place.
    await Deno.mkdir(join(dir, ".trifecta/cache"), { recursive: true });
    await Deno.copyFile(
      join(donor, ".trifecta/cache/ast_cache.db"),
      join(dir, ".trifecta/cache/ast_cache.db"),
    );
    const victim = await runCli(["ast", "skeleton", ".", "--persist-cache", "-s", dir], {
      env: OFF,
    });
    assert.equal(victim.code, 0, victim.stderr);
    assert.match(victim.stdout, /def real_a\(\)/);
    assert.match(victim.stdout, /def real_b\(\)/);
    assert.doesNotMatch(victim.stdout, /fake_/);
    const raw = new DatabaseSync(join(dir, ".trifecta/cache/ast_cache.db"), { readOnly: true });
    try {
      const left = raw.prepare(
        "SELECT count(*) AS n FROM manifest WHERE text_out LIKE '%fake_%' OR file_rel = 'c.py'",
      ).get() as { n: number };
      assert.equal(left.n, 0, "the copied rows were dropped");
      const rows = raw.prepare("SELECT count(*) AS n FROM manifest").get() as { n: number };
      assert.equal(rows.n, 2, "the victim's own rows were written");
    } finally {
      raw.close();
    }
  } finally {
    await removeSegment(donor);
    await removeSegment(dir);
  }
});

Deno.test("red17 warm text: a same-size edit with mtime restored right after a priming run (inside the trust window) is never served from the row, then or later", async () => {
  const dir = await segmentOf({ "a.py": pyDef("old_aa") });
  try {
    const text = ["ast", "skeleton", ".", "--persist-cache", "-s", dir];
    // Primed at once: the row's stat is within the window of its verification.
    const primed = await runCli(text, { env: OFF });
    assert.equal(primed.code, 0, primed.stderr);
    assert.match(primed.stdout, /def old_aa\(\)/);
    const st = await Deno.stat(join(dir, "a.py"));
    await Deno.writeTextFile(join(dir, "a.py"), pyDef("new_aa"));
    await Deno.utime(join(dir, "a.py"), st.atime ?? new Date(), st.mtime ?? new Date());
    const soon = await runCli(text, { env: OFF });
    await settle();
    const later = await runCli(text, { env: OFF });
    const last = await runCli(text, { env: OFF });
    for (const run of [soon, later, last]) {
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /def new_aa\(\)/);
      assert.doesNotMatch(run.stdout, /old_aa/);
    }
    // Settled now: served from the row the later run wrote.
    assert.deepEqual(cacheFigures(last.stdout), { hits: 1, misses: 0 });
  } finally {
    await removeSegment(dir);
  }
});

Deno.test("red17 warm text: telemetry of cold and warm runs (full level) hold no absolute path and no outline text", async () => {
  const files = { ...HOSTILE_NAMES, "sec.py": pyDef("quebec_outline_marker") };
  const dir = await segmentOf(files);
  try {
    await settle();
    const text = ["ast", "skeleton", ".", "--persist-cache", "-s", dir, "--telemetry", "full"];
    for (const args of [[...text, "--json"], text, text]) {
      const r = await runCli(args);
      assert.equal(r.code, 0, r.stderr);
    }
    const telemetry = await allText(join(dir, "_ctx/telemetry"));
    assert.ok(telemetry.length > 0, "telemetry was written");
    assert.ok(!telemetry.includes(dir), "an absolute path in telemetry");
    assert.doesNotMatch(telemetry, /quebec_outline_marker/);
    // Control and bidi characters of names are escaped when telemetry is read,
    // not in the file (docs/telemetry_event_schema.md "Redaction on read").
  } finally {
    await removeSegment(dir);
  }
});

Deno.test("red17 warm text: a directory moved out of the segment (its files keep inode and ctime) and linked back is never served from its rows", async () => {
  const dir = await segmentOf({ "b.py": pyDef("keep_b") });
  const outside = await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-red17-out-" }));
  try {
    await Deno.mkdir(join(dir, "sub"));
    await Deno.writeTextFile(join(dir, "sub/a.py"), pyDef("moved_a"));
    await settle();
    const text = ["ast", "skeleton", ".", "--persist-cache", "-s", dir];
    assert.equal((await runCli(text, { env: OFF })).code, 0);
    // A rename of the directory leaves the file's inode, size, mtime and ctime as they were.
    await Deno.rename(join(dir, "sub"), join(outside, "sub"));
    await Deno.symlink(join(outside, "sub"), join(dir, "sub"));
    const walked = await runCli(text, { env: OFF });
    assert.equal(walked.code, 0, walked.stderr);
    assert.doesNotMatch(walked.stdout, /moved_a/);
    assert.match(walked.stdout, /^skipped: sub \(symlink_outside_segment\)$/m);
    for (const named of ["sub/a.py", "sub"]) {
      const r = await runCli(["ast", "skeleton", named, "--persist-cache", "-s", dir], {
        env: OFF,
      });
      assert.doesNotMatch(r.stdout, /moved_a/, named);
      assert.match(r.stdout + r.stderr, /PATH_OUTSIDE_SEGMENT/, named);
    }
  } finally {
    await removeSegment(dir);
    await Deno.remove(outside, { recursive: true });
  }
});
