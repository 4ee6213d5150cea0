/**
 * End to end: `ctx build|search|get|validate|sync|stats` through the real
 * CLI on a hostile segment built inside each test (symlinks out and onto
 * denied files, denied names, key blocks, secrets in content and names,
 * FIFOs, binaries, invalid UTF-8 names, paths past PATH_MAX), on corrupt
 * packs and indexes, on a tiny tmpfs and a read-only mount. After each: the
 * documented exit and error codes, and no marker of a refused file in
 * `_ctx/`, `.trifecta/`, stdout or stderr.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { CLI_FLAGS, type CliResult, removeSegment, runCli } from "./helpers.ts";

const MARKERS = [
  "MARKER_DOTENV",
  "MARKER_GITCFG",
  "MARKER_OUTSIDE",
  "MARKER_ENVPROD",
  "MARKER_KEYFILE",
  "MARKERKEYBLOCK",
  "MARKER_FIFO",
  "AKIAIOSFODNN7EXAMPLE",
  "ghp_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ",
  "AKIAIOSFODNN7EXAMPLF",
];

const AWS_ID = "AKIAIOSFODNN7EXAMPLE";
const GH_TOKEN = "ghp_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ";

/** Run `sql` on the database at `path` (in place: same inode, the stamp holds). */
function sqlEdit(path: string, sql: string): void {
  const db = new DatabaseSync(path);
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}

/** The chunks of the pack of `seg`, read straight from its database. */
function chunkRows(seg: string): { id: string; source_path: string; kind: string }[] {
  const db = new DatabaseSync(join(seg, "_ctx/context_pack.db"), { readOnly: true });
  try {
    return db.prepare("SELECT id, path AS source_path, kind FROM chunks ORDER BY rowid")
      .all() as { id: string; source_path: string; kind: string }[];
  } finally {
    db.close();
  }
}

/** The pack database's bytes as text (to look for what must not be in it). */
async function packBytes(seg: string): Promise<string> {
  return new TextDecoder("latin1").decode(await Deno.readFile(join(seg, "_ctx/context_pack.db")));
}

function sh(script: string, cwd: string): void {
  const out = new Deno.Command("bash", { args: ["-c", script], cwd, stderr: "piped" }).outputSync();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
}

/** A segment holding every hostile entry, and a directory outside it. */
async function hostileSegment(): Promise<{ seg: string; outside: string }> {
  const seg = await Deno.makeTempDir({ prefix: "trifecta-hostile-" });
  const outside = await Deno.makeTempDir({ prefix: "trifecta-outside-" });
  await Deno.writeTextFile(join(outside, "hostname.md"), "# host\nMARKER_OUTSIDE\n");
  await Deno.writeTextFile(join(outside, "module.py"), "def leaked():\n    'MARKER_OUTSIDE'\n");
  const files: Record<string, string> = {
    "README.md": "# Demo\nA small project.\n",
    ".env": "AWS_SECRET_ACCESS_KEY=MARKER_DOTENV\n",
    ".git/config": '[remote "origin"]\n\turl = https://user:MARKER_GITCFG@example.com/r.git\n',
    ".env-prod.py": 'X = "MARKER_ENVPROD"\n',
    ".env_local.py": 'X = "MARKER_ENVPROD"\n',
    ".env_secrets.yaml": "x: MARKER_ENVPROD\n",
    "id_rsa_backup.py": 'K = "MARKER_KEYFILE"\n',
    "id_rsa.txt":
      "-----BEGIN RSA PRIVATE KEY-----\nMIIBMARKER_KEYFILE\n-----END RSA PRIVATE KEY-----\n",
    "docs/notes.md":
      // Key material is base64: the marker is written as base64 would be.
      "# Notes\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAMARKERKEYBLOCK\n" +
      "-----END OPENSSH PRIVATE KEY-----\n",
    "src/settings.py": `AWS_KEY = "${AWS_ID}"\nGITHUB = "${GH_TOKEN}"\n\n` +
      "def connect():\n    return AWS_KEY\n",
    [`docs/${"AKIAIOSFODNN7EXAMPLF"}_notes.md`]: "# named after a key\n",
  };
  for (const [rel, text] of Object.entries(files)) {
    await Deno.mkdir(join(seg, rel, ".."), { recursive: true });
    await Deno.writeTextFile(join(seg, rel), text);
  }
  await Deno.writeFile(join(seg, "src/blob.py"), new Uint8Array([0x78, 0, 0x79, 0x0a]));
  await Deno.symlink(".env", join(seg, "envlink.py"));
  await Deno.symlink(".git/config", join(seg, "gitcfg.toml"));
  await Deno.symlink(join(outside, "hostname.md"), join(seg, "AGENTS.md"));
  await Deno.symlink(join(outside, "module.py"), join(seg, "src/outside_mod.py"));
  await Deno.symlink(outside, join(seg, "linked_dir"));
  sh(
    [
      "mkfifo src/pipe.md",
      // A file name that is not UTF-8.
      "printf 'x = 1\\n' > src/bad$'\\xff'name.py",
      // A path past PATH_MAX (4096), made one relative step at a time.
      'd=$(printf "d%.0s" $(seq 240)); (for i in $(seq 18); do mkdir "$d" && cd "$d"; done; echo "# deep" > deep.md)',
    ].join("\n"),
    seg,
  );
  return { seg, outside };
}

