import assert from "node:assert/strict";
import { acquireLock, acquireLockSync, tryLock } from "../lib/file_lock.ts";

const LOCK_MODULE = new URL("../lib/file_lock.ts", import.meta.url).href;

/** Open `path` for locking (the helper leaves opening to its caller). */
function open(path: string): Deno.FsFile {
  return Deno.openSync(path, { read: true, write: true, create: true });
}

/** Whether `file` has been closed (any use of a closed file is `BadResource`). */
function isClosed(file: Deno.FsFile): boolean {
  try {
    file.statSync();
    return false;
  } catch (err) {
    if (err instanceof Deno.errors.BadResource) return true;
    throw err;
  }
}

/**
 * A second Deno process that takes the lock on `path` through the helper,
 * prints `locked`, and releases it (printing `released`) when it reads a byte
 * on stdin or stdin closes.
 */
class Holder {
  readonly #child: Deno.ChildProcess;
  readonly #out: ReadableStreamDefaultReader<string>;
  readonly #stdin: WritableStreamDefaultWriter<Uint8Array>;
  #buffer = "";

  constructor(path: string) {
    const code = [
      `import { acquireLockSync } from ${JSON.stringify(LOCK_MODULE)};`,
      `const file = Deno.openSync(${JSON.stringify(path)}, { read: true, write: true });`,
      `const attempt = acquireLockSync(file, { waitMs: 10_000 });`,
      `if (!attempt.ok) Deno.exit(3);`,
      `console.log("locked");`,
      `await Deno.stdin.read(new Uint8Array(1));`,
      `attempt.lock.release();`,
      `console.log("released");`,
    ].join("\n");
    this.#child = new Deno.Command(Deno.execPath(), {
      args: ["eval", "--quiet", code],
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    this.#out = this.#child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    this.#stdin = this.#child.stdin.getWriter();
  }

  /** Wait for the next line the holder prints (throws when it exits first). */
  async line(): Promise<string> {
    for (;;) {
      const end = this.#buffer.indexOf("\n");
      if (end >= 0) {
        const line = this.#buffer.slice(0, end);
        this.#buffer = this.#buffer.slice(end + 1);
        return line;
      }
      const { value, done } = await this.#out.read();
      if (done) throw new Error(`holder exited before printing a line (${this.#buffer})`);
      this.#buffer += value;
    }
  }

  /** Ask the holder to release, and wait until it says it did. */
  async release(): Promise<void> {
    await this.#stdin.write(new Uint8Array([10]));
    assert.equal(await this.line(), "released");
  }

  /** Kill the holder without letting it release. */
  async kill(): Promise<Deno.CommandStatus> {
    this.#child.kill("SIGKILL");
    return await this.#child.status;
  }

  /** Close the pipes and wait for the process (after `release` or `kill`). */
  async close(): Promise<void> {
    await this.#stdin.close();
    await this.#out.cancel();
    await this.#child.status;
  }
}

/** Run `fn` with a temp lock file and a holder process that holds it. */
async function withHolder(fn: (path: string, holder: Holder) => Promise<void>): Promise<void> {
  const dir = Deno.makeTempDirSync({ prefix: "trifecta_lock_" });
  const path = `${dir}/test.lock`;
  Deno.writeTextFileSync(path, "");
  const holder = new Holder(path);
  try {
    assert.equal(await holder.line(), "locked");
    await fn(path, holder);
  } finally {
    await holder.close();
    Deno.removeSync(dir, { recursive: true });
  }
}

Deno.test("file lock: a lock held by another process is refused, and a waiter gets it only after the holder releases", async () => {
  await withHolder(async (path, holder) => {
    assert.equal(tryLock(open(path)), undefined);
    let signalled = false;
    const waiter = acquireLock(open(path), { waitMs: 30_000 }).then((attempt) => ({
      attempt,
      signalled,
    }));
    // Give a broken lock the chance to be taken while the holder still has it.
    await new Promise((r) => setTimeout(r, 200));
    signalled = true;
    await holder.release();
    const { attempt, signalled: afterSignal } = await waiter;
    assert.ok(attempt.ok);
    assert.ok(afterSignal, "the waiter took the lock while the other process held it");
    attempt.lock.release();
  });
});

Deno.test("file lock: a timeout reports { ok: false, reason: 'timeout' } and closes the file (sync and async)", async () => {
  await withHolder(async (path) => {
    const syncFile = open(path);
    const syncAttempt = acquireLockSync(syncFile, { waitMs: 30 });
    assert.equal(syncAttempt.ok, false);
    assert.equal(!syncAttempt.ok && syncAttempt.reason, "timeout");
    assert.ok(isClosed(syncFile), "the sync attempt left the file open");

    const asyncFile = open(path);
    const asyncAttempt = await acquireLock(asyncFile, { waitMs: 30 });
    assert.equal(asyncAttempt.ok, false);
    assert.equal(!asyncAttempt.ok && asyncAttempt.reason, "timeout");
    assert.ok(isClosed(asyncFile), "the async attempt left the file open");

    const once = open(path);
    assert.equal(tryLock(once), undefined);
    assert.ok(isClosed(once), "a busy tryLock left the file open");
  });
});

Deno.test("file lock: release is idempotent, closes the file, and frees the lock", () => {
  const path = Deno.makeTempFileSync({ prefix: "trifecta_lock_" });
  try {
    const file = open(path);
    const first = acquireLockSync(file, { waitMs: 0 });
    assert.ok(first.ok);
    // flock is per open file: a second open in this process contends too.
    assert.equal(tryLock(open(path)), undefined);
    first.lock.release();
    first.lock.release();
    assert.ok(isClosed(file), "release left the file open");
    const again = tryLock(open(path));
    assert.ok(again, "the lock was not freed by release");
    again.release();
    again.release();
  } finally {
    Deno.removeSync(path);
  }
});

Deno.test("file lock: a killed holder frees the lock (the kernel releases it)", async () => {
  await withHolder(async (path, holder) => {
    assert.equal(tryLock(open(path)), undefined);
    const status = await holder.kill();
    assert.equal(status.success, false);
    const attempt = acquireLockSync(open(path), { waitMs: 5_000 });
    assert.ok(attempt.ok, "the lock of a killed process was never freed");
    attempt.lock.release();
  });
});
