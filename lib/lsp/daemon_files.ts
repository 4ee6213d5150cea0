/**
 * The files of a segment's daemon: the lock that makes it a singleton, the
 * state file in the runtime directory (pid, server pid, socket), and the
 * marker in the segment's `.trifecta/` that tells a CLI call without the
 * runtime directory's grants that a daemon runs. Read the state file only
 * for a runtime directory that passed the ownership check
 * (lib/lsp/daemon_trust.ts).
 *
 * @module
 */
import { join } from "../path.ts";
import { checkStateDir, STATE_PATH_UNSAFE_CODE, writeStateFile } from "../safe_dir.ts";
import { TrifectaError } from "../errors.ts";
import type { DaemonPaths } from "./daemon_paths.ts";
import { DAEMON_MARKER, type DaemonMarker } from "./daemon_trust.ts";

/** What the state file holds. */
export interface DaemonStateFile {
  /** Daemon pid. */
  pid: number;
  /** Language-server pid, once spawned. */
  server_pid: number | null;
  /** Every language server's pid (one per family; absent in older files). */
  server_pids?: number[];
  /** ISO start time. */
  started_at: string;
  /** Idle TTL in seconds. */
  ttl_s: number;
  /** Segment id. */
  segment_id: string;
  /** The socket path. */
  socket: string;
  /** True once the socket listens. */
  listening: boolean;
}

/** Largest state file read (bytes): anything bigger was not written by a daemon. */
const MAX_STATE_BYTES = 64 * 1024;

/** Remove a file; one that is already gone is fine. */
export async function removeIfExists(path: string): Promise<void> {
  try {
    await Deno.remove(path);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
}

/**
 * Take the segment's lock. Returns the open, locked file, or undefined when
 * another daemon holds it. Checks that the path still names the locked file
 * (a stopping daemon removes it), and retries once if not.
 *
 * @example
 * ```ts
 * import { equal, ok } from "node:assert/strict";
 * import { acquireDaemonLock, releaseLockFile } from "./daemon_files.ts";
 * import { daemonPaths } from "./daemon_paths.ts";
 * const dir = await Deno.makeTempDir();
 * const paths = daemonPaths(dir, (name) => name === "XDG_RUNTIME_DIR" ? dir : undefined);
 * await Deno.mkdir(paths.dir, { recursive: true, mode: 0o700 });
 * const lock = await acquireDaemonLock(paths);
 * ok(lock);
 * equal(await acquireDaemonLock(paths), undefined); // held: a second daemon stays out
 * releaseLockFile(paths.lock, lock);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function acquireDaemonLock(paths: DaemonPaths): Promise<Deno.FsFile | undefined> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const file = await Deno.open(paths.lock, {
      read: true,
      write: true,
      create: true,
      mode: 0o600,
    });
    if (!(await file.tryLock(true))) {
      file.close();
      return undefined;
    }
    // The lock file may have been removed by a stopping daemon between open and
    // lock: then this lock guards nothing and the loop tries again.
    const [held, named] = await Promise.all([
      file.stat(),
      Deno.stat(paths.lock).catch((err: unknown) => {
        if (err instanceof Deno.errors.NotFound) return null;
        throw err;
      }),
    ]);
    if (named && named.ino === held.ino) return file;
    file.close();
  }
  return undefined;
}

/** Remove the lock file, then release the lock (a waiter sees either). */
export function releaseLockFile(path: string, lock: Deno.FsFile): void {
  try {
    Deno.removeSync(path);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  } finally {
    lock.close();
  }
}

/** Write the state file whole (a temp file renamed over it: a reader never sees half). */
export async function writeDaemonState(paths: DaemonPaths, state: DaemonStateFile): Promise<void> {
  const tmp = `${paths.state}.${Deno.pid}.tmp`;
  await Deno.writeTextFile(tmp, JSON.stringify(state) + "\n", { mode: 0o600 });
  await Deno.rename(tmp, paths.state);
}

/** The daemon's state file (call for a trusted runtime directory only). */
export async function readDaemonState(paths: DaemonPaths): Promise<DaemonStateFile | undefined> {
  try {
    const info = await Deno.lstat(paths.state);
    if (!info.isFile || info.size > MAX_STATE_BYTES) return undefined;
    const parsed = JSON.parse(await Deno.readTextFile(paths.state)) as unknown;
    return parsed && typeof parsed === "object" ? parsed as DaemonStateFile : undefined;
  } catch (err) {
    // Gone (the daemon ended) or half-written by something else: no state.
    if (err instanceof Deno.errors.NotFound || err instanceof SyntaxError) return undefined;
    throw err;
  }
}

/**
 * Leave a marker in the segment's `.trifecta/`, so a CLI call without the
 * grants for the runtime directory can tell that a daemon runs and name
 * the flags (`daemon_not_granted`) instead of answering silently without it.
 */
export async function writeDaemonMarker(root: string, paths: DaemonPaths): Promise<void> {
  const marker: DaemonMarker = { key: paths.key, pid: Deno.pid };
  try {
    // Checked write: never through a symlinked `.trifecta` or marker
    // (lib/safe_dir.ts), which would land outside the segment.
    await writeStateFile(root, DAEMON_MARKER, JSON.stringify(marker) + "\n");
  } catch (err) {
    // Without write access to .trifecta, or with an unsafe one, the hint
    // is lost, nothing else.
    if (
      !(err instanceof Deno.errors.NotCapable || err instanceof Deno.errors.PermissionDenied ||
        (err as { code?: string }).code === "EROFS" ||
        (err instanceof TrifectaError && err.code === STATE_PATH_UNSAFE_CODE))
    ) throw err;
  }
}

/** Remove the segment's daemon marker when it is this daemon's. */
export async function removeDaemonMarker(root: string, paths: DaemonPaths): Promise<void> {
  const path = join(root, DAEMON_MARKER);
  try {
    // `.trifecta` may have become a link out of the segment: never follow it.
    if (checkStateDir(root, ".trifecta").kind !== "ok") return;
    const info = await Deno.lstat(path);
    if (!info.isFile || info.size > 4096) return;
    const marker = JSON.parse(await Deno.readTextFile(path)) as Partial<DaemonMarker>;
    if (marker.key === paths.key && marker.pid === Deno.pid) await Deno.remove(path);
  } catch (err) {
    // Gone, replaced, or never written (no write access): nothing to remove.
    if (
      !(err instanceof Deno.errors.NotFound || err instanceof SyntaxError ||
        err instanceof Deno.errors.NotCapable || err instanceof Deno.errors.PermissionDenied)
    ) throw err;
  }
}
