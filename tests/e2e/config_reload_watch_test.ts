/**
 * `trifecta watch` follows its configuration (lib/watch/watcher.ts,
 * lib/config/live.ts): a `deny` glob added while it runs makes the next
 * batch a full re-scan under it (the file reported deleted, its chunks
 * synced out of the pack), and the denied file is never read again, even
 * when it changes; a config that stops loading keeps the glob and is said
 * once. The real CLI (`--json`) under the narrow flags.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { removeSegment, runCli } from "./helpers.ts";
import { type SyncLine, WatchProcess } from "./watch_process.ts";

const DEADLINE_MS = 20_000;

function rescanOf(l: SyncLine): string | undefined {
  return (l as SyncLine & { rescan?: string }).rescan;
}

Deno.test({
  name:
    "config reload watch: a deny glob added while watching drops the file from the pack and it is never re-read",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const seg = await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-reload-watch-" }));
    await Deno.writeTextFile(join(seg, "app.py"), "def serve():\n    return 1\n");
    await Deno.writeTextFile(join(seg, "secret_store.py"), "def zqkeep():\n    return 'a'\n");
    const built = await runCli(["ctx", "build", "-s", seg]);
    assert.equal(built.code, 0, built.stderr);
    const w = new WatchProcess(seg);
    try {
      await w.waitFor(() => w.lines.some((l) => l.event === "ready"), "ready", DEADLINE_MS);
      await Deno.writeTextFile(join(seg, "trifecta.jsonc"), '{ "deny": ["secret_*.py"] }\n');
      // No file changed: the config check alone starts the re-scan.
      await w.waitFor(() => w.seen("deleted").includes("secret_store.py"), "deny", DEADLINE_MS);
      const dropped = w.lines.find((l) => l.deleted?.includes("secret_store.py"));
      assert.equal(rescanOf(dropped ?? { event: "" }), "config_changed", JSON.stringify(w.lines));
      assert.equal(dropped?.pack?.deleted, 1, JSON.stringify(dropped));
      const mark = w.lines.length;
      await Deno.writeTextFile(join(seg, "secret_store.py"), "def zqkeep():\n    return 'b'\n");
      await Deno.writeTextFile(join(seg, "app.py"), "def serve():\n    return 2\n");
      await w.waitFor(() => w.seen("changed").includes("app.py"), "app.py edit", DEADLINE_MS);
      // A config that no longer loads keeps the glob.
      await Deno.writeTextFile(join(seg, "trifecta.jsonc"), '{ "deny": [ \n');
      await Deno.writeTextFile(join(seg, "secret_store.py"), "def zqkeep():\n    return 'c'\n");
      await Deno.writeTextFile(join(seg, "new.py"), "def fresh():\n    return 3\n");
      await w.waitFor(() => w.seen("added").includes("new.py"), "new.py", DEADLINE_MS);
      const later = w.lines.slice(mark);
      for (const l of later) {
        assert.ok(!(l.changed ?? []).includes("secret_store.py"), JSON.stringify(l));
        assert.ok(!(l.added ?? []).includes("secret_store.py"), JSON.stringify(l));
      }
    } finally {
      const end = await w.stop();
      assert.equal(end.code, 0, end.stderr);
      const said = end.stderr.split("\n").filter((l) => /config: CONFIG_INVALID/.test(l));
      assert.equal(said.length, 1, end.stderr);
    }
    try {
      // The pack itself holds none of the file: searched with no glob at all
      // (a deny glob would hide the hits whatever the pack holds).
      await Deno.remove(join(seg, "trifecta.jsonc"));
      const search = await runCli(["ctx", "search", "-s", seg, "-q", "zqkeep", "--json"]);
      assert.equal(search.code, 0, search.stderr);
      assert.doesNotMatch(search.stdout, /secret_store/, search.stdout);
      const control = await runCli(["ctx", "search", "-s", seg, "-q", "serve", "--json"]);
      assert.match(control.stdout, /app\.py/, control.stdout);
    } finally {
      await removeSegment(seg);
    }
  },
});
