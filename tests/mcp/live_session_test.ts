import { deepEqual, equal, notEqual } from "node:assert/strict";
import { join } from "node:path";
import { LiveConfig } from "../../lib/config/live.ts";
import { LiveSession } from "../../lib/mcp/live_session.ts";
import { resolveSegment } from "../../lib/segment/mod.ts";
import { Telemetry } from "../../lib/telemetry/mod.ts";

const noEnv = (_: string) => undefined;

async function session(dir: string): Promise<LiveSession> {
  const seg = await resolveSegment(dir);
  const live = await LiveConfig.open(seg, { env: noEnv });
  const telemetry = Telemetry.open(seg, { level: "off" });
  return LiveSession.open(seg, { telemetry }, { live });
}

Deno.test({
  name:
    "live session: a call after a deny glob was added gets a fresh state; one already running keeps its own",
  sanitizeResources: false,
  fn: async () => {
    const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-live-mcp-" }));
    const s = await session(dir);
    try {
      const first = await s.acquire();
      const same = await s.acquire();
      equal(same.state, first.state, "no change: the same state");
      same.release();
      await Deno.writeTextFile(join(dir, "trifecta.jsonc"), '{ "deny": ["*.key"] }');
      const next = await s.acquire();
      notEqual(next.state, first.state);
      deepEqual(next.state.segment.extraDeny, ["*.key"]);
      equal(first.state.segment.extraDeny, undefined, "the running call's state is untouched");
      equal(s.current, next.state);
      first.release();
      first.release(); // twice is safe
      next.release();
    } finally {
      await s.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "live session: a budgets change rebuilds with the new budgets; other edits do not rebuild",
  sanitizeResources: false,
  fn: async () => {
    const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-live-mcp-" }));
    const s = await session(dir);
    try {
      const a = await s.acquire();
      a.release();
      await Deno.writeTextFile(join(dir, "trifecta.jsonc"), '{ "cache": { "persist": false } }');
      const b = await s.acquire();
      b.release();
      equal(b.state, a.state, "cache.persist is not applied mid-session");
      await Deno.writeTextFile(join(dir, "trifecta.jsonc"), '{ "budgets": { "mcp": 500 } }');
      const c = await s.acquire();
      c.release();
      notEqual(c.state, a.state);
      equal(c.state.budgets.tools, 500);
    } finally {
      await s.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
