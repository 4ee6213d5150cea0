/**
 * The SQLite cache schema and its migrations. The version lives in
 * `PRAGMA user_version`; a fresh database is built by running every migration
 * from version 0, so the upgrade path is exercised on every new file.
 *
 * | version | layout |
 * |---|---|
 * | 0 | empty file |
 * | 1 | the predecessor's layout: `cache(key, value, created_at, last_access, value_bytes)` + `idx_last_access` |
 * | 2 | + `file_rel`, `file_mtime`, `file_size`, `hit_count`; `idx_cache_file`; one-row `totals` table kept exact by triggers |
 * | 3 | + `manifest` (a file's stat → its entry's key and its `ast skeleton --json` output as stored, lib/cache/manifest.ts); a trigger drops a manifest row with its entry |
 * | 4 | + `manifest.text_out` (the file's text outline as stored, so a warm text run serves it too); rows of version 3 are dropped |
 *
 * A file's schema must be exactly what these migrations make (same tables,
 * indexes and triggers, same SQL): a segment may ship a crafted database,
 * and anything else (a `cache` table with other columns, an extra trigger
 * or view) is treated as corrupt, never migrated or queried.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";

/** Schema version of the database file (`PRAGMA user_version`). */
export const DB_SCHEMA_VERSION = 4;

const MIGRATIONS: Record<number, string> = {
  // 0 → 1: the predecessor's table (what an old file already holds).
  1: `
    CREATE TABLE IF NOT EXISTS cache (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL,
      created_at REAL NOT NULL,
      last_access REAL NOT NULL,
      value_bytes INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS idx_last_access ON cache(last_access);
  `,
  // 1 → 2: invalidation facts, hit counts, exact totals and counters.
  2: `
    ALTER TABLE cache ADD COLUMN file_rel TEXT;
    ALTER TABLE cache ADD COLUMN file_mtime REAL;
    ALTER TABLE cache ADD COLUMN file_size INTEGER;
    ALTER TABLE cache ADD COLUMN hit_count INTEGER NOT NULL DEFAULT 0;
    UPDATE cache SET hit_count = 1 WHERE last_access > created_at;
    CREATE INDEX IF NOT EXISTS idx_cache_file ON cache(file_rel);
    CREATE TABLE totals (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      entries INTEGER NOT NULL,
      bytes INTEGER NOT NULL,
      hits INTEGER NOT NULL,
      misses INTEGER NOT NULL,
      last_prune REAL NOT NULL
    );
    INSERT INTO totals (id, entries, bytes, hits, misses, last_prune)
      SELECT 1, count(*), coalesce(sum(value_bytes), 0), 0, 0, 0 FROM cache;
    CREATE TRIGGER cache_after_insert AFTER INSERT ON cache BEGIN
      UPDATE totals SET entries = entries + 1, bytes = bytes + NEW.value_bytes WHERE id = 1;
    END;
    CREATE TRIGGER cache_after_delete AFTER DELETE ON cache BEGIN
      UPDATE totals SET entries = entries - 1, bytes = bytes - OLD.value_bytes WHERE id = 1;
    END;
    CREATE TRIGGER cache_after_update AFTER UPDATE OF value_bytes ON cache BEGIN
      UPDATE totals SET bytes = bytes + NEW.value_bytes - OLD.value_bytes WHERE id = 1;
    END;
  `,
  // 2 → 3: the file manifest (docs/cache.md "Manifest"); a row lives only as long as its entry.
  3: `
    CREATE TABLE manifest (
      file_rel TEXT PRIMARY KEY,
      key TEXT NOT NULL,
      size INTEGER NOT NULL,
      mtime_ms REAL NOT NULL,
      ctime_ms REAL NOT NULL,
      ino INTEGER NOT NULL,
      dev INTEGER NOT NULL,
      verified_at REAL NOT NULL,
      out TEXT NOT NULL,
      has_errors INTEGER NOT NULL,
      bytes INTEGER NOT NULL,
      skeleton_bytes INTEGER NOT NULL,
      functions INTEGER NOT NULL,
      classes INTEGER NOT NULL,
      symbols INTEGER NOT NULL,
      tag TEXT NOT NULL
    );
    CREATE INDEX idx_manifest_key ON manifest(key);
    CREATE TRIGGER manifest_entry_gone AFTER DELETE ON cache BEGIN
      DELETE FROM manifest WHERE key = OLD.key;
    END;
  `,
  // 3 → 4: the text outline beside the JSON entry; old rows have none, so they go.
  4: `
    DELETE FROM manifest;
    ALTER TABLE manifest ADD COLUMN text_out TEXT NOT NULL DEFAULT '';
  `,
};

