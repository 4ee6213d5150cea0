import assert from "node:assert/strict";
import { join } from "node:path";
import { LANGUAGES } from "../../lib/languages/mod.ts";
import { resolveSegment, walkFiles } from "../../lib/segment/mod.ts";
import { skeletonOfFile, type SkeletonSymbol } from "../../lib/ast/mod.ts";
import {
  MSG_BAD_PREFIX,
  parseSymbolUri,
  resolveSymbol,
  symbolUriMaker,
  uriLanguageOfPath,
  uriModules,
} from "../../lib/symbols/mod.ts";

// `sym://` reads the registry: every language it holds is addressable, and
// a URI built for a symbol of any language's fixture resolves back to it.

const FIXTURES = join(import.meta.dirname ?? ".", "../../fixtures");

Deno.test("registry uri: every sym:// name and alias parses and the bad-prefix message lists it", () => {
  for (const l of LANGUAGES) {
    const forms = l.name === l.uriName ? [l.uriName, ...l.uriAliases] : [l.uriName];
    for (const form of forms) {
      assert.equal(parseSymbolUri(`sym://${form}/mod/a/b`).lang, l.uriName, form);
      assert.ok(MSG_BAD_PREFIX.includes(`sym://${form}/`), form);
    }
    assert.ok(uriModules(l.uriName)?.extensions.length, l.uriName);
  }
  assert.ok(MSG_BAD_PREFIX.startsWith("URI must start with sym://python/"));
});

/** The symbol with the most qualified-name parts (a member when there is one), pre-order. */
function deepest(symbols: readonly SkeletonSymbol[]): SkeletonSymbol | undefined {
  let best: SkeletonSymbol | undefined;
  let bestParts = 0;
  const visit = (s: SkeletonSymbol) => {
    const parts = s.qualified_name.split(".").length;
    if (parts > bestParts) [best, bestParts] = [s, parts];
    for (const c of s.children) visit(c);
  };
  for (const s of symbols) visit(s);
  return best;
}

Deno.test("registry uri: a member of each language's first fixture file resolves back from its uri", async () => {
  const segment = await resolveSegment(FIXTURES);
  const { files } = await walkFiles(segment, segment.root, {
    extensions: LANGUAGES.flatMap((l) => l.extensions),
  });
  const seen = new Set<string>();
  for (const file of files) {
    const lang = uriLanguageOfPath(file.rel);
    if (lang === undefined || seen.has(lang)) continue;
    const { skeleton } = await skeletonOfFile(segment, file);
    const target = deepest(skeleton.symbols);
    const uri = target && symbolUriMaker(file.rel)(target.qualified_name);
    if (!target || !uri) continue; // a file without an addressable symbol: try the next one
    seen.add(lang);
    const resolved = await resolveSymbol(segment, uri);
    assert.equal(resolved.file.rel, file.rel, uri);
    assert.equal(resolved.symbol?.qualified_name, target.qualified_name, uri);
    assert.equal(resolved.symbol?.start_line, target.start_line, uri);
  }
  for (const need of ["python", "typescript"]) assert.ok(seen.has(need), `no ${need} fixture`);
});
