import assert from "node:assert/strict";
import { TrifectaError } from "../../lib/errors.ts";
import { resolveSegment, walkFiles } from "../../lib/segment/mod.ts";
import { LANGUAGES } from "../../lib/languages/mod.ts";
import { type FileSkeleton, skeletonOfFile, type SkeletonSymbol } from "../../lib/ast/mod.ts";
import { CLIPPED_QUALIFIED_PREFIX } from "../../lib/ast/limits.ts";
import {
  type AddressedSymbol,
  findSymbols,
  moduleAddressOf,
  moduleFileCandidates,
  parseSymbolUri,
  resolveSymbol,
  symbolAddress,
  symbolUriMaker,
  typeSplits,
  withSymbolUris,
} from "../../lib/symbols/mod.ts";
import { withTempSegment } from "../e2e/helpers.ts";

// A symbol's `uri` is absent or resolves back to that symbol: never a URI
// that leads nowhere or to a different symbol. A struct and its impl blocks
// share one URI, which means the struct.

/** Seeded generator (mulberry32): a failure is reproducible from its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Characters a name may hold in some grammar, and those a URI cannot carry. */
const HOSTILE = [
  "a",
  "Z",
  "_",
  "$",
  "é",
  "1",
  "ß",
  ".",
  "/",
  "\\",
  "#",
  " ",
  "\t",
  "\u0001",
  "\u00a0",
  "…",
  "-",
  ":",
  '"',
  "%",
  "?",
  "@",
]; // deno-fmt-ignore

function hostileName(next: () => number): string {
  const length = 1 + Math.floor(next() * 4);
  let out = "";
  for (let i = 0; i < length; i++) out += HOSTILE[Math.floor(next() * HOSTILE.length)] ?? "a";
  return out;
}

function symbolOf(name: string, qualified: string, line: number): SkeletonSymbol {
  return {
    kind: "class",
    name,
    qualified_name: qualified,
    start_line: line,
    end_line: line,
    signature: name,
    decorators: [],
    doc: "",
    children: [],
  };
}

/** A skeleton of `path` whose names come from {@linkcode HOSTILE}, some nested, some clipped. */
function hostileSkeleton(path: string, next: () => number): FileSkeleton {
  const symbols: SkeletonSymbol[] = [];
  let line = 1;
  for (let i = 0; i < 6; i++) {
    const name = hostileName(next);
    const top = symbolOf(name, next() < 0.1 ? `${CLIPPED_QUALIFIED_PREFIX}${name}` : name, line++);
    for (let j = 0; j < 3; j++) {
      const member = hostileName(next);
      top.children.push(symbolOf(member, `${top.qualified_name}.${member}`, line++));
    }
    symbols.push(top);
  }
  return {
    path,
    language: "x",
    sha256: "",
    has_errors: false,
    bytes: 0,
    skeleton_bytes: 0,
    imports: [],
    symbols,
  };
}

function flat<T extends { children: T[] }>(symbols: readonly T[]): T[] {
  return symbols.flatMap((s) => [s, ...flat(s.children)]);
}

/**
 * What the resolver finds in `skeleton` for `uri`: the symbols of every
 * split whose module names the skeleton's file (lib/symbols/resolve.ts
 * reads the same pieces; this skips reading files).
 */
function foundInFile(skeleton: FileSkeleton, uri: string): SkeletonSymbol[] {
  const query = parseSymbolUri(uri);
  return typeSplits(query.path, query.member)
    .filter((s) => moduleFileCandidates(query.lang, s.module).includes(skeleton.path))
    .flatMap((s) => findSymbols(skeleton, s.symbolPath));
}

Deno.test("uri readback: a hostile-named symbol's uri is absent or finds exactly that symbol (property)", () => {
  // One file of each sym:// language's first extension.
  const paths = [...new Set(LANGUAGES.map((l) => l.uriName))].map((name) => {
    const ext = LANGUAGES.find((l) => l.uriName === name)?.extensions[0] ?? ".txt";
    return `src/pkg/mod${ext}`;
  });
  assert.ok(paths.length >= 3, "several registry languages");
  let withUri = 0;
  let without = 0;
  for (let seed = 1; seed <= 200; seed++) {
    const next = random(seed);
    const path = paths[seed % paths.length] ?? "src/pkg/mod.py";
    const skeleton = hostileSkeleton(path, next);
    const addressed = flat(withSymbolUris(skeleton).symbols);
    for (const s of addressed) {
      const where = `seed ${seed} ${path} ${JSON.stringify(s.qualified_name)} ${s.uri}`;
      if (s.uri === null) {
        without++;
        continue;
      }
      withUri++;
      const found = foundInFile(skeleton, s.uri);
      assert.ok(found.some((f) => f.start_line === s.start_line), `${where}: not found`);
      assert.ok(
        found.every((f) => f.qualified_name === s.qualified_name),
        `${where}: another symbol`,
      );
      assert.doesNotMatch(s.uri, /\s/u, where);
    }
  }
  assert.ok(withUri > 100 && without > 100, `both outcomes occur: ${withUri} / ${without}`);
});

