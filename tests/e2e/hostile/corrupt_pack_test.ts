/**
 * Corrupt packs and indexes (issue 12, class 8): whatever is in `_ctx/`,
 * `ctx search|get|validate` answer with a named error (never
 * INTERNAL_ERROR or a stack trace), `ctx validate` catches a damaged index,
 * and a build never deletes what it finds in the pack's place.
 *
 * Since issue 16 the pack and its index are one SQLite file
 * (`_ctx/context_pack.db`, texts DEFLATE-compressed): hostile rows are SQL
 * edits in place (same inode, so the pack stays trusted and the shape
 * checks are what refuse it), hostile files are bytes written over it.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { deflateRawSync } from "node:zlib";
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

/** The pack and its search index: one database since issue 16. */
const PACK = "_ctx/context_pack.db";
const INDEX = PACK;

/** Codes a reader may give for a pack whose rows are not a pack. */
const PACK_ERRORS = ["PACK_CORRUPT", "PACK_NOT_FOUND", "NOT_A_REGULAR_FILE"];
/** Codes a reader may give for a pack file that is not a whole database. */
const FILE_ERRORS = [...PACK_ERRORS, "INDEX_CORRUPT", "PACK_UNTRUSTED"];

/** Run `sql` on the pack in place (same inode: this machine's stamp still holds). */
function sqlEdit(path: string, sql: string): void {
  const db = new DatabaseSync(path);
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
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

/**
 * `build` moved what stood in the pack's place aside (named in its report),
 * and `file` is still in the moved directory.
 */
async function assertMovedAside(w: World, build: Run, file: string, mode: Mode): Promise<void> {
  const moved = (jsonOf(build).moved_aside ?? []) as string[];
  assert.equal(moved.length, 1, `[${mode}] the build names no moved-aside path: ${shown(build)}`);
  const kept = await Deno.stat(join(w.seg, moved[0] ?? "", file));
  assert.ok(kept.isFile, `[${mode}] ${file} is gone from the moved directory`);
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

/** One hostile pack: how to make it, and what `ctx get` of the built ids may answer. */
interface Corruption {
  damage: (path: string) => Promise<void>;
  /** Named codes get may give; undefined: get may also answer (the rows it reads are sound). */
  get?: readonly string[];
}

function sql(text: string): (path: string) => Promise<void> {
  return (path) => Promise.resolve(sqlEdit(path, text));
}

/** Hostile pack files: each must give named errors from get and validate. */
function corruptPacks(real: Uint8Array, w: World): Record<string, Corruption> {
  const quote = (t: string) => `'${t.replaceAll("'", "''")}'`;
  // Inflates to 32 MiB, past the 16 MiB a file's texts may hold.
  const bomb = Array.from(
    deflateRawSync(new Uint8Array(32 * 1024 * 1024)),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
  return {
    "chunks of an unknown kind": { damage: sql("UPDATE chunks SET kind = 'x'"), get: PACK_ERRORS },
    "chunks of wrong types": {
      damage: sql("UPDATE chunks SET title_path = '5', start_line = 'x', symbol_names = '{'"),
      get: PACK_ERRORS,
    },
    "title_path nested 100000 deep": {
      damage: sql(`UPDATE chunks SET title_path = '${"[".repeat(100_000)}${"]".repeat(100_000)}'`),
      get: PACK_ERRORS,
    },
    "texts not DEFLATE": { damage: sql("UPDATE source_files SET texts = X'05'"), get: PACK_ERRORS },
    "texts a DEFLATE bomb": {
      damage: sql(`UPDATE source_files SET texts = X'${bomb}'`),
      get: PACK_ERRORS,
    },
    "truncated": {
      damage: (path) => Deno.truncate(path, Math.floor(real.length / 2)),
      get: FILE_ERRORS,
    },
    "empty": { damage: (path) => Deno.truncate(path, 0), get: FILE_ERRORS },
    "a JSON string": { damage: (path) => Deno.writeTextFile(path, '"pack"'), get: FILE_ERRORS },
    "source paths outside and denied": {
      damage: sql(
        `UPDATE source_files SET path = ${quote("../outside/secret.py")} WHERE ord = 0;
         UPDATE source_files SET path = '.env' WHERE ord = 1;
         UPDATE source_files SET path = ${quote(join(w.outside, "secret.py"))} WHERE ord = 2;`,
      ),
    },
  };
}

for (const mode of CLI_MODES) {
  Deno.test(`corrupt pack [${mode}]: get and validate give named errors for every hostile pack file`, async () => {
    const { w, ids } = await builtWorld(mode);
    const c = new Checks();
    const runs: Run[] = [];
    try {
      const path = join(w.seg, PACK);
      const real = await Deno.readFile(path);
      for (const [name, bad] of Object.entries(corruptPacks(real, w))) {
        // Back to the built bytes, written into the same inode (still trusted).
        await Deno.writeFile(path, real);
        await bad.damage(path);
        const get = await trifecta(w, ["ctx", "get", "-i", ids.join(","), "--json"], { mode });
        const val = await trifecta(w, ["ctx", "validate", "--json"], { mode });
        const search = await trifecta(w, ["ctx", "search", "-q", "inventory", "--json"], { mode });
        runs.push(get, val, search);
        // A pack whose structure is sound but whose source paths are hostile may still serve get.
        if (bad.get === undefined) c.check(() => assertOkOrNamed(get));
        else c.check(() => assertError(get, [...(bad.get ?? [])]));
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
        // It replaced the directory: then the result must be whole, and the
        // directory moved aside, not deleted.
        const v = await trifecta(w, ["ctx", "validate", "--json"], { mode });
        c.check(() => assertOk(v));
        await c.checkAsync(() => assertMovedAside(w, build, "x.json", mode));
      } else {
        c.check(() => assertNamedError(build));
        const kept = await Deno.readTextFile(join(w.seg, PACK, "x.json"));
        c.check(() => assert.equal(kept, "{}", `[${mode}] a failed build changed the directory`));
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

  Deno.test(`failed build [${mode}]: a directory in the pack's place is moved aside with its files, never deleted, and no temp file stays`, async () => {
    const { w } = await builtWorld(mode);
    const c = new Checks();
    try {
      await Deno.remove(join(w.seg, PACK));
      await Deno.mkdir(join(w.seg, PACK));
      await Deno.writeTextFile(join(w.seg, PACK, "keep.txt"), "x");
      // A new file, so the pack the build writes must hold it.
      await w.write("gen/late.py", "def late() -> int:\n    return 1\n");
      const r = await trifecta(w, ["ctx", "build", "--json"], { mode });
      c.check(() => assertOk(r));
      const v = await trifecta(w, ["ctx", "validate", "--json"], { mode });
      c.check(() => assertOk(v));
      await c.checkAsync(() => assertMovedAside(w, r, "keep.txt", mode));
      const s = await trifecta(w, ["ctx", "search", "-q", "late", "--json"], { mode });
      c.check(() =>
        assert.ok(
          hitIds(s).some((id) => id.includes("gen/late.py")),
          `[${mode}] the new pack misses the new file: ${shown(s)}`,
        )
      );
      const left = (await Array.fromAsync(Deno.readDir(join(w.seg, "_ctx")))).map((e) => e.name)
        .filter((n) => n.includes(".tmp"));
      c.check(() => assert.deepEqual(left, [], `[${mode}] temp files left in _ctx`));
      c.done();
    } finally {
      await disposeWorld(w);
    }
  });
}

Deno.test("corrupt pack [bundle]: a pack whose chunk rows are of no known kind gives PACK_CORRUPT from get", async () => {
  const { w, ids } = await builtWorld("bundle");
  const c = new Checks();
  try {
    sqlEdit(join(w.seg, PACK), "UPDATE chunks SET kind = 'x'");
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
      // No session watcher: its start-up sync would open the pack while this
      // test edits it in place (trifecta deletes a foreign -journal it finds).
      s = await McpSession.start(w, { args: ["--no-watch"] });
      const path = join(w.seg, PACK);
      // First bad rows in the sound database, then garbage over the whole file.
      const damages: [string, () => Promise<void>][] = [
        ["rows of no known kind", sql("UPDATE chunks SET kind = 'x'").bind(null, path)],
        ["garbage", () => Deno.writeFile(path, crypto.getRandomValues(new Uint8Array(65536)))],
      ];
      for (const [name, damage] of damages) {
        await damage();
        for (
          const [tool, args] of [["get", { ids }], ["search", { query: "inventory" }]] as const
        ) {
          const a = await s.call(tool, args);
          c.check(() => {
            assert.ok(
              !a.text.includes("INTERNAL_ERROR"),
              `mcp ${tool} (${name}): ${a.text.slice(0, 500)}`,
            );
            if (a.isError) assert.match(String(a.structured.error_code), /^[A-Z][A-Z0-9_]+$/);
          });
        }
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
