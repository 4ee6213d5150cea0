/**
 * Corrupt packs and indexes (issue 12, class 8): whatever is in `_ctx/`,
 * `ctx search|get|validate` answer with a named error (never
 * INTERNAL_ERROR or a stack trace), `ctx validate` catches a damaged index,
 * and a build that fails leaves the previous pack and index untouched.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  assertError,
  assertNoCrash,
  assertOk,
  Checks,
  CLI_MODES,
  disposeWorld,
  hitIds,
  jsonOf,
  makeWorld,
  McpSession,
  type Mode,
  plant,
  type Run,
  shown,
  trifecta,
  type World,
} from "./helpers.ts";

const PACK = "_ctx/context_pack.json";
const INDEX = "_ctx/context_index.db";

/** Codes a reader may give for a pack that is not a usable file. */
const PACK_ERRORS = ["PACK_CORRUPT", "PACK_NOT_FOUND", "NOT_A_REGULAR_FILE"];

async function sha(path: string): Promise<string> {
  const bytes = await Deno.readFile(path);
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(d, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A named error code: UPPER_SNAKE and not INTERNAL_ERROR. */
function assertNamedError(r: Run): string {
  assertNoCrash(r);
  assert.equal(r.code, 1, `expected exit 1 with a named error: ${shown(r)}`);
  const code = String(jsonOf(r).error_code ?? "");
  assert.match(code, /^[A-Z][A-Z0-9_]+$/, `no error_code: ${shown(r)}`);
  assert.notEqual(code, "INTERNAL_ERROR", shown(r));
  return code;
}

/** Search reads the index (a pack problem may not touch it): ok, or a named error. */
function assertOkOrNamed(r: Run): void {
  assertNoCrash(r);
  if (r.code !== 0) assertNamedError(r);
  else jsonOf(r);
}

/** A built world with enough files that the index has pages worth damaging. */
async function builtWorld(mode: Mode): Promise<{ w: World; ids: string[] }> {
  const w = await makeWorld();
  for (let i = 0; i < 60; i++) {
    const body = Array.from(
      { length: 8 },
      (_, j) =>
        `def handler_${i}_${j}(request: str) -> str:\n    """Handle inventory request ${i}.${j}."""\n    return request\n`,
    ).join("\n");
    await w.write(`gen/module_${i}.py`, body);
  }
  // An outside file a hostile pack may point at.
  await plant(w, "secret.py", { kind: "outpack", where: "outside" });
  assertOk(await trifecta(w, ["ctx", "build", "--json"], { mode }));
  const s = await trifecta(w, ["ctx", "search", "-q", "inventory", "-l", "5", "--json"], { mode });
  assertOk(s);
  return { w, ids: hitIds(s) };
}

/** Hostile pack files: each must give named errors from get and validate. */
function corruptPacks(real: string, w: World): Record<string, string> {
  const pack = JSON.parse(real);
  const outside = "../outside/secret.py";
  return {
    "chunks [null,5]": JSON.stringify({ ...pack, chunks: [null, 5], index: [null, 5] }),
    "chunks of wrong types": JSON.stringify({
      ...pack,
      chunks: [{ id: 5, text: null, title_path: "x", source_path: 7 }],
    }),
    "truncated": real.slice(0, Math.floor(real.length / 2)),
    "empty": "",
    "a JSON string": '"pack"',
    "nested 100000 deep": '{"schema_version":1,"chunks":' + "[".repeat(100_000) +
      "]".repeat(100_000) + "}",
    "source paths outside and denied": JSON.stringify({
      ...pack,
      source_files: [
        { path: outside, sha256: "0", mtime: 0, chars: 1, bytes: 1 },
        { path: ".env", sha256: "0", mtime: 0, chars: 1, bytes: 1 },
        { path: join(w.outside, "secret.py"), sha256: "0", mtime: 0, chars: 1, bytes: 1 },
      ],
    }),
  };
}

for (const mode of CLI_MODES) {
  Deno.test(`corrupt pack [${mode}]: get and validate give named errors for every hostile pack file`, async () => {
    const { w, ids } = await builtWorld(mode);
    const c = new Checks();
    const runs: Run[] = [];
    try {
      const real = await Deno.readTextFile(join(w.seg, PACK));
      for (const [name, text] of Object.entries(corruptPacks(real, w))) {
        await Deno.writeTextFile(join(w.seg, PACK), text);
        const get = await trifecta(w, ["ctx", "get", "-i", ids.join(","), "--json"], { mode });
        const val = await trifecta(w, ["ctx", "validate", "--json"], { mode });
        const search = await trifecta(w, ["ctx", "search", "-q", "inventory", "--json"], { mode });
        runs.push(get, val, search);
        // A pack whose structure is sound but whose source paths are hostile may still serve get.
        if (name.startsWith("source paths")) c.check(() => assertOkOrNamed(get));
        else c.check(() => assertError(get, PACK_ERRORS));
        c.check(() => {
          assertNoCrash(val);
          assert.equal(val.code, 1, `[${mode}] ${name}: validate must fail: ${shown(val)}`);
        });
        c.check(() => assertOkOrNamed(search));
      }
      // The pack made a directory.
      await Deno.remove(join(w.seg, PACK));
      await Deno.mkdir(join(w.seg, PACK));
      await Deno.writeTextFile(join(w.seg, PACK, "x.json"), "{}");
      const indexBefore = await sha(join(w.seg, INDEX));
      const get = await trifecta(w, ["ctx", "get", "-i", ids.join(","), "--json"], { mode });
      const val = await trifecta(w, ["ctx", "validate", "--json"], { mode });
      const search = await trifecta(w, ["ctx", "search", "-q", "inventory", "--json"], { mode });
      runs.push(get, val, search);
      c.check(() => assertError(get, PACK_ERRORS));
      c.check(() => assert.equal(val.code, 1, `validate on a pack directory: ${shown(val)}`));
      c.check(() => assertOkOrNamed(search));
      const build = await trifecta(w, ["ctx", "build", "--json"], { mode });
      runs.push(build);
      if (build.code === 0) {
        // It replaced the directory: then the result must be whole.
        const v = await trifecta(w, ["ctx", "validate", "--json"], { mode });
        c.check(() => assertOk(v));
      } else {
        c.check(() => assertNamedError(build));
        const after = await sha(join(w.seg, INDEX));
        c.check(() =>
          assert.equal(after, indexBefore, `[${mode}] a failed build replaced the index`)
        );
      }
      await c.leaks(w, { runs });
      c.done();
    } finally {
      await disposeWorld(w);
    }
  });

  Deno.test(`corrupt index [${mode}]: garbage in the index gives named errors, validate fails, a build repairs it`, async () => {
    const { w } = await builtWorld(mode);
    const c = new Checks();
    try {
      const path = join(w.seg, INDEX);
      const size = (await Deno.stat(path)).size;
      const f = await Deno.open(path, { write: true });
      await f.seek(Math.floor(size / 2), Deno.SeekMode.Start);
      await f.write(crypto.getRandomValues(new Uint8Array(8192)));
      f.close();
      for (const q of ["inventory", "handler request", "zebra"]) {
        const r = await trifecta(w, ["ctx", "search", "-q", q, "--json"], { mode });
        c.check(() => assertOkOrNamed(r));
      }
      const val = await trifecta(w, ["ctx", "validate", "--json"], { mode });
      c.check(() => {
        assertNoCrash(val);
        assert.equal(val.code, 1, `[${mode}] validate passes a damaged index: ${shown(val)}`);
      });
      // Variants: not SQLite at all, truncated, a directory.
      const variants: [string, () => Promise<void>][] = [
        ["garbage file", () => Deno.writeFile(path, crypto.getRandomValues(new Uint8Array(65536)))],
        ["truncated", () => Deno.truncate(path, 100)],
        ["directory", async () => {
          await Deno.remove(path);
          await Deno.mkdir(path);
        }],
      ];
      for (const [name, damage] of variants) {
        await damage();
        const s = await trifecta(w, ["ctx", "search", "-q", "inventory", "--json"], { mode });
        c.check(() => assertOkOrNamed(s));
        const v = await trifecta(w, ["ctx", "validate", "--json"], { mode });
        c.check(() => {
          assertNoCrash(v);
          assert.equal(
            v.code,
            1,
            `[${mode}] validate passes an index that is a ${name}: ${shown(v)}`,
          );
        });
        if (name === "directory") await Deno.remove(path, { recursive: true });
      }
      const b = await trifecta(w, ["ctx", "build", "--json"], { mode });
      c.check(() => assertOk(b));
      const v = await trifecta(w, ["ctx", "validate", "--json"], { mode });
      c.check(() => assertOk(v));
      c.done();
    } finally {
      await disposeWorld(w);
    }
  });

  Deno.test(`failed build [${mode}]: a build that cannot replace the index leaves the previous pack byte for byte`, async () => {
    const { w } = await builtWorld(mode);
    const c = new Checks();
    try {
      const packBefore = await sha(join(w.seg, PACK));
      await Deno.remove(join(w.seg, INDEX));
      await Deno.mkdir(join(w.seg, INDEX));
      await Deno.writeTextFile(join(w.seg, INDEX, "keep.txt"), "x");
      // A new file, so a build that got through would write a different pack.
      await w.write("gen/late.py", "def late() -> int:\n    return 1\n");
      const r = await trifecta(w, ["ctx", "build", "--json"], { mode });
      if (r.code === 0) {
        const v = await trifecta(w, ["ctx", "validate", "--json"], { mode });
        c.check(() => assertOk(v));
      } else {
        c.check(() => assertNamedError(r));
        const packAfter = await sha(join(w.seg, PACK));
        c.check(() =>
          assert.equal(packAfter, packBefore, `[${mode}] a failed build changed the pack`)
        );
      }
      const left = (await Array.fromAsync(Deno.readDir(join(w.seg, "_ctx")))).map((e) => e.name)
        .filter((n) => n.includes(".tmp"));
      c.check(() => assert.deepEqual(left, [], `[${mode}] temp files left in _ctx`));
      c.done();
    } finally {
      await disposeWorld(w);
    }
  });
}

Deno.test("corrupt pack [bundle]: a pack with chunks [null,5] gives PACK_CORRUPT from get", async () => {
  const { w, ids } = await builtWorld("bundle");
  const c = new Checks();
  try {
    const real = JSON.parse(await Deno.readTextFile(join(w.seg, PACK)));
    await Deno.writeTextFile(join(w.seg, PACK), JSON.stringify({ ...real, chunks: [null, 5] }));
    const get = await trifecta(w, ["ctx", "get", "-i", ids.join(","), "--json"], {
      mode: "bundle",
    });
    c.check(() => assertError(get, PACK_ERRORS));
    const val = await trifecta(w, ["ctx", "validate", "--json"], { mode: "bundle" });
    c.check(() => assert.equal(val.code, 1, shown(val)));
    c.done();
  } finally {
    await disposeWorld(w);
  }
});

Deno.test({
  name:
    "corrupt pack [mcp]: get and search on a corrupt pack and index answer with tool errors, the server stays up",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const { w, ids } = await builtWorld("A");
    const c = new Checks();
    let s: McpSession | undefined;
    try {
      const real = JSON.parse(await Deno.readTextFile(join(w.seg, PACK)));
      s = await McpSession.start(w);
      await Deno.writeTextFile(join(w.seg, PACK), JSON.stringify({ ...real, chunks: [null, 5] }));
      const path = join(w.seg, INDEX);
      await Deno.writeFile(path, crypto.getRandomValues(new Uint8Array(65536)));
      for (
        const [tool, args] of [
          ["get", { ids }],
          ["search", { query: "inventory" }],
        ] as const
      ) {
        const a = await s.call(tool, args);
        c.check(() => {
          assert.ok(!a.text.includes("INTERNAL_ERROR"), `mcp ${tool}: ${a.text.slice(0, 500)}`);
          if (a.isError) assert.match(String(a.structured.error_code), /^[A-Z][A-Z0-9_]+$/);
        });
      }
      const alive = await s.call("skeleton", { path: "gen/module_1.py" });
      c.check(() => assert.ok(!alive.isError, "the server still answers"));
      await s.close();
      c.check(() => assert.deepEqual(s!.junk, []));
      await c.leaks(w, { texts: s.texts() });
      c.done();
    } finally {
      await s?.close();
      await disposeWorld(w);
    }
  },
});
