import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { relative } from "node:path";
import { Query } from "web-tree-sitter";
import type { Node } from "web-tree-sitter";
import { grammarForLanguage } from "../../lib/ast/parser.ts";
import {
  ALL_SYMBOL_KINDS,
  languageOfPath,
  LANGUAGES,
  uriLanguageName,
} from "../../lib/languages/mod.ts";
import { uriLanguageOfPath, uriModules } from "../../lib/languages/modules.ts";

// The registry is the one place that names languages: every entry is
// complete and loads, and no module outside lib/languages/ names a language
// or a language's extension in a string or regex literal.

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const LIB = `${ROOT}lib`;

/**
 * Literals that look like a language name or extension but are no language
 * reference (`file:literal` → why). Kept tiny on purpose.
 */
const ALLOWED: ReadonlyMap<string, string> = new Map([
  ["lib/telemetry/event.ts:ts", "the events' timestamp key, not TypeScript's alias"],
  ["lib/ast/pool.ts:./worker.ts", "trifecta's own worker module"],
  ["lib/ast/pool.ts:/lib/ast/pool.ts", "trifecta's own module path (is this run a bundle?)"],
  [
    "lib/ast/parser.ts:Or run the bundle (dist/trifecta.js), which needs no flag",
    "trifecta's own bundle file",
  ],
]);

Deno.test("registry: extensions and sym:// names and aliases are each claimed once", () => {
  const byExt = new Map<string, string>();
  for (const l of LANGUAGES) {
    assert.ok(l.extensions.length > 0, `${l.name}: no extension`);
    for (const e of l.extensions) {
      assert.match(e, /^\.[a-z0-9+]+(\.[a-z0-9+]+)?$/i, `${l.name}: extension ${e}`);
      assert.equal(byExt.get(e), undefined, `${e} claimed by ${byExt.get(e)} and ${l.name}`);
      byExt.set(e, l.name);
      assert.equal(languageOfPath(`dir/file${e}`)?.name, l.name, e);
    }
  }
  const names = new Map<string, string>();
  for (const l of LANGUAGES) {
    assert.equal(uriLanguageName(l.uriName), l.uriName, `${l.name}: uriName ${l.uriName}`);
    if (l.name !== l.uriName) continue;
    for (const n of [l.uriName, ...l.uriAliases]) {
      assert.equal(
        names.get(n),
        undefined,
        `${n} is the uri name of ${names.get(n)} and ${l.name}`,
      );
      names.set(n, l.name);
    }
  }
  assert.equal(new Set(LANGUAGES.map((l) => l.name)).size, LANGUAGES.length, "names unique");
});

Deno.test("registry: every entry's kinds are symbol kinds and its module rule names its files", () => {
  for (const l of LANGUAGES) {
    assert.ok(l.kinds.length > 0, `${l.name}: no kinds`);
    for (const k of [...l.kinds, ...l.methodOwners ?? []]) {
      assert.ok(ALL_SYMBOL_KINDS.includes(k), `${l.name}: ${k} is not a SymbolKind`);
    }
    const rule = uriModules(l.uriName);
    assert.ok(rule, `${l.name}: no module rule for ${l.uriName}`);
    assert.ok(l.comments.line.length + l.comments.block.length > 0, `${l.name}: no comments`);
    for (const f of l.imports?.family ?? []) {
      assert.ok(LANGUAGES.some((o) => o.name === f), `${l.name}: import family names ${f}`);
    }
    const moduleExts = l.modules.extensions ?? l.extensions;
    for (const e of moduleExts) {
      assert.ok(l.extensions.includes(e), `${l.name}: module extension ${e} is not its own`);
      assert.equal(uriLanguageOfPath(`a/b${e}`), l.uriName, e);
    }
  }
});

Deno.test("registry: every entry loads, its queries compile and its definitions are its kinds", async () => {
  for (const l of LANGUAGES) {
    const g = await grammarForLanguage(l.name);
    assert.equal(g.grammar, l.grammar, l.name);
    const kinds = g.query.captureNames
      .filter((c) => c.startsWith("definition."))
      .map((c) => c.slice("definition.".length));
    assert.ok(kinds.length > 0, `${l.name}: the skeleton query defines nothing`);
    for (const k of kinds) {
      assert.ok(l.kinds.some((own) => own === k), `${l.name}: @definition.${k} not in its kinds`);
    }
    if (g.refs === undefined) continue;
    try {
      new Query(g.language, g.refs).delete();
    } catch (err) {
      assert.fail(`${l.name}: refs.scm does not compile: ${err}`);
    }
  }
});

