/**
 * `trifecta cache clear`.
 *
 * @module
 */
import { CACHE_DB_REL } from "../cache/mod.ts";
import type { CommandContext, CommandOutcome } from "./command.ts";
import { maintain, openSession, recoveryNote } from "./cache_common.ts";
import { printJson } from "./output.ts";

/** Delete every entry (and reset the hit/miss counters), then compact the file. */
export function clearHandler(ctx: CommandContext): Promise<CommandOutcome> {
  const session = openSession(ctx);
  let removed = 0;
  let vacuumed = false;
  const moved = session?.opened.movedAside ?? [];
  if (session) {
    try {
      removed = maintain(() => session.store.stats().entries);
      maintain(() => session.store.clear());
      vacuumed = maintain(() => session.store.vacuum());
    } finally {
      session.store.close();
    }
  }
  if (ctx.global.json) {
    printJson(ctx.output, {
      status: "ok",
      db_path: CACHE_DB_REL,
      exists: session !== undefined,
      removed,
      vacuumed,
      moved_aside: moved,
    });
  } else {
    ctx.output.err(recoveryNote(moved));
    ctx.output.out(
      session
        ? `Cleared the AST cache: ${removed} entries removed (${CACHE_DB_REL})\n`
        : `AST cache: no database yet at ${CACHE_DB_REL}; nothing to clear\n`,
    );
  }
  return Promise.resolve({ result: { removed, vacuumed } });
}
