/**
 * `trifecta cache verify`.
 *
 * @module
 */
import { CACHE_DB_REL, verifySession } from "../cache/mod.ts";
import type { CommandContext, CommandOutcome } from "./command.ts";
import { maintain, openSession, unavailableError } from "./cache_common.ts";
import { printJson } from "./output.ts";

/**
 * Full integrity check. A corrupt database is moved aside and rebuilt (exit
 * 0, reported); exit 1 (`CACHE_UNAVAILABLE`) only when no sound database
 * could be put in its place.
 */
export function verifyHandler(ctx: CommandContext): Promise<CommandOutcome> {
  const session = openSession(ctx, "verify");
  if (!session) {
    if (ctx.global.json) {
      printJson(ctx.output, {
        status: "ok",
        db_path: CACHE_DB_REL,
        exists: false,
        integrity: "absent",
        problems: [],
        moved_aside: [],
        entries: 0,
      });
    } else ctx.output.out(`AST cache: no database yet at ${CACHE_DB_REL}; nothing to verify\n`);
    return Promise.resolve({ result: { integrity: "absent" } });
  }
  try {
    const v = maintain(() => verifySession(session, { events: ctx.telemetry }));
    if ("reason" in v) throw unavailableError(v);
    if (ctx.global.json) {
      printJson(ctx.output, { status: "ok", db_path: CACHE_DB_REL, exists: true, ...v });
    } else if (v.integrity === "ok") {
      ctx.output.out(`AST cache ${CACHE_DB_REL}: integrity ok (${v.entries} entries)\n`);
    } else {
      ctx.output.out(
        [
          `AST cache ${CACHE_DB_REL}: CORRUPT, repaired`,
          `  problem     ${v.problems[0] ?? "unknown"}`,
          `  moved aside ${v.moved_aside.map((n) => `.trifecta/cache/${n}`).join(", ")}`,
          `  now         a fresh, empty database (entries are rebuilt on demand)`,
        ].join("\n") + "\n",
      );
    }
    return Promise.resolve({
      result: { integrity: v.integrity, moved_aside: v.moved_aside.length },
    });
  } finally {
    session.store.close();
  }
}