/** Every registry name, alias and label, and every extension, as patterns over a literal. */
function languagePatterns(): { name: string; re: RegExp }[] {
  const words = new Set<string>();
  for (const l of LANGUAGES) {
    for (const w of [l.name, l.uriName, ...l.uriAliases, l.label]) words.add(w.toLowerCase());
  }
  const out: { name: string; re: RegExp }[] = [];
  for (const w of words) {
    const esc = w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    // Short names (`c`, `go`) are common words: they count as the whole literal or a URI part.
    const re = w.length >= 3 && /^[a-z]+$/.test(w)
      ? new RegExp(`(?<![\\p{L}\\p{N}_])${esc}(?![\\p{L}\\p{N}_])`, "iu")
      : new RegExp(`^${esc}$|sym://${esc}/`, "i");
    out.push({ name: w, re });
  }
  for (const l of LANGUAGES) {
    for (const e of l.extensions) {
      const esc = e.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      // An extension: after a name or at the start, never followed by more of a name.
      out.push({ name: e, re: new RegExp(`${esc}(?![\\p{L}\\p{N}_$])`, "u") });
    }
  }
  return out;
}

/** True for the source of an import (`from "…"`, `import("…")`, `export … from "…"`). */
function isImportSource(node: Node): boolean {
  const parent = node.parent;
  if (!parent) return false;
  if (parent.type === "import_statement" || parent.type === "export_statement") return true;
  if (parent.type !== "arguments") return false;
  return parent.parent?.type === "call_expression" &&
    parent.parent.childForFieldName("function")?.type === "import";
}

/** The string, template and regex literals of a tree, with their first line. */
function literals(root: Node): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  const stack: Node[] = [root];
  for (let n = stack.pop(); n !== undefined; n = stack.pop()) {
    if (n.type === "string" && !isImportSource(n)) {
      out.push({ text: n.text.slice(1, -1), line: n.startPosition.row + 1 });
      continue;
    }
    if (n.type === "string_fragment" && n.parent?.type === "template_string") {
      out.push({ text: n.text, line: n.startPosition.row + 1 });
      continue;
    }
    if (n.type === "regex_pattern") {
      out.push({ text: n.text, line: n.startPosition.row + 1 });
      continue;
    }
    for (const c of n.children) if (c) stack.push(c);
  }
  return out;
}

async function libFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory && path !== `${LIB}/languages`) out.push(...await libFiles(path));
    else if (e.isFile && e.name.endsWith(".ts")) out.push(path);
  }
  return out.sort();
}

/**
 * Every `file:line: literal (pattern)` of lib/ outside lib/languages/ whose
 * string or regex literal names a language or an extension.
 */
async function languageLiterals(): Promise<string[]> {
  const g = await grammarForLanguage("typescript");
  const patterns = languagePatterns();
  const hits: string[] = [];
  for (const file of await libFiles(LIB)) {
    const rel = relative(ROOT, file);
    const tree = g.parser.parse(await Deno.readTextFile(file));
    if (!tree) throw new Error(`${rel}: not parsed`);
    try {
      for (const lit of literals(tree.rootNode)) {
        const hit = patterns.find((p) => p.re.test(lit.text));
        if (hit && !ALLOWED.has(`${rel}:${lit.text}`)) {
          hits.push(`${rel}:${lit.line}: ${JSON.stringify(lit.text.slice(0, 80))} (${hit.name})`);
        }
      }
    } finally {
      tree.delete();
    }
  }
  return hits;
}

Deno.test("registry: no module outside lib/languages/ names a language in a literal", async () => {
  const hits = await languageLiterals();
  assert.deepEqual(hits, [], `language names outside lib/languages/:\n${hits.join("\n")}`);
});

Deno.test("registry: the literal scan finds a language name, an extension and a regex", async () => {
  const g = await grammarForLanguage("typescript");
  const patterns = languagePatterns();
  const tree = g.parser.parse(
    'import x from "./a.ts";\nconst a = "python";\nconst b = [".pyi"];\nconst r = /\\.tsx$/;\n',
  );
  assert.ok(tree);
  const found = literals(tree.rootNode)
    .filter((l) => patterns.some((p) => p.re.test(l.text)))
    .map((l) => l.line)
    .sort();
  tree.delete();
  assert.deepEqual(found, [2, 3, 4], "the import source is no reference; the rest are");
});
