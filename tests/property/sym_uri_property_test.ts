import assert from "node:assert/strict";
import fc from "fast-check";
import { formatSymbolUri, parseSymbolUri } from "../../lib/symbols/mod.ts";
import { TrifectaError } from "../../lib/errors.ts";

const ident = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/);
const lang = fc.constantFrom("python", "py", "typescript", "javascript");

Deno.test("sym:// parsing never throws anything but INVALID_URI", () => {
  const near = fc.tuple(
    fc.constantFrom("sym://", "sym:/", "", "sym://python/", "sym://py/type/"),
    fc.string({ unit: "grapheme", maxLength: 60 }),
  )
    .map(([a, b]) => a + b);
  fc.assert(
    fc.property(fc.oneof(fc.string({ maxLength: 80 }), near), (uri) => {
      try {
        parseSymbolUri(uri);
      } catch (err) {
        assert.ok(err instanceof TrifectaError, String(err));
        assert.equal(err.code, "INVALID_URI");
      }
    }),
    { numRuns: 3000 },
  );
});

Deno.test("sym:// valid URIs round-trip through parse and format", () => {
  const mod = fc.tuple(
    lang,
    fc.array(ident, { minLength: 1, maxLength: 4 }),
    fc.constantFrom("/", "."),
  )
    .map(([l, parts, sep]) => `sym://${l}/mod/${parts.join(sep)}`);
  const type = fc.tuple(
    lang,
    fc.array(ident, { minLength: 2, maxLength: 4 }),
    fc.option(fc.array(ident, { minLength: 1, maxLength: 3 })),
  )
    .map(([l, parts, member]) =>
      `sym://${l}/type/${parts.join("/")}${member ? "#" + member.join(".") : ""}`
    );
  fc.assert(
    fc.property(fc.oneof(mod, type), (uri) => {
      const q = parseSymbolUri(uri);
      assert.equal(formatSymbolUri(q), uri);
      assert.ok(!q.path.split("/").includes(".."));
    }),
    { numRuns: 2000 },
  );
});
