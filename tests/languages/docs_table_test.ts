/**
 * docs/languages.md lists every registry language in its table, with the
 * entry's extensions and `sym://` name, so the doc cannot drift from the
 * registry (a language added without its row fails here).
 *
 * @module
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { LANGUAGES } from "../../lib/languages/mod.ts";

const DOC = fileURLToPath(new URL("../../docs/languages.md", import.meta.url));

Deno.test("docs/languages.md: one table row per registry language, with its extensions and sym:// name", async () => {
  const text = await Deno.readTextFile(DOC);
  // The first table of the page: from its header row to the first line that is no row.
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l.startsWith("| language (`name`) |"));
  assert.ok(start >= 0, "the languages table");
  const rows = new Map<string, string>();
  for (const line of lines.slice(start + 2)) {
    const m = /^\| ([a-z+#]+) \|/.exec(line);
    if (!m?.[1]) break;
    rows.set(m[1], line);
  }
  for (const spec of LANGUAGES) {
    const row = rows.get(spec.name);
    assert.ok(row, `no row for ${spec.name}`);
    for (const ext of spec.extensions) {
      assert.ok(row.includes(`\`${ext}\``), `${spec.name}: ${ext}`);
    }
    assert.ok(row.includes(`\`${spec.uriName}\``), `${spec.name}: sym:// name ${spec.uriName}`);
  }
  const names = new Set(LANGUAGES.map((l) => l.name));
  const extra = [...rows.keys()].filter((n) => !names.has(n));
  assert.deepEqual(extra, [], "rows for languages the registry does not hold");
});
