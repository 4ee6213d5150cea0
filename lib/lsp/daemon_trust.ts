/**
 * Whether this process may talk to a segment's daemon, checked before
 * anything is sent: the runtime directory is a real directory owned by this
 * user with no group or other permission bits (0700), the socket is a
 * socket owned by this user, the state file (when present) a regular file
 * owned by this user. Anything else is an impostor's or a broken setup:
 * `daemon_untrusted`, and the socket is never contacted (a fake daemon in a
 * foreign directory would see the queries and could answer anything).
 *
 * When this process lacks the grants to check or to connect (read of the
 * runtime directory, `--allow-sys=uid`, `--allow-net=unix:<socket>`) but a
 * daemon is known to run (its socket is there, or its marker in the
 * segment's `.trifecta/` names this segment), the verdict is
 * `daemon_not_granted` with the flags to add.
 *
 * @module
 */
import { join } from "../path.ts";
import { checkStateDir, lstatOrUndefined } from "../safe_dir.ts";
import type { DaemonPaths } from "./daemon_paths.ts";

/** The marker a running daemon leaves in `<segment>/.trifecta/`. */
export const DAEMON_MARKER = join(".trifecta", "lsp_daemon.json");

/** What the marker holds: the daemon's key (so a copied segment does not match) and pid. */
export interface DaemonMarker {
  /** The daemon paths key (first 16 hex of sha256 of the segment's real path). */
  key: string;
  /** Daemon pid. */
  pid: number;
}

/** The outcome of {@linkcode inspectDaemon}. */
export type DaemonTrust =
  /** No daemon for this segment (as far as this process can tell). */
  | { kind: "absent" }
  /** Safe to connect. */
  | { kind: "trusted" }
  /** Refused: never contacted. */
  | { kind: "untrusted"; detail: string }
  /** A daemon runs, but this process may not check or reach it. */
  | { kind: "not_granted"; flags: string[]; detail: string };

/** Permission and ownership facts used by {@linkcode inspectDaemon}. */
export interface TrustOptions {
  /** The segment root (real path), for the marker. */
  root: string;
  /**
   * True when the daemon's lock is held; asked only when the socket may not
   * be reached (a dead daemon's socket then counts as absent).
   */
  lockHeld?: (paths: DaemonPaths) => boolean;
}

function granted(desc: Deno.PermissionDescriptor): boolean {
  return Deno.permissions.querySync(desc).state === "granted";
}

/** True when the segment's `.trifecta/` holds this daemon's marker. */
function markerNamesThis(root: string, key: string): boolean {
  if (!root.startsWith("/")) return false;
  const path = join(root, DAEMON_MARKER);
  if (!granted({ name: "read", path })) return false;
  try {
    // `.trifecta` itself may be a link out of the segment: never read through it.
    if (checkStateDir(root, ".trifecta").kind !== "ok") return false;
    const info = Deno.lstatSync(path);
    // Small regular files only: a hostile segment may put anything here.
    if (!info.isFile || info.size > 4096) return false;
    const marker = JSON.parse(Deno.readTextFileSync(path)) as Partial<DaemonMarker>;
    return marker?.key === key;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound || err instanceof SyntaxError) return false;
    if (err instanceof Deno.errors.PermissionDenied) return false;
    throw err;
  }
}

/** The owner/mode problem of a runtime directory, or undefined when it is private to `me`. */
export function runtimeDirProblem(info: Deno.FileInfo, me: number): string | undefined {
  if (info.isSymlink) return "is a symlink";
  if (!info.isDirectory) return "is not a directory";
  if (info.uid !== null && info.uid !== me) return `is owned by uid ${info.uid}, not ${me}`;
  if (info.mode !== null && (info.mode & 0o077) !== 0) {
    return `has mode ${(info.mode & 0o777).toString(8)}, not 700`;
  }
  return undefined;
}

/**
 * Check the daemon's files before talking to it (see the module doc).
 * Never opens, connects or reads anything in an untrusted directory.
 */
export function inspectDaemon(paths: DaemonPaths, options: TrustOptions): DaemonTrust {
  const canUid = granted({ name: "sys", kind: "uid" });
  const canRead = granted({ name: "read", path: paths.dir });
  // Deno needs net, read and write permission on a Unix socket to connect.
  const canWrite = granted({ name: "write", path: paths.socket });
  const canNet = granted({ name: "net", host: `unix:${paths.socket}` });
  const flags = [
    ...(canRead ? [] : [`--allow-read=${paths.dir}`]),
    ...(canWrite ? [] : [`--allow-write=${paths.dir}`]),
    ...(canUid ? [] : ["--allow-sys=uid"]),
    ...(canNet ? [] : [`--allow-net=unix:${paths.socket}`]),
  ];
  const notGranted: DaemonTrust = {
    kind: "not_granted",
    flags,
    detail: `Add ${flags.join(" ")} to reach the daemon (it is checked before it is asked).`,
  };
  if (!canUid || !canRead) {
    // Nothing can be checked: only a sign that a daemon runs makes this worth saying.
    if (!canNet && !markerNamesThis(options.root, paths.key)) return { kind: "absent" };
    return notGranted;
  }
  const me = Deno.uid();
  if (me === null) return { kind: "untrusted", detail: "This platform gives no user id to check." };
  const dir = lstatOrUndefined(paths.dir);
  if (!dir) return { kind: "absent" };
  const dirProblem = runtimeDirProblem(dir, me);
  if (dirProblem) {
    return {
      kind: "untrusted",
      detail:
        `The daemon's runtime directory ${dirProblem}; remove it or set XDG_RUNTIME_DIR to a private directory.`,
    };
  }
  const socket = lstatOrUndefined(paths.socket);
  if (!socket) return { kind: "absent" };
  if (!socket.isSocket || (socket.uid !== null && socket.uid !== me)) {
    return {
      kind: "untrusted",
      detail: `The daemon's socket is ${
        socket.isSocket ? `owned by uid ${socket.uid}` : "not a socket"
      }; remove it.`,
    };
  }
  const state = lstatOrUndefined(paths.state);
  if (state && (!state.isFile || (state.uid !== null && state.uid !== me))) {
    return {
      kind: "untrusted",
      detail: `The daemon's state file is ${
        state.isFile ? `owned by uid ${state.uid}` : "not a regular file"
      }; remove it.`,
    };
  }
  if (!canNet || !canWrite) {
    // Without the grants a dead daemon's socket cannot be told from a live one by connecting.
    if (options.lockHeld && !options.lockHeld(paths)) return { kind: "absent" };
    return notGranted;
  }
  return { kind: "trusted" };
}

/**
 * True when a live daemon holds the segment's lock (the OS releases it when
 * the daemon dies). Opens the lock read-only and only when it is a regular
 * file: call it for a trusted directory only.
 */
export function lockHeldSync(paths: DaemonPaths): boolean {
  const info = lstatOrUndefined(paths.lock);
  if (!info || !info.isFile) return false;
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(paths.lock, { read: true });
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false; // removed meanwhile
    throw err;
  }
  try {
    const free = file.tryLockSync(false);
    if (free) file.unlockSync();
    return !free;
  } finally {
    file.close();
  }
}
