/**
 * Corrupt cache databases are moved aside, never deleted in place: renamed
 * with their `-wal`/`-shm`/`-journal` to
 * `<name>.corrupt-<timestamp>[-wal|-shm|-journal]`, the newest
 * {@linkcode KEEP_CORRUPT_FILES} sets kept for a post-mortem. A log no live
 * process owns (`sqlite_live.ts`) is moved aside alone, as
 * `<name>.stray-<timestamp>-wal|-shm|-journal`, kept the same way.
 *
 * @module
 */
import { basename, dirname } from "../path.ts";
import { KEEP_CORRUPT_FILES } from "./limits.ts";

const SUFFIXES = ["", "-wal", "-shm", "-journal"];

/** The files SQLite keeps next to a database while it is in use (or after a crash). */
export const LOG_SUFFIXES: readonly string[] = ["-wal", "-shm", "-journal"];

function timestamp(): string {
  return new Date().toISOString().replace(/[-:.]/g, "");
}

/**
 * Move `dbPath` and its `-wal`/`-shm`/`-journal` aside as
 * `<name>.corrupt-<timestamp>[-wal|-shm|-journal]`,
 * keep the newest {@linkcode KEEP_CORRUPT_FILES} sets, and return the new names.
 * A leftover WAL must never meet a fresh database, so a failed rename throws.
 */
export function moveAside(dbPath: string): string[] {
  return moveSet(dbPath, "corrupt", SUFFIXES);
}

/**
 * Move only the database's `-wal`/`-shm`/`-journal` aside as
 * `<name>.stray-<timestamp>-wal|-shm|-journal` (the database stays), keep the
 * newest {@linkcode KEEP_CORRUPT_FILES} sets, and return the new names. A
 * failed rename throws: the log must never meet the database.
 */
export function moveLogsAside(dbPath: string): string[] {
  return moveSet(dbPath, "stray", LOG_SUFFIXES);
}

function moveSet(dbPath: string, label: string, suffixes: readonly string[]): string[] {
  const target = `${dbPath}.${label}-${timestamp()}`;
  const moved: string[] = [];
  for (const suffix of suffixes) {
    try {
      Deno.renameSync(dbPath + suffix, target + suffix);
      moved.push(basename(target + suffix));
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
  }
  pruneSets(dbPath, label);
  return moved;
}

function pruneSets(dbPath: string, label: string): void {
  const dir = dirname(dbPath);
  const prefix = `${basename(dbPath)}.${label}-`;
  const stamps = new Set<string>();
  for (const entry of Deno.readDirSync(dir)) {
    if (entry.name.startsWith(prefix)) {
      stamps.add(entry.name.slice(prefix.length).replace(/-(wal|shm|journal)$/, ""));
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
