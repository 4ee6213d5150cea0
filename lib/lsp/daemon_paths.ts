/**
 * Where a segment's daemon lives: a per-user runtime directory
 * (`$XDG_RUNTIME_DIR/trifecta`, else `/tmp/trifecta-<uid>`, mode 0700)
 * holding `lsp-<key>.sock`, `.lock` and `.json`, where `<key>` is the first
 * 16 hex digits of sha256 of the segment's real path. Names stay short, so a
 * long segment path never overflows the 108-byte Unix socket limit.
 *
 * @module
 */
import { join } from "../path.ts";
import { TrifectaError } from "../errors.ts";
import { sha256Hex } from "../sha256.ts";
import { type EnvReader, processEnv } from "./config.ts";

/** The daemon files of one segment. */
export interface DaemonPaths {
  /** The runtime directory. */
  dir: string;
  /** Unix socket. */
  socket: string;
  /** Lock file (held exclusively by the running daemon). */
  lock: string;
  /** State file (pid, start time, ttl) written by the daemon. */
  state: string;
  /** The key in the names. */
  key: string;
}

/** This user's id; null without `--allow-sys=uid` (queried first: no prompt). */
function uid(): number | null {
  if (Deno.permissions.querySync({ name: "sys", kind: "uid" }).state !== "granted") return null;
  return Deno.uid();
}

/** The per-user runtime directory (not created). */
export function runtimeDir(env: EnvReader = processEnv): string {
  const xdg = env("XDG_RUNTIME_DIR");
  if (xdg && xdg.startsWith("/")) return join(xdg, "trifecta");
  const id = uid();
  return join("/tmp", `trifecta-${id ?? env("USER") ?? "user"}`);
}

/** The daemon paths of a segment root (real path). */
export function daemonPaths(root: string, env: EnvReader = processEnv): DaemonPaths {
  const dir = runtimeDir(env);
  const key = sha256Hex(root).slice(0, 16);
  return {
    dir,
    key,
    socket: join(dir, `lsp-${key}.sock`),
    lock: join(dir, `lsp-${key}.lock`),
    state: join(dir, `lsp-${key}.json`),
  };
}

/**
 * Create the runtime directory with mode 0700 and check that it belongs to
 * this user and is not open to others.
 *
 * @throws {TrifectaError} `DAEMON_RUNTIME_DIR_UNSAFE` when it is not.
 */
export async function ensureRuntimeDir(dir: string): Promise<void> {
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  const info = await Deno.lstat(dir);
  const me = uid();
  const unsafe = !info.isDirectory ||
    (me !== null && info.uid !== null && info.uid !== me) ||
    (info.mode !== null && (info.mode & 0o077) !== 0);
  if (unsafe) {
    throw new TrifectaError(
      "DAEMON_RUNTIME_DIR_UNSAFE",
      "The daemon's runtime directory is not a private directory of this user",
      { nextSteps: ["Remove it or set XDG_RUNTIME_DIR to a private directory", dir] },
    );
  }
}