/** One schema object as `sqlite_master` lists it. */
type SchemaObject = string;

function schemaObjects(db: DatabaseSync): SchemaObject[] {
  return db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name")
    .all().map((r) => {
      const o = r as { type: string; name: string; tbl_name: string; sql: string | null };
      return JSON.stringify([o.type, o.name, o.tbl_name, o.sql]);
    });
}

const referenceCache = new Map<number, SchemaObject[]>();

/** The schema objects of a file at `version`, built by running the migrations in memory. */
function referenceSchema(version: number): SchemaObject[] {
  const known = referenceCache.get(version);
  if (known) return known;
  const db = new DatabaseSync(":memory:");
  try {
    for (let v = 1; v <= version; v++) db.exec(migrationSql(v));
    const objects = schemaObjects(db);
    referenceCache.set(version, objects);
    return objects;
  } finally {
    db.close();
  }
}

/**
 * What is wrong with the file's schema for its `user_version`: empty when it
 * is exactly what trifecta's migrations make (a version-0 file may be empty
 * or hold the predecessor's layout). A version newer than this program is
 * not judged here (`schema_too_new`).
 */
export function schemaProblems(db: DatabaseSync): string[] {
  const version = readSchemaVersion(db);
  if (version > DB_SCHEMA_VERSION) return [];
  const found = schemaObjects(db);
  if (version === 0 && found.length === 0) return [];
  const expected = referenceSchema(version === 0 ? 1 : version);
  const extra = found.filter((o) => !expected.includes(o));
  const missing = expected.filter((o) => !found.includes(o));
  if (extra.length === 0 && missing.length === 0) return [];
  const name = (o: string) => (JSON.parse(o) as string[]).slice(0, 2).join(" ");
  return [
    `unexpected schema for version ${version}`,
    ...extra.slice(0, 3).map((o) => `unexpected ${name(o)}`),
    ...missing.slice(0, 3).map((o) => `missing ${name(o)}`),
  ];
}

/** The database's `user_version`. */
export function readSchemaVersion(db: DatabaseSync): number {
  const row = db.prepare("PRAGMA user_version").get() as { user_version: number };
  return row.user_version;
}

/** True when the file is a version-0 file that nonetheless holds the predecessor's table. */
function hasLegacyTable(db: DatabaseSync): boolean {
  const row = db.prepare(
    "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'cache'",
  ).get() as { n: number };
  return row.n > 0;
}

/**
 * Bring the database to {@linkcode DB_SCHEMA_VERSION} in one transaction.
 * The predecessor never set `user_version`, so a version-0 file that already
 * has a `cache` table is treated as version 1. Returns the version found.
 * Callers check {@linkcode schemaProblems} first: a file whose layout is not
 * exactly the one its version names is never migrated.
 *
 * @throws {RangeError} when the file is newer than this program, or its
 * schema is not what its version names.
 */
export function migrate(db: DatabaseSync): number {
  let version = readSchemaVersion(db);
  const found = version;
  if (version > DB_SCHEMA_VERSION) {
    throw new RangeError(`cache database schema ${version} is newer than ${DB_SCHEMA_VERSION}`);
  }
  if (version === DB_SCHEMA_VERSION) return found;
  const problems = schemaProblems(db);
  if (problems.length > 0) throw new RangeError(problems.join("; "));
  db.exec("BEGIN IMMEDIATE");
  try {
    version = readSchemaVersion(db);
    if (version === 0 && hasLegacyTable(db)) version = 1;
    for (let v = version + 1; v <= DB_SCHEMA_VERSION; v++) db.exec(migrationSql(v));
    db.exec(`PRAGMA user_version = ${DB_SCHEMA_VERSION}`);
    db.exec("COMMIT");
  } catch (err) {
    db.exec("ROLLBACK");
    throw err;
  }
  return found;
}

/** The SQL of one migration step (tests build old files with it). */
export function migrationSql(toVersion: number): string {
  const sql = MIGRATIONS[toVersion];
  if (sql === undefined) throw new RangeError(`no migration to version ${toVersion}`);
  return sql;
}