Deno.test("uri readback: names a URI cannot carry get no uri, and a note says why", () => {
  const ts = moduleAddressOf("types/zod.d.ts");
  for (
    const [module, parts] of [
      [ts, ["zod/v4/mini"]],
      [ts, ["zod/v4/mini", "parse"]],
      [ts, ["Depot\\Inventory"]],
      [ts, ["has space"]],
      [ts, ["Cls", "a#b"]],
      [ts, ["#top"]],
      [ts, ["Cls", ""]],
      [ts, [`${CLIPPED_QUALIFIED_PREFIX}C998`, "C999"]],
    ] as const
  ) {
    const address = symbolAddress(module, parts);
    assert.equal(address.uri, null, parts.join("."));
    assert.ok(address.note, parts.join("."));
  }
  // Still addressable: a private member, a dotted name (found by qualified name), unicode.
  assert.equal(symbolAddress(ts, ["K", "#priv"]).uri, "sym://typescript/type/types/zod.d/K##priv");
  assert.equal(
    symbolUriMaker("src/Ns.cs")("Acme.Inventory"),
    "sym://csharp/type/src/Ns/Acme#Inventory",
  );
  assert.equal(symbolAddress(ts, ["Größe"]).uri, "sym://typescript/type/types/zod.d/Größe");
});

async function rejects(p: Promise<unknown>, code: string): Promise<TrifectaError> {
  let caught: unknown;
  try {
    await p;
  } catch (err) {
    caught = err; // the error is what the test reads
  }
  assert.ok(caught instanceof TrifectaError, `expected ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  return caught;
}

const RUST = [
  "pub struct Drawing { n: u8 }",
  "impl Drawing {",
  "    pub fn area(&self) -> u8 { self.n }",
  "}",
  "impl Clone for Drawing {",
  "    fn clone(&self) -> Self { Drawing { n: self.n } }",
  "}",
  "pub struct Twice;",
  "#[cfg(unix)]",
  "pub struct Twice;",
  "impl Twice {}",
  "impl Elsewhere {}",
  "impl Elsewhere {}",
  "",
].join("\n");

Deno.test("uri readback: a struct's uri means the struct, not its impl blocks, and reaches their methods", async () => {
  await withTempSegment({ "src/lib.rs": RUST }, async (dir) => {
    const segment = await resolveSegment(dir);
    const drawing = await resolveSymbol(segment, "sym://rust/type/src/lib/Drawing");
    assert.equal(drawing.symbol?.kind, "struct");
    assert.equal(drawing.symbol?.start_line, 1);
    const area = await resolveSymbol(segment, "sym://rust/type/src/lib/Drawing#area");
    assert.equal(area.symbol?.start_line, 3);
    // Two structs of one name stay ambiguous; so do impl blocks with no definition here.
    const twice = await rejects(
      resolveSymbol(segment, "sym://rust/type/src/lib/Twice"),
      "AMBIGUOUS_SYMBOL",
    );
    assert.equal((twice.details.candidates as unknown[]).length, 3);
    const elsewhere = await rejects(
      resolveSymbol(segment, "sym://rust/type/src/lib/Elsewhere"),
      "AMBIGUOUS_SYMBOL",
    );
    assert.equal((elsewhere.details.candidates as unknown[]).length, 2);
  });
});

/** One file per language with names reachable only through string or scoped forms. */
function hostileSources(next: () => number): Record<string, string> {
  const ts: string[] = [];
  const py: string[] = [];
  for (let i = 0; i < 8; i++) {
    // A string literal holds any of them but a quote, a backslash (escapes) and control characters.
    const text = [...hostileName(next)].map((c) => c < " " || c === '"' || c === "\\" ? "x" : c)
      .join("");
    ts.push(`declare module "${text}${i}" {\n  export function f${i}(): void;\n}`);
    ts.push(`namespace N${i}.M${i} { export const v${i} = 1; }`);
    py.push(`class Ké${i}:\n    def m${i}(self): pass\n`);
  }
  ts.push("class K {\n  #priv() {}\n  pub() {}\n}");
  return {
    "src/a.ts": ts.join("\n"),
    "src/b.py": py.join("\n"),
    "src/d.rs": RUST,
  };
}

/** Resolve `s.uri`: that symbol, or AMBIGUOUS_SYMBOL among symbols of its qualified name. */
async function assertReadsBack(dir: string, rel: string, s: AddressedSymbol): Promise<void> {
  if (s.uri === null) return;
  const segment = await resolveSegment(dir);
  try {
    const resolved = await resolveSymbol(segment, s.uri);
    assert.equal(resolved.file.rel, rel, s.uri);
    assert.equal(resolved.symbol?.qualified_name, s.qualified_name, s.uri);
    if (s.kind !== "impl") assert.equal(resolved.symbol?.start_line, s.start_line, s.uri);
  } catch (err) {
    if (!(err instanceof TrifectaError) || err.code !== "AMBIGUOUS_SYMBOL") throw err;
    const candidates = err.details.candidates as { qualified_name: string; start_line: number }[];
    assert.ok(candidates.some((c) => c.start_line === s.start_line), s.uri);
    assert.ok(candidates.every((c) => c.qualified_name === s.qualified_name), s.uri);
  }
}

Deno.test("uri readback: every uri of real files with hostile names resolves back (property)", async () => {
  for (const seed of [7, 8, 9]) {
    await withTempSegment(hostileSources(random(seed)), async (dir) => {
      const segment = await resolveSegment(dir);
      const { files } = await walkFiles(segment, segment.root, {
        extensions: LANGUAGES.flatMap((l) => l.extensions),
      });
      let checked = 0;
      let none = 0;
      for (const file of files) {
        const { skeleton } = await skeletonOfFile(segment, file);
        for (const s of flat(withSymbolUris(skeleton).symbols)) {
          if (s.uri === null) none++;
          else checked++;
          await assertReadsBack(dir, file.rel, s);
        }
      }
      assert.ok(checked > 20, `seed ${seed}: ${checked} uris checked`);
      assert.ok(none > 0, `seed ${seed}: some names have no uri`);
    });
  }
});
