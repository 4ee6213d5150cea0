import assert from "node:assert/strict";
import fc from "fast-check";
import { chunkId, parseChunkId } from "../../lib/context/ids.ts";
import { TrifectaError } from "../../lib/errors.ts";

const part = fc.stringMatching(/^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,7}$/).filter((p) => p !== "..");
const safePath = fc.array(part, { minLength: 1, maxLength: 4 }).map((p) => p.join("/"));
const kind = fc.constantFrom("doc", "code", "header", "config");

Deno.test("chunk ids are stable, content-derived and parse back", () => {
  fc.assert(
    fc.property(
      kind,
      safePath,
      fc.string(),
      fc.string(),
      fc.string(),
      (k, path, title, text, other) => {
        const id = chunkId(k, path, { title, text });
        assert.equal(chunkId(k, path, { title, text }), id);
        assert.match(id, /:[0-9a-f]{10}$/);
        if (other !== text) assert.notEqual(chunkId(k, path, { title, text: other }), id);
        const parsed = parseChunkId(id);
        assert.deepEqual([parsed.kind, parsed.path], [k, path]);
      },
    ),
    { numRuns: 1000 },
  );
});

Deno.test("chunk ids: any id that parses has no traversal; .. and absolute ids are refused", () => {
  const hostile = fc.tuple(
    kind,
    fc.array(fc.oneof(part, fc.constant(".."), fc.constant("")), { maxLength: 5 }),
    fc.constantFrom("", "/", "\\"),
  )
    .map(([k, parts, lead]) =>
      `${lead}${k}:${parts.join(fc.sample(fc.constantFrom("/", "\\"), 1)[0])}:abc`
    );
  fc.assert(
    fc.property(fc.oneof(hostile, fc.string()), (id) => {
      try {
        const p = parseChunkId(id);
        assert.ok(!p.path.split(/[\\/]/).includes(".."), id);
        assert.ok(!/^[\\/]/.test(p.path), id);
      } catch (err) {
        assert.ok(err instanceof TrifectaError);
        assert.equal(err.code, "PATH_TRAVERSAL");
      }
    }),
    { numRuns: 2000 },
  );
});
