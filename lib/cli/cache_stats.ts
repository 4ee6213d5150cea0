/**
 * `trifecta cache stats`.
 *
 * @module
 */
import {
  CACHE_DB_REL,
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_ENTRIES,
  DEFAULT_SIZE_WARNING_BYTES,
  statsReport,
} from "../cache/mod.ts";
import type { CommandContext, CommandOutcome } from "./command.ts";
import { humanBytes, isoOrNull, maintain, openSession, recoveryNote } from "./cache_common.ts";
import { printJson } from "./output.ts";

type Session = NonNullable<ReturnType<typeof openSession>>;
type Report = ReturnType<typeof statsReport>;

/** `cache stats` when the segment has no database yet. */
function noDatabase(ctx: CommandContext): CommandOutcome {
  const empty = {
    status: "ok",
    backend: "sqlite",
    db_path: CACHE_DB_REL,
    exists: false,
    entries: 0,
    bytes: 0,
    file_bytes: 0,
    hits: 0,
    misses: 0,
    hit_rate: 0,
  };
  if (ctx.global.json) printJson(ctx.output, empty);
  else ctx.output.out(`AST cache: no database yet at ${CACHE_DB_REL}\n`);
  return { result: { exists: false, entries: 0 } };
}

/** The `--json` object of an existing database. */
function statsJson(session: Session, r: Report) {
  return {
    status: "ok",
    backend: "sqlite",
    db_path: CACHE_DB_REL,
    exists: true,
    schema_version: r.schema_version,
    entries: r.entries,
    bytes: r.bytes,
    file_bytes: r.file_bytes,
    hits: r.hits,
    misses: r.misses,
    hit_rate: r.hit_rate,
    max_entries: DEFAULT_MAX_ENTRIES,
    max_bytes: DEFAULT_MAX_BYTES,
    oldest_entry: isoOrNull(r.oldest_entry_ms),
    newest_entry: isoOrNull(r.newest_entry_ms),
    oldest_access: isoOrNull(r.oldest_access_ms),
    newest_access: isoOrNull(r.newest_access_ms),
    last_prune: isoOrNull(r.last_prune_ms),
    size_warning: r.size_warning,
    size_warning_bytes: DEFAULT_SIZE_WARNING_BYTES,
    recovered: session.opened.state === "recovered",
    migrated_from: session.opened.state === "migrated" ? session.opened.fromVersion : null,
    moved_aside: session.opened.movedAside,
  };
}

/** The text form of {@linkcode statsJson}. */
function statsText(r: Report, out: ReturnType<typeof statsJson>): string {
  const rate = `${(r.hit_rate * 100).toFixed(1)}% (${r.hits} hits, ${r.misses} misses)`;
  return [
    `AST cache (sqlite): ${CACHE_DB_REL}`,
    `  schema version  ${r.schema_version}`,
    `  entries         ${r.entries} (cap ${DEFAULT_MAX_ENTRIES})`,
    `  values          ${humanBytes(r.bytes)} (cap ${humanBytes(DEFAULT_MAX_BYTES)})`,
    `  file size       ${humanBytes(r.file_bytes)}${
      r.size_warning ? `  WARNING: over ${humanBytes(DEFAULT_SIZE_WARNING_BYTES)}` : ""
    }`,
    `  hit rate        ${rate}`,
    `  oldest entry    ${out.oldest_entry ?? "-"}`,
    `  newest entry    ${out.newest_entry ?? "-"}`,
    `  last read       ${out.newest_access ?? "-"}`,
    `  last prune      ${out.last_prune ?? "never"}`,
  ].join("\n") + "\n";
}

/** Entries, bytes, hit rate, schema version, ages and file size of the cache database. */
export function statsHandler(ctx: CommandContext): Promise<CommandOutcome> {
  const session = openSession(ctx);
  if (!session) return Promise.resolve(noDatabase(ctx));
  try {
    const r = maintain(() => statsReport(session));
    const out = statsJson(session, r);
    if (ctx.global.json) printJson(ctx.output, out);
    else {
      ctx.output.err(recoveryNote(session.opened.movedAside));
      ctx.output.out(statsText(r, out));
    }
    return Promise.resolve({
      result: {
        exists: true,
        entries: r.entries,
        bytes: r.bytes,
        file_bytes: r.file_bytes,
        hit_rate: r.hit_rate,
        recovered: out.recovered,
      },
      warnings: r.size_warning ? ["cache_size_warning"] : undefined,
    });
  } finally {
    session.store.close();
  }
}