/** Every byte trifecta wrote into the segment, as text (binary files included). */
async function written(seg: string): Promise<string> {
  let all = "";
  for (const top of ["_ctx", ".trifecta"]) {
    const walk = async (dir: string): Promise<void> => {
      let entries: Deno.DirEntry[];
      try {
        entries = [...Deno.readDirSync(dir)];
      } catch (err) {
        if (err instanceof Deno.errors.NotFound) return;
        throw err;
      }
      for (const e of entries) {
        const p = join(dir, e.name);
        if (e.isDirectory) await walk(p);
        else if (e.isFile) all += new TextDecoder("latin1").decode(await Deno.readFile(p));
      }
    };
    await walk(join(seg, top));
  }
  return all;
}

function assertNoMarker(where: string, text: string): void {
  for (const m of MARKERS) assert.ok(!text.includes(m), `${m} leaked into ${where}`);
}

async function assertClean(seg: string, ...runs: CliResult[]): Promise<void> {
  for (const r of runs) {
    assertNoMarker("stdout", r.stdout);
    assertNoMarker("stderr", r.stderr);
  }
  assertNoMarker("_ctx/ or .trifecta/", await written(seg));
}

function json(r: CliResult): Record<string, unknown> {
  return JSON.parse(r.stdout);
}

async function cleanup(seg: string, outside?: string): Promise<void> {
  // The deep tree is past PATH_MAX for Deno.remove: rm walks it relatively.
  sh(`rm -rf ${JSON.stringify(seg)}/d* 2>/dev/null || true`, "/");
  await removeSegment(seg);
  if (outside) await Deno.remove(outside, { recursive: true });
}

for (const [label, flags] of [["narrow flags", undefined], ["-A", CLI_FLAGS]] as const) {
  Deno.test(`ctx build over a hostile segment (${label}) skips each refused entry by name, masks secrets, leaks nothing`, async () => {
    const { seg, outside } = await hostileSegment();
    try {
      const opts = flags ? { flags } : {};
      const build = await runCli(["ctx", "build", "-s", seg, "--json"], opts);
      assert.equal(build.code, 0, build.stderr);
      const r = json(build);
      const by = r.skipped_by_reason as Record<string, number>;
      assert.ok((by.denied ?? 0) >= 6, JSON.stringify(r.skipped)); // .env*, id_rsa* (.git/ is not entered)
      assert.ok((by.symlink_outside_segment ?? 0) >= 2, JSON.stringify(by)); // AGENTS.md, outside_mod.py
      assert.ok((by.symlink_to_denied ?? 0) >= 2, JSON.stringify(by)); // envlink.py, gitcfg.toml
      assert.equal(by.private_key_content, 1, JSON.stringify(by));
      assert.equal(by.secret_in_name, 1, JSON.stringify(by));
      assert.equal(by.binary, 1, JSON.stringify(by));
      assert.equal(by.not_regular_file, 1, JSON.stringify(by));
      assert.equal(by.invalid_name, 1, JSON.stringify(by));
      assert.equal(by.path_too_long, 1, JSON.stringify(by));
      const secrets = r.secrets as { by_rule: Record<string, number>; files: number };
      assert.deepEqual(secrets.by_rule, { "aws-access-key-id": 1, "github-token": 1 });
      assert.equal(secrets.files, 1);

      const text = await runCli(["ctx", "build", "-s", seg], opts);
      assert.equal(text.code, 0, text.stderr);
      assert.match(text.stdout, /skipped \d+ file\(s\): .*symlink_outside_segment/);
      assert.match(
        text.stdout,
        /secrets: 2 in 1 file\(s\) \(aws-access-key-id 1, github-token 1\), masked/,
      );

      const header = chunkRows(seg).find((c) =>
        c.source_path === "src/settings.py" && c.kind === "header"
      );
      assert.ok(header, "a header chunk of src/settings.py");
      const get = await runCli(["ctx", "get", "-s", seg, "-i", header.id, "-m", "raw"], opts);
      assert.equal(get.code, 0, get.stderr);
      assert.match(get.stdout, /AWS_KEY = "<SECRET_REDACTED:aws-access-key-id>"/);
      assert.match(get.stdout, /GITHUB = "<SECRET_REDACTED:github-token>"/);
      const search = await runCli(["ctx", "search", "-s", seg, "-q", "connect settings"], opts);
      assert.equal(search.code, 0, search.stderr);
      const validate = await runCli(["ctx", "validate", "-s", seg], opts);
      assert.equal(validate.code, 0, validate.stdout);
      await assertClean(seg, build, text, get, search, validate);
      assert.equal(
        await Deno.readTextFile(join(outside, "hostname.md")),
        "# host\nMARKER_OUTSIDE\n",
        "the outside file is untouched",
      );
    } finally {
      await cleanup(seg, outside);
    }
  });
}

