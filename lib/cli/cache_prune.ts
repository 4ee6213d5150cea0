/**
 * `trifecta cache prune [--older-than DAYS]`.
 *
 * @module
 */
import { CACHE_DB_REL, DEFAULT_PRUNE_DAYS } from "../cache/mod.ts";
import type { OptionsFor } from "../contract/commands.ts";
import type { CommandContext, CommandOutcome } from "./command.ts";
import { maintain, openSession, recoveryNote } from "./cache_common.ts";
import { printJson } from "./output.ts";

/** Delete entries not read or written for N days (default 7). */
export function pruneHandler(
  ctx: CommandContext<OptionsFor<"cache.prune">>,
): Promise<CommandOutcome> {
  const days = ctx.options.olderThan ?? DEFAULT_PRUNE_DAYS;
  const session = openSession(ctx);
  let removed = 0;
  let remaining = 0;
  const moved = session?.opened.movedAside ?? [];
  if (session) {
    try {
      removed = maintain(() => session.store.prune(days));
      remaining = maintain(() => session.store.stats().entries);
    } finally {
      session.store.close();
    }
  }
  if (ctx.global.json) {
    printJson(ctx.output, {
      status: "ok",
      db_path: CACHE_DB_REL,
      exists: session !== undefined,
      older_than_days: days,
      removed,
      remaining,
      moved_aside: moved,
    });
  } else {
    ctx.output.err(recoveryNote(moved));
    ctx.output.out(
      session
        ? `Pruned the AST cache: ${removed} entries not read for ${days} days removed, ${remaining} remain\n`
        : `AST cache: no database yet at ${CACHE_DB_REL}; nothing to prune\n`,
    );
  }
  return Promise.resolve({
    args: { older_than_days: days },
    result: { removed, remaining },
  });
}
