/**
 * `trifecta watch`: watch the segment until SIGINT or SIGTERM; after each
 * batch of changes, warm the AST cache (when it is the persistent one: a
 * memory cache dies with this process) and sync the pack when the segment
 * has one, then print one line (text) or one JSON object per line
 * (`--json`). A `ready` object (`--json`) or line (stderr) says when the
 * watcher is live, after one sync of the pack that compares every file
 * (changes made while nothing watched are not events).
 *
 * @module
 */
import { createAstCache } from "../cache/mod.ts";
import type { OptionsFor } from "../contract/commands.ts";
import { escapeField } from "../escape.ts";
import { toTrifectaError } from "../errors.ts";
import {
  type PackSyncCounts,
  type PackSyncer,
  packSyncerFor,
  refreshBatch,
  type RefreshReport,
  SegmentWatcher,
  type WatchBatch,
} from "../watch/mod.ts";
import type { CommandContext, CommandOutcome } from "./command.ts";

/** Paths named per list in a text line; the rest are counted. */
const NAMES_PER_LIST = 5;

function listText(verb: string, paths: readonly string[]): string | undefined {
  if (paths.length === 0) return undefined;
  const shown = paths.slice(0, NAMES_PER_LIST).map(escapeField).join(", ");
  const more = paths.length > NAMES_PER_LIST ? ` and ${paths.length - NAMES_PER_LIST} more` : "";
  return `${verb} ${shown}${more}`;
}

/** One text line for a batch. */
export function batchLine(batch: WatchBatch, report: RefreshReport): string {
  const lists = [
    listText("added", batch.added),
    listText("changed", batch.changed),
    listText("deleted", batch.deleted),
  ].filter((s) => s !== undefined);
  const notes = [`${batch.ms} ms`];
  if (batch.rescan) notes.push(`full re-scan: ${batch.rescan}`);
  const p = report.pack;
  if (p) notes.push(`pack ${p.mode ?? "synced"}: +${p.added} ~${p.changed} -${p.deleted}`);
  for (const [step, code] of Object.entries(report.errors)) notes.push(`${step} failed: ${code}`);
  return `${lists.join("; ")} (${notes.join("; ")})\n`;
}

/** The stderr line when file-system events went silent and the segment is polled instead. */
export function eventsLostLine(pollMs: number): string {
  return `trifecta watch: file-system events stopped arriving (a change was found that no event ` +
    `reported); polling every ${pollMs / 1000} s from now on\n`;
}

/** One JSON line for a batch. */
export function batchJson(batch: WatchBatch, report: RefreshReport): string {
  const obj: Record<string, unknown> = {
    event: "sync",
    added: batch.added,
    changed: batch.changed,
    deleted: batch.deleted,
    ms: batch.ms,
  };
  if (batch.rescan) obj.rescan = batch.rescan;
  if (report.pack) obj.pack = report.pack;
  if (Object.keys(report.errors).length > 0) obj.errors = report.errors;
  return JSON.stringify(obj) + "\n";
}

/** One sync comparing every file (undefined without a pack, or when it failed: reported). */
async function catchUp(
  syncPack: PackSyncer,
  report: (error: string) => void,
): Promise<PackSyncCounts | undefined> {
  try {
    return await syncPack(undefined);
  } catch (err) {
    // The watcher still runs; the next batch's sync carries these paths over.
    const e = toTrifectaError(err);
    report(`${e.code}: ${e.message}`);
    return undefined;
  }
}

/** Resolves with the signal's name at the first SIGINT or SIGTERM. */
function untilSignal(): { ended: Promise<string>; release: () => void } {
  let finish: (sig: string) => void = () => {};
  const ended = new Promise<string>((resolve) => (finish = resolve));
  const listeners = (["SIGINT", "SIGTERM"] as const).map((sig) => {
    const fn = () => finish(sig);
    Deno.addSignalListener(sig, fn);
    return [sig, fn] as const;
  });
  return {
    ended,
    release: () => listeners.forEach(([sig, fn]) => Deno.removeSignalListener(sig, fn)),
  };
}

/** `trifecta watch [-s DIR] [--json] [--debounce-ms N] [--rescan-interval S]`. */
export async function watchHandler(
  ctx: CommandContext<OptionsFor<"watch">>,
): Promise<CommandOutcome> {
  const { segment, telemetry, output } = ctx;
  const json = ctx.global.json;
  const cache = ctx.global.persistCache
    ? createAstCache({ persist: true, segment, telemetry })
    : undefined;
  const syncPack = packSyncerFor(segment, { cache, telemetry });
  const totals = { batches: 0, added: 0, changed: 0, deleted: 0, errors: 0 };
  const stop = untilSignal();
  // Batches wait for the `ready` line, so it is always the first.
  let announced: () => void = () => {};
  const ready = new Promise<void>((resolve) => (announced = resolve));
  let watcher: SegmentWatcher | undefined;
  try {
    watcher = await SegmentWatcher.start(segment, {
      debounceMs: ctx.options.debounceMs,
      rescanIntervalMs: ctx.options.rescanInterval * 1000,
      onBatch: async (batch) => {
        await ready;
        const report = await refreshBatch(segment, batch, { cache, telemetry, syncPack });
        totals.batches += 1;
        totals.added += batch.added.length;
        totals.changed += batch.changed.length;
        totals.deleted += batch.deleted.length;
        totals.errors += Object.keys(report.errors).length;
        output.out(json ? batchJson(batch, report) : batchLine(batch, report));
        await telemetry.flush();
      },
      onEventsLost: ({ pollMs }) => {
        // After `ready`, like the batches; the re-scan batch itself says `rescan: lost_events`.
        void ready.then(() => {
          if (json) output.out(JSON.stringify({ event: "events_lost", poll_ms: pollMs }) + "\n");
          else output.err(eventsLostLine(pollMs));
        });
      },
      onError: (err, what) => {
        const e = toTrifectaError(err);
        output.err(`trifecta watch: ${what}: ${e.code}: ${e.message}\n`);
      },
    });
    const files = watcher.fileCount;
    // Changes made before the watcher started are not events: catch the pack up once.
    const pack = await catchUp(syncPack, (e) => output.err(`trifecta watch: pack sync: ${e}\n`));
    if (json) {
      output.out(JSON.stringify({ event: "ready", files, ...(pack ? { pack } : {}) }) + "\n");
    } else {
      const noun = files === 1 ? "file" : "files";
      output.err(`watching ${escapeField(segment.root)}: ${files} ${noun} (Ctrl-C to stop)\n`);
    }
    announced();
    const reason = await stop.ended;
    return { result: { end_reason: reason, files, ...totals } };
  } finally {
    announced(); // a batch still waiting must not hold up close()
    stop.release();
    // The process ends next: a stream stuck on a FIFO must not hold it (docs/watch.md).
    await watcher?.close({ releaseStream: false });
    cache?.close();
  }
}
