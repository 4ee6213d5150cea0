/** The lines `trifecta watch` prints per batch (lib/cli/watch.ts), text and JSON. */
import { deepEqual, equal } from "node:assert/strict";
import { batchJson, batchLine, eventsLostLine } from "../../lib/cli/watch.ts";

Deno.test("a text line names at most five paths per list, then the pack and failed steps", () => {
  const added = ["a.py", "b.py", "c.py", "d.py", "e.py", "f.py", "g.py"];
  const line = batchLine({ added, changed: ["x\u001b[31m.py"], deleted: [], ms: 3 }, {
    parsed: 8,
    pack: { added: 7, changed: 1, deleted: 0, mode: "incremental" },
    errors: { lsp: "LSP_ERROR" },
  });
  equal(
    line,
    "added a.py, b.py, c.py, d.py, e.py and 2 more; changed x\\x1b[31m.py " +
      "(3 ms; pack incremental: +7 ~1 -0; lsp failed: LSP_ERROR)\n",
  );
});

Deno.test("a JSON line has the event, the three lists and ms, plus rescan, pack and errors when set", () => {
  const batch = { added: [], changed: [], deleted: ["old.py"], ms: 9, rescan: "overflow" as const };
  deepEqual(JSON.parse(batchJson(batch, { parsed: 0, errors: {} })), {
    event: "sync",
    added: [],
    changed: [],
    deleted: ["old.py"],
    ms: 9,
    rescan: "overflow",
  });
  const failed = JSON.parse(batchJson(batch, { parsed: 0, errors: { pack: "PACK_LOCKED" } }));
  deepEqual(failed.errors, { pack: "PACK_LOCKED" });
});

Deno.test("the events-lost line says why and how often the segment is polled now", () => {
  equal(
    eventsLostLine(1000),
    "trifecta watch: file-system events stopped arriving (a change was found that no event " +
      "reported); polling every 1 s from now on\n",
  );
});
