import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fc from "fast-check";
import { sha256, sha256Hex } from "../lib/sha256.ts";

Deno.test("sha256Hex matches the FIPS 180-4 examples", () => {
  assert.equal(
    sha256Hex("abc"),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
  assert.equal(
    sha256Hex(""),
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  );
  assert.equal(
    sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
  );
});

Deno.test("sha256 agrees with node:crypto on strings and bytes of every padding length", () => {
  // Lengths around the 55/56/64-byte block boundaries, where padding changes shape.
  for (let n = 0; n < 200; n++) {
    const bytes = new Uint8Array(n).map((_, i) => (i * 31 + n) & 0xff);
    assert.equal(sha256Hex(bytes), createHash("sha256").update(bytes).digest("hex"), `n=${n}`);
  }
  fc.assert(
    fc.property(fc.string({ unit: "grapheme", maxLength: 300 }), (s) => {
      assert.equal(sha256Hex(s), createHash("sha256").update(s).digest("hex"));
    }),
    { numRuns: 2000 },
  );
  assert.equal(sha256("x").length, 32);
});
