import assert from "node:assert/strict";
import { chunkId, parseChunkId } from "../../lib/context/ids.ts";
import { codePointLength, normalizeNewlines, previewOf } from "../../lib/context/text.ts";
import { TrifectaError } from "../../lib/errors.ts";

Deno.test("normalizeNewlines turns CRLF and lone CR into LF and adds a final newline", () => {
  assert.equal(normalizeNewlines("a\r\nb\rc"), "a\nb\nc\n");
  assert.equal(normalizeNewlines("x\n"), "x\n");
  assert.equal(normalizeNewlines(""), "");
});

Deno.test("codePointLength counts astral characters once", () => {
  assert.equal(codePointLength("a😀b"), 3);
  assert.equal(codePointLength("ñ"), 1);
});

Deno.test("previewOf keeps short text and cuts long text at 200 code points", () => {
  assert.equal(previewOf("short"), "short");
  const long = "x".repeat(250);
  assert.equal(previewOf(long), "x".repeat(200) + "...");
});

Deno.test("chunkId is kind:path:hash10, stable for equal content and different for other content", () => {
  const a = chunkId("doc", "docs/a.md", { title: "A", text: "hello\n" });
  assert.match(a, /^doc:docs\/a\.md:[0-9a-f]{10}$/);
  assert.equal(chunkId("doc", "docs/a.md", { title: "A", text: "hello\n" }), a);
  assert.notEqual(chunkId("doc", "docs/a.md", { title: "A", text: "hello!\n" }), a);
  assert.notEqual(chunkId("doc", "docs/a.md", { title: "B", text: "hello\n" }), a);
});

Deno.test("parseChunkId splits kind, path and hash", () => {
  assert.deepEqual(parseChunkId("code:src/a.py:0123456789"), {
    kind: "code",
    path: "src/a.py",
    hash: "0123456789",
  });
  assert.deepEqual(parseChunkId("plain"), { kind: "unknown", path: "", hash: "plain" });
});

Deno.test("parseChunkId refuses ids whose path climbs out of the segment", () => {
  for (
    const id of ["doc:../secret.md:abc", "doc:a/../../b.md:abc", "code:/etc/passwd:abc", "../x"]
  ) {
    assert.throws(
      () => parseChunkId(id),
      (e: unknown) => e instanceof TrifectaError && e.code === "PATH_TRAVERSAL",
    );
  }
});

Deno.test("previewOf keeps the first 200 code points, trimmed, never cutting a surrogate pair", () => {
  assert.equal(previewOf("😀".repeat(200)), "😀".repeat(200), "200 code points: whole");
  assert.equal(previewOf("😀".repeat(201)), `${"😀".repeat(200)}...`);
  assert.equal(previewOf(`${"a".repeat(199)}😀b`), `${"a".repeat(199)}😀...`);
  assert.equal(previewOf(`${" ".repeat(10)}${"b".repeat(300)}`), `${"b".repeat(190)}...`);
  assert.equal(previewOf("short"), "short");
});