Deno.test("TRIFECTA_SECRET_FILES=exclude leaves a file with a secret out of the pack whole", async () => {
  const { seg, outside } = await hostileSegment();
  try {
    const build = await runCli(["ctx", "build", "-s", seg, "--json"], {
      env: { TRIFECTA_SECRET_FILES: "exclude" },
    });
    assert.equal(build.code, 0, build.stderr);
    const r = json(build);
    assert.equal((r.skipped_by_reason as Record<string, number>).secret_excluded, 1);
    assert.equal((r.secrets as { mode: string }).mode, "exclude");
    const pack = await packBytes(seg);
    assert.ok(!pack.includes("src/settings.py"), "settings.py is not in the pack at all");
    assert.ok(!pack.includes("SECRET_REDACTED"), "nothing masked: the file is out");
    await assertClean(seg, build);
  } finally {
    await cleanup(seg, outside);
  }
});

function errorCode(r: CliResult): string {
  return String(json(r).error_code ?? (json(r).error_codes as string[] | undefined)?.[0]);
}

async function builtExample(): Promise<string> {
  const seg = await Deno.makeTempDir({ prefix: "trifecta-corrupt-" });
  await Deno.mkdir(join(seg, "src"));
  await Deno.writeTextFile(join(seg, "README.md"), "# Demo\nInventory and restocking.\n");
  await Deno.writeTextFile(
    join(seg, "src/stock.py"),
    Array.from({ length: 300 }, (_, i) => `def restock_${i}(n):\n    return n + ${i}\n\n`).join(""),
  );
  const b = await runCli(["ctx", "build", "-s", seg]);
  assert.equal(b.code, 0, b.stderr);
  return seg;
}

/** `piiScan: false` for a segment whose `_ctx/` the test planted (see runCli). */
/** The answers of the four read commands over one segment. */
type ReadOps = { search: CliResult; get: CliResult; validate: CliResult; stats: CliResult };

async function readOps(seg: string, piiScan = true): Promise<ReadOps> {
  const o = { piiScan };
  return {
    search: await runCli(["ctx", "search", "-s", seg, "-q", "restock", "--json"], o),
    get: await runCli(["ctx", "get", "-s", seg, "-i", "doc:README.md:0000000000", "--json"], o),
    validate: await runCli(["ctx", "validate", "-s", seg, "--json"], o),
    stats: await runCli(["ctx", "stats", "-s", seg, "--json"], o),
  };
}

function assertNamed(ops: ReadOps, expected: Partial<Record<keyof ReadOps, string>>): void {
  for (const op of ["search", "get", "validate", "stats"] as const) {
    const code = expected[op];
    if (code === undefined) continue;
    const r = ops[op];
    assert.equal(r.code, 1, `${op}: exit 1 (${r.stdout} ${r.stderr})`);
    assert.equal(errorCode(r), code, `${op}: ${r.stdout}`);
    assert.ok(!/INTERNAL_ERROR|\n\s+at /.test(r.stdout + r.stderr), `${op}: no crash`);
  }
  assert.equal(ops.stats.code, 0, "stats reads telemetry, not the pack");
}

