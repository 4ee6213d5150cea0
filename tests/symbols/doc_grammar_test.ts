import assert from "node:assert/strict";
import { uriLanguageNames } from "../../lib/languages/modules.ts";

// docs/symbols.md's URI grammar names the registry's sym:// languages: the
// list must stay what the parser accepts.

const DOC = new URL("../../docs/symbols.md", import.meta.url);

/** The quoted alternatives of the grammar's `lang :=` production (and its `|` lines). */
function documentedLanguages(text: string): string[] {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l.startsWith("lang   := "));
  assert.ok(start >= 0, "docs/symbols.md has no `lang   := ` production");
  const production = [lines[start] ?? ""];
  for (const line of lines.slice(start + 1)) {
    if (!/^\s+\|/.test(line)) break;
    production.push(line);
  }
  return [...production.join(" ").matchAll(/"([^"]+)"/g)].map((m) => m[1] ?? "");
}

Deno.test("doc grammar: the lang production lists every sym:// name, then every alias, in registry order", async () => {
  const { names, aliases } = uriLanguageNames();
  assert.deepEqual(documentedLanguages(await Deno.readTextFile(DOC)), [...names, ...aliases]);
});

Deno.test("doc grammar: the member rule allows '#' first in a part", async () => {
  const text = await Deno.readTextFile(DOC);
  assert.ok(text.includes('\npart   := [ "#" ] name'), 'no `part := [ "#" ] name` rule');
});
