/**
 * Shared by the `cache` command handlers (loaded lazily, never by `--help`):
 * opening the segment's database for maintenance and rendering.
 *
 * @module
 */
import { TrifectaError } from "../errors.ts";
import {
  CACHE_DB_REL,
  type FailedOpen,
  type MaintenanceSession,
  openForMaintenance,
} from "../cache/mod.ts";
import type { CommandContext } from "./frame.ts";

/** The open session, or `undefined` when the segment has no database yet. */
export function openSession(
  ctx: CommandContext,
  stage = "open",
): MaintenanceSession | undefined {
  const s = openForMaintenance(ctx.segment, { events: ctx.telemetry, stage });
  if ("reason" in s) {
    if (s.reason === "missing") return undefined;
    throw unavailableError(s);
  }
  return s;
}

/** `CACHE_UNAVAILABLE`: the database exists but cannot be opened or repaired. */
export function unavailableError(failed: FailedOpen): TrifectaError {
  return new TrifectaError(
    "CACHE_UNAVAILABLE",
    `The AST cache database ${CACHE_DB_REL} cannot be opened or repaired (${failed.reason}: ${failed.detail}).`,
    {
      details: { reason: failed.reason },
      nextSteps: [
        `Check that ${CACHE_DB_REL} is a writable file in a writable directory`,
        "If another trifecta process holds the cache lock, retry when it is done",
        `Remove ${CACHE_DB_REL} to start over (the cache is rebuilt on demand)`,
      ],
    },
  );
}

/** ms since the epoch → ISO 8601, or null. */
export function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/** Human-readable byte count. */
export function humanBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

/** Lines telling the user that a corrupt database was moved aside. */
export function recoveryNote(movedAside: string[]): string {
  if (movedAside.length === 0) return "";
  return `note: the cache database was corrupt; moved aside as .trifecta/cache/${
    movedAside[0]
  } and rebuilt empty\n`;
}