Deno.test("corrupt packs: a directory, a chunk of no kind, 1 GiB — named errors, then sync rebuilds", async () => {
  const seg = await builtExample();
  const pack = join(seg, "_ctx/context_pack.db");
  try {
    sqlEdit(pack, "UPDATE chunks SET kind = 'nonsense'");
    // get reads only the rows it is asked for (here an id not in the pack):
    // it answers, naming the id missing; the others read every row.
    const ops = await readOps(seg);
    assertNamed(ops, { search: "PACK_CORRUPT", validate: "PACK_CORRUPT" });
    assert.equal(ops.get.code, 0, ops.get.stdout);

    await Deno.remove(pack);
    await Deno.mkdir(pack);
    assertNamed(await readOps(seg), {
      search: "PACK_CORRUPT",
      get: "PACK_CORRUPT",
      validate: "PACK_CORRUPT",
    });
    const sync = await runCli(["ctx", "sync", "-s", seg, "--json"]);
    assert.equal(sync.code, 0, sync.stdout + sync.stderr);
    assert.equal((await runCli(["ctx", "search", "-s", seg, "-q", "restock"])).code, 0);

    // Sparse: no disk used; a reader that loaded it whole would need 1 GiB.
    const f = await Deno.open(pack, { write: true });
    await f.truncate(1024 ** 3);
    f.close();
    assertNamed(await readOps(seg), {
      search: "PACK_TOO_LARGE",
      get: "PACK_TOO_LARGE",
      validate: "PACK_TOO_LARGE",
    });
    assert.equal((await runCli(["ctx", "build", "-s", seg])).code, 0);
    assert.equal((await runCli(["ctx", "validate", "-s", seg])).code, 0);
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("8 KiB of garbage in the index: validate fails with INDEX_CORRUPT, search names it, build repairs", async () => {
  const seg = await builtExample();
  // The index is inside the pack's database since issue 16.
  const index = join(seg, "_ctx/context_pack.db");
  try {
    const size = (await Deno.stat(index)).size;
    const f = await Deno.open(index, { read: true, write: true });
    await f.seek(Math.floor(size / 2 / 4096) * 4096, Deno.SeekMode.Start);
    await f.write(new Uint8Array(8192).fill(0x5a));
    await f.seek(4096, Deno.SeekMode.Start);
    await f.write(new Uint8Array(8192).fill(0x5a));
    f.close();
    const validate = await runCli(["ctx", "validate", "-s", seg, "--json"]);
    assert.equal(validate.code, 1);
    assert.ok((json(validate).error_codes as string[]).includes("INDEX_CORRUPT"), validate.stdout);
    const search = await runCli(["ctx", "search", "-s", seg, "-q", "restock", "--json"]);
    assert.equal(search.code, 1);
    assert.equal(errorCode(search), "INDEX_CORRUPT");
    const sync = await runCli(["ctx", "sync", "-s", seg]);
    assert.equal(sync.code, 0, sync.stdout);
  } finally {
    await removeSegment(seg);
  }
});

function mount(args: string[]): boolean {
  const out = new Deno.Command("mount", { args, stdout: "null", stderr: "null" }).outputSync();
  return out.success;
}

function umount(path: string): void {
  new Deno.Command("umount", { args: [path], stdout: "null", stderr: "null" }).outputSync();
}

/** Why mounting (tmpfs, bind) is impossible here, or undefined: probed once, at load. */
function cannotMount(): string | undefined {
  if (Deno.build.os !== "linux") return `mount is Linux-only here (${Deno.build.os})`;
  if (Deno.uid() !== 0) return "mount needs root";
  const dir = Deno.makeTempDirSync();
  try {
    if (!mount(["-t", "tmpfs", "-o", "size=64k", "tmpfs", dir])) return "mount -t tmpfs failed";
    umount(dir);
    return undefined;
  } catch (err) {
    // No mount binary, or --allow-run does not cover it: the capability is missing.
    if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotCapable) {
      return err.message;
    }
    throw err;
  } finally {
    Deno.removeSync(dir);
  }
}

const TMPFS_TEST =
  "a build that runs out of space on a tiny tmpfs leaves the previous pack and index untouched";
const READ_ONLY_TEST =
  "a build on a read-only _ctx fails with OUTPUT_NOT_WRITABLE; the pack still answers";
const NO_MOUNT = cannotMount();
const canMount = NO_MOUNT === undefined;
if (!canMount) {
  for (const name of [TMPFS_TEST, READ_ONLY_TEST]) console.log(`SKIPPED ${name}: ${NO_MOUNT}`);
}

Deno.test({
  name: TMPFS_TEST,
  ignore: !canMount,
  fn: async () => {
    const seg = await Deno.makeTempDir({ prefix: "trifecta-tmpfs-" });
    const ctx = join(seg, "_ctx");
    await Deno.mkdir(ctx);
    assert.ok(mount(["-t", "tmpfs", "-o", "size=400k", "tmpfs", ctx]));
    try {
      await Deno.writeTextFile(join(seg, "README.md"), "# Demo\nrestock policy\n");
      const first = await runCli(["ctx", "build", "-s", seg], {
        env: { TRIFECTA_NO_TELEMETRY: "1" },
      });
      assert.equal(first.code, 0, first.stderr);
      const pack = await Deno.readFile(join(ctx, "context_pack.db"));
      // Enough distinct words that the new index cannot fit in what is left.
      await Deno.writeTextFile(
        join(seg, "big.md"),
        Array.from({ length: 30_000 }, (_, i) => `## H${i}\nword${i} term${i * 7}\n`).join(""),
      );
      const failed = await runCli(["ctx", "build", "-s", seg, "--json"], {
        env: { TRIFECTA_NO_TELEMETRY: "1" },
      });
      assert.equal(failed.code, 1, failed.stdout);
      assert.equal(errorCode(failed), "DISK_FULL");
      assert.deepEqual(await Deno.readFile(join(ctx, "context_pack.db")), pack);
      const left = [...Deno.readDirSync(ctx)].filter((e) => /\.(tmp|prev)-/.test(e.name));
      assert.deepEqual(left, [], "temp files removed");
      const search = await runCli(["ctx", "search", "-s", seg, "-q", "restock", "--json"], {
        env: { TRIFECTA_NO_TELEMETRY: "1" },
      });
      assert.equal(search.code, 0, search.stdout);
      assert.ok((json(search).hits as unknown[]).length > 0);
    } finally {
      umount(ctx);
      await removeSegment(seg);
    }
  },
});

Deno.test({
  name: READ_ONLY_TEST,
  ignore: !canMount,
  fn: async () => {
    const seg = await builtExample();
    const ctx = join(seg, "_ctx");
    const pack = await Deno.readFile(join(ctx, "context_pack.db"));
    assert.ok(mount(["--bind", ctx, ctx]));
    try {
      assert.ok(mount(["-o", "remount,ro,bind", ctx]));
      await Deno.writeTextFile(join(seg, "more.md"), "# More\nrestock later\n");
      const build = await runCli(["ctx", "build", "-s", seg, "--json"]);
      assert.equal(build.code, 1, build.stdout);
      assert.equal(errorCode(build), "OUTPUT_NOT_WRITABLE");
      assert.deepEqual(await Deno.readFile(join(ctx, "context_pack.db")), pack);
      const search = await runCli(["ctx", "search", "-s", seg, "-q", "restock", "--json"]);
      assert.equal(search.code, 0, search.stdout + search.stderr);
      const validate = await runCli(["ctx", "validate", "-s", seg]);
      assert.equal(validate.code, 0, validate.stdout);
    } finally {
      umount(ctx);
      await removeSegment(seg);
    }
  },
});

/**
 * A pack crafted the way an attacker ships one: built by trifecta in one
 * segment, copied (a new inode) into another, then edited so its chunks
 * claim `.env` and `.git/config` and an id carries a GitHub token, with
 * `source_files` left as they are so nothing looks stale.
 */
async function shippedPair(): Promise<{ seg: string; donor: string }> {
  const donor = await builtExample();
  const seg = await Deno.makeTempDir({ prefix: "trifecta-shipped-" });
  await Deno.mkdir(join(seg, "src"));
  await Deno.mkdir(join(seg, ".git"));
  await Deno.writeTextFile(join(seg, ".env"), "SHIPPED_ENV_MARKER=1\n");
  await Deno.writeTextFile(join(seg, ".git/config"), "[core]\n SHIPPED_GIT_MARKER\n");
  await Deno.copyFile(join(donor, "README.md"), join(seg, "README.md"));
  await Deno.copyFile(join(donor, "src/stock.py"), join(seg, "src/stock.py"));
  await Deno.mkdir(join(seg, "_ctx"));
  const packRel = "_ctx/context_pack.db";
  await Deno.copyFile(join(donor, packRel), join(seg, packRel));
  sqlEdit(
    join(seg, packRel),
    `INSERT INTO source_files VALUES ('.env', 90, 'x', 0, 1, 1, '/config', X'00');
     INSERT INTO source_files VALUES ('.git/config', 91, 'x', 0, 1, 1, '/config', X'00');
     UPDATE chunks SET path = '.env', title_path = '[".env", "SHIPPED_ENV_MARKER"]' WHERE rowid = 1;
     UPDATE chunks SET path = '.git/config', title_path = '["SHIPPED_GIT_MARKER"]' WHERE rowid = 2;
     UPDATE chunks SET id = 'doc:${GH_TOKEN}.md:0000000000' WHERE rowid = 3;`,
  );
  return { seg, donor };
}

function leaks(r: CliResult): boolean {
  return /SHIPPED_ENV_MARKER|SHIPPED_GIT_MARKER|ghp_/.test(r.stdout + r.stderr);
}

Deno.test("a pack shipped in the repository is PACK_UNTRUSTED for search, get and validate; sync and build rebuild them", async () => {
  const { seg, donor } = await shippedPair();
  try {
    // The planted pack holds a token on purpose: not something trifecta wrote.
    const ops = await readOps(seg, false);
    assertNamed(ops, {
      search: "PACK_UNTRUSTED",
      get: "PACK_UNTRUSTED",
      validate: "PACK_UNTRUSTED",
    });
    for (const r of Object.values(ops)) assert.ok(!leaks(r), r.stdout + r.stderr);
    assert.match(ops.search.stdout + ops.search.stderr, /ctx build|ctx sync/);
    const text = await runCli(["ctx", "validate", "-s", seg], { piiScan: false });
    assert.equal(text.code, 1);
    assert.match(text.stdout, /not trusted/);
    const sync = await runCli(["ctx", "sync", "-s", seg, "--json"]);
    assert.equal(sync.code, 0, sync.stdout + sync.stderr);
    const after = await runCli(["ctx", "search", "-s", seg, "-q", "restock", "--json"]);
    assert.equal(after.code, 0, after.stdout);
    assert.ok((json(after).hits as unknown[]).length > 0);
    assert.ok(!leaks(after), after.stdout);
    // The same shipped pair, then a plain build: the build replaces it.
    await Deno.copyFile(join(donor, "_ctx/context_pack.db"), join(seg, "_ctx/context_pack.db"));
    assert.equal(
      errorCode(await runCli(["ctx", "search", "-s", seg, "-q", "restock", "--json"])),
      "PACK_UNTRUSTED",
    );
    const build = await runCli(["ctx", "build", "-s", seg]);
    assert.equal(build.code, 0, build.stderr);
    assert.equal((await runCli(["ctx", "validate", "-s", seg, "--json"])).code, 0);
  } finally {
    await removeSegment(seg);
    await removeSegment(donor);
  }
});

Deno.test("a pack built here stays trusted across runs: search, get and validate answer without a rebuild", async () => {
  const seg = await builtExample();
  try {
    const before = await Deno.stat(join(seg, "_ctx/context_pack.db"));
    for (let i = 0; i < 2; i++) {
      const ops = await readOps(seg);
      for (const [op, r] of Object.entries(ops)) {
        assert.equal(r.code, 0, `${op}: ${r.stdout} ${r.stderr}`);
      }
    }
    const after = await Deno.stat(join(seg, "_ctx/context_pack.db"));
    assert.equal(after.ino, before.ino, "the pack was not rebuilt");
    assert.equal(after.mtime?.getTime(), before.mtime?.getTime());
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("a pack replaced by a byte-identical copy of itself (a new inode) is PACK_UNTRUSTED", async () => {
  const seg = await builtExample();
  try {
    const path = join(seg, "_ctx/context_pack.db");
    const bytes = await Deno.readFile(path);
    await Deno.remove(path);
    await Deno.writeFile(path, bytes);
    const ops = await readOps(seg);
    assertNamed(ops, {
      search: "PACK_UNTRUSTED",
      get: "PACK_UNTRUSTED",
      validate: "PACK_UNTRUSTED",
    });
  } finally {
    await removeSegment(seg);
  }
});
