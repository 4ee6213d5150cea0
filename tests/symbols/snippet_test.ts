import assert from "node:assert/strict";
import { join } from "node:path";
import { TrifectaError } from "../../lib/errors.ts";
import { resolveSegment } from "../../lib/segment/mod.ts";
import { discloseSymbol, resolveSymbol } from "../../lib/symbols/mod.ts";

const GHP = "ghp_" + "Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2";
const OUTSIDE = "OUTSIDE_MARKER_e41a";

async function withSegment(fn: (dir: string, outside: string) => Promise<void>): Promise<void> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-snip-" }));
  const outside = await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-snip-out-" }));
  try {
    await Deno.writeTextFile(
      join(dir, "client.py"),
      `class Client:\n    TOKEN = "${GHP}"\n\n    def call(self):\n        return self.TOKEN\n`,
    );
    await Deno.writeTextFile(join(outside, "client.py"), `class Client:\n    X = "${OUTSIDE}"\n`);
    await fn(dir, outside);
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(outside, { recursive: true });
  }
}

Deno.test("snippet: raw and excerpt show the file's text with secrets masked, lines kept", async () => {
  await withSegment(async (dir) => {
    const seg = await resolveSegment(dir);
    const resolved = await resolveSymbol(seg, "sym://python/type/client/Client");
    for (const mode of ["raw", "excerpt"] as const) {
      const r = await discloseSymbol(resolved, { mode });
      assert.ok(!r.disclosure.content.includes(GHP), mode);
      assert.match(r.disclosure.content, /TOKEN = "<SECRET_REDACTED:github-token>"/);
      assert.match(r.disclosure.content, /def call\(self\):/);
      assert.equal(r.disclosure.range.end_line, 5);
    }
  });
});

Deno.test("snippet: a file swapped for a symlink out after resolving is refused, never read", async () => {
  await withSegment(async (dir, outside) => {
    const seg = await resolveSegment(dir);
    const resolved = await resolveSymbol(seg, "sym://python/type/client/Client");
    await Deno.remove(join(dir, "client.py"));
    await Deno.symlink(join(outside, "client.py"), join(dir, "client.py"));
    await assert.rejects(
      discloseSymbol(resolved, { mode: "raw" }),
      (err: unknown) =>
        err instanceof TrifectaError && err.code === "PATH_OUTSIDE_SEGMENT" &&
        !err.message.includes(OUTSIDE),
    );
  });
});

Deno.test("snippet: a file edited after resolving is FILE_CHANGED (raw-bytes hash against the skeleton's)", async () => {
  await withSegment(async (dir) => {
    const seg = await resolveSegment(dir);
    const resolved = await resolveSymbol(seg, "sym://python/type/client/Client");
    await Deno.writeTextFile(join(dir, "client.py"), "class Client:\n    pass\n");
    await assert.rejects(
      discloseSymbol(resolved, { mode: "excerpt" }),
      (err: unknown) => err instanceof TrifectaError && err.code === "FILE_CHANGED",
    );
    // Unchanged bytes (a secret in them) still match: masking does not change the hash.
    const again = await resolveSymbol(seg, "sym://python/type/client/Client");
    assert.equal((await discloseSymbol(again, { mode: "raw" })).disclosure.range.start_line, 1);
  });
});
