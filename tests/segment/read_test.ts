import assert from "node:assert/strict";
import { join } from "node:path";
import {
  decodeUtf8,
  type DisclosureMode,
  looksBinary,
  readInsideSync,
  resolveSegment,
} from "../../lib/segment/mod.ts";

Deno.test("read boundary counts the bytes it read under the given disclosure mode", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "a.py"), "héllo = 1\n");
    const seg = await resolveSegment(dir);
    const seen: [DisclosureMode, number][] = [];
    const src = readInsideSync(seg, "a.py", {
      mode: "excerpt",
      onRead: (m, n) => seen.push([m, n]),
    });
    assert.equal(src.text, "héllo = 1\n");
    assert.equal(src.bytes, 11);
    assert.deepEqual(seen, [["excerpt", 11]]); // é is two bytes
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("decodeUtf8 replaces invalid UTF-8; looksBinary looks for NUL in the first 8 KiB", () => {
  assert.equal(decodeUtf8(new Uint8Array([0x61, 0xff, 0xfe, 0x62, 0x0a])), "a\uFFFD\uFFFDb\n");
  assert.equal(looksBinary(new Uint8Array([1, 0, 2, 3])), true);
  assert.equal(looksBinary(new TextEncoder().encode("plain text\n")), false);
  const late = new Uint8Array(9000).fill(0x61);
  late[8999] = 0;
  assert.equal(looksBinary(late), false);
});
