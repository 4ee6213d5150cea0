import assert from "node:assert/strict";
import { join } from "node:path";
import { type DisclosureMode, readSource } from "../../lib/segment/mod.ts";
import { TrifectaError } from "../../lib/errors.ts";

Deno.test("readSource counts the bytes it read under the given disclosure mode", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = join(dir, "a.py");
    await Deno.writeTextFile(file, "héllo = 1\n");
    const seen: [DisclosureMode, number][] = [];
    const src = await readSource(file, { mode: "excerpt", onRead: (m, n) => seen.push([m, n]) });
    assert.equal(src.text, "héllo = 1\n");
    assert.deepEqual(seen, [["excerpt", 11]]); // é is two bytes
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readSource replaces invalid UTF-8 and refuses binary and oversized files", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const bad = join(dir, "bad.py");
    await Deno.writeFile(bad, new Uint8Array([0x61, 0xff, 0xfe, 0x62, 0x0a]));
    assert.equal((await readSource(bad)).text, "a\uFFFD\uFFFDb\n");
    const bin = join(dir, "bin.py");
    await Deno.writeFile(bin, new Uint8Array([1, 0, 2, 3]));
    await assert.rejects(
      readSource(bin),
      (e: unknown) => e instanceof TrifectaError && e.code === "BINARY_FILE",
    );
    const big = join(dir, "big.py");
    await Deno.writeTextFile(big, "x".repeat(100));
    await assert.rejects(
      readSource(big, { maxBytes: 10 }),
      (e: unknown) => e instanceof TrifectaError && e.code === "FILE_TOO_LARGE",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
