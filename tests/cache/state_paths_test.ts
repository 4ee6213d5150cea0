/**
 * lib/safe_dir.ts: trifecta's state directories and files in a segment are
 * checked before use (the LSP daemon's marker and the cache lock go through
 * it). Real directories, real symlinks, a real FIFO.
 */
import assert from "node:assert/strict";
import {
  checkStateDir,
  checkStateFile,
  openStateFile,
  STATE_PATH_UNSAFE_CODE,
  writeStateFile,
} from "../../lib/safe_dir.ts";
import { TrifectaError } from "../../lib/errors.ts";
import { runCli } from "../e2e/helpers.ts";

async function withDirs(
  fn: (seg: string, outside: string) => void | Promise<void>,
): Promise<void> {
  const base = await Deno.makeTempDir({ prefix: "trifecta-state-" });
  try {
    await Deno.mkdir(`${base}/seg`);
    await Deno.mkdir(`${base}/outside`);
    await fn(`${base}/seg`, `${base}/outside`);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
}

function isUnsafe(err: unknown): boolean {
  return err instanceof TrifectaError && err.code === STATE_PATH_UNSAFE_CODE;
}

Deno.test("state paths: the daemon marker is never written through a symlinked .trifecta", async () => {
  await withDirs(async (seg, outside) => {
    await Deno.symlink(outside, `${seg}/.trifecta`);
    await assert.rejects(
      () => writeStateFile(seg, ".trifecta/lsp_daemon.json", "{}\n"),
      isUnsafe,
    );
    assert.deepEqual([...Deno.readDirSync(outside)], []);
  });
});

Deno.test("state paths: a marker planted as a symlink is replaced, its target left unchanged", async () => {
  await withDirs(async (seg, outside) => {
    await Deno.mkdir(`${seg}/.trifecta`);
    await Deno.writeTextFile(`${outside}/victim`, "precious");
    await Deno.symlink(`${outside}/victim`, `${seg}/.trifecta/lsp_daemon.json`);
    await writeStateFile(seg, ".trifecta/lsp_daemon.json", '{"pid":1}\n');
    assert.equal(await Deno.readTextFile(`${outside}/victim`), "precious");
    const info = await Deno.lstat(`${seg}/.trifecta/lsp_daemon.json`);
    assert.ok(info.isFile && !info.isSymlink);
    assert.equal(await Deno.readTextFile(`${seg}/.trifecta/lsp_daemon.json`), '{"pid":1}\n');
    assert.deepEqual(
      [...Deno.readDirSync(`${seg}/.trifecta`)].map((e) => e.name),
      ["lsp_daemon.json"],
      "no temp file left",
    );
  });
});

Deno.test("state paths: missing directories are created as real directories, one level at a time", async () => {
  await withDirs((seg) => {
    assert.deepEqual(checkStateDir(seg, ".trifecta/cache"), { kind: "missing" });
    assert.deepEqual(checkStateDir(seg, ".trifecta/cache", { create: true }), { kind: "ok" });
    assert.ok(Deno.lstatSync(`${seg}/.trifecta/cache`).isDirectory);
  });
});

Deno.test("state paths: a symlink or file on the way is named, not followed", async () => {
  await withDirs(async (seg, outside) => {
    await Deno.mkdir(`${seg}/.trifecta`);
    await Deno.symlink(outside, `${seg}/.trifecta/cache`);
    assert.deepEqual(checkStateDir(seg, ".trifecta/cache", { create: true }), {
      kind: "unsafe",
      unsafe: { rel: ".trifecta/cache", why: "symlink" },
    });
    await Deno.remove(`${seg}/.trifecta/cache`);
    await Deno.writeTextFile(`${seg}/.trifecta/cache`, "x");
    assert.deepEqual(checkStateDir(seg, ".trifecta/cache", { create: true }), {
      kind: "unsafe",
      unsafe: { rel: ".trifecta/cache", why: "not_a_directory" },
    });
  });
});

Deno.test("state paths: a lock file that is a symlink, FIFO or hard link is refused; a missing one is created", async () => {
  await withDirs(async (seg, outside) => {
    await Deno.writeTextFile(`${outside}/victim`, "precious");
    await Deno.symlink(`${outside}/victim`, `${seg}/link.lock`);
    assert.throws(() => openStateFile(`${seg}/link.lock`), isUnsafe);
    await Deno.link(`${outside}/victim`, `${seg}/hard.lock`);
    assert.throws(() => openStateFile(`${seg}/hard.lock`), isUnsafe);
    assert.equal(checkStateFile(`${seg}/hard.lock`)?.why, "hard_linked");
    const mk = await new Deno.Command("mkfifo", { args: [`${seg}/fifo.lock`] }).output();
    assert.equal(mk.code, 0);
    assert.throws(() => openStateFile(`${seg}/fifo.lock`), isUnsafe);
    assert.equal(await Deno.readTextFile(`${outside}/victim`), "precious");
    const f = openStateFile(`${seg}/new.lock`);
    f.close();
    assert.ok(Deno.lstatSync(`${seg}/new.lock`).isFile);
  });
});

Deno.test("state paths: lsp daemon start with .trifecta linked outside writes no marker there", async () => {
  await withDirs(async (seg, outside) => {
    await Deno.writeTextFile(`${seg}/a.py`, "x = 1\n");
    await Deno.symlink(outside, `${seg}/.trifecta`);
    try {
      const r = await runCli(["lsp", "daemon", "start", "-s", seg]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual([...Deno.readDirSync(outside)].map((e) => e.name), []);
    } finally {
      const stop = await runCli(["lsp", "daemon", "stop", "-s", seg]);
      assert.equal(stop.code, 0, stop.stderr);
    }
    assert.deepEqual([...Deno.readDirSync(outside)].map((e) => e.name), []);
  });
});
