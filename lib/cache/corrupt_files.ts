/**
 * Corrupt cache databases are moved aside, never deleted in place: renamed
 * with their `-wal`/`-shm` to `<name>.corrupt-<timestamp>[-wal|-shm]`, the
 * newest {@linkcode KEEP_CORRUPT_FILES} sets kept for a post-mortem.
 *
 * @module
 */
import { basename, dirname } from "../path.ts";
import { KEEP_CORRUPT_FILES } from "./limits.ts";

const SUFFIXES = ["", "-wal", "-shm"];

function timestamp(): string {
  return new Date().toISOString().replace(/[-:.]/g, "");
}

/**
 * Move `dbPath` and its `-wal`/`-shm` aside as `<name>.corrupt-<timestamp>[-wal|-shm]`,
 * keep the newest {@linkcode KEEP_CORRUPT_FILES} sets, and return the new names.
 * A leftover WAL must never meet a fresh database, so a failed rename throws.
 */
export function moveAside(dbPath: string): string[] {
  const target = `${dbPath}.corrupt-${timestamp()}`;
  const moved: string[] = [];
  for (const suffix of SUFFIXES) {
    try {
      Deno.renameSync(dbPath + suffix, target + suffix);
      moved.push(basename(target + suffix));
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
  }
  pruneCorruptFiles(dbPath);
  return moved;
}

function pruneCorruptFiles(dbPath: string): void {
  const dir = dirname(dbPath);
  const prefix = `${basename(dbPath)}.corrupt-`;
  const stamps = new Set<string>();
  for (const entry of Deno.readDirSync(dir)) {
    if (entry.name.startsWith(prefix)) {
      stamps.add(entry.name.slice(prefix.length).replace(/-(wal|shm)$/, ""));
    }
  }
  const old = [...stamps].sort().reverse().slice(KEEP_CORRUPT_FILES);
  for (const stamp of old) {
    for (const suffix of SUFFIXES) {
      try {
        Deno.removeSync(`${dir}/${prefix}${stamp}${suffix}`);
      } catch (err) {
        if (!(err instanceof Deno.errors.NotFound)) throw err;
      }
    }
  }
}
