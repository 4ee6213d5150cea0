import assert from "node:assert/strict";
import fc from "fast-check";
import { isAbsolute, resolve } from "node:path";
import { relpath } from "../../lib/segment/mod.ts";
import { redactString, redactValue } from "../../lib/telemetry/redact.ts";

const part = fc.stringMatching(/^[A-Za-z0-9_.-]{1,8}$/);
const absPath = fc.array(part, { minLength: 1, maxLength: 5 }).map((p) => "/" + p.join("/"));
const relPath = fc.array(fc.oneof(part, fc.constant("..")), { minLength: 1, maxLength: 6 }).map((
  p,
) => p.join("/"));
const ROOT = "/home/alice/repo";

Deno.test("relpath never returns an absolute path or a climbing path", () => {
  fc.assert(
    fc.property(fc.oneof(absPath, relPath), (target) => {
      const r = relpath(ROOT, target);
      assert.ok(!isAbsolute(r), r);
      assert.ok(!r.split("/").includes(".."), r);
      if (!r.startsWith("external/")) assert.equal(resolve(ROOT, r), resolve(ROOT, target));
      else assert.match(r, /^external\/[0-9a-f]{8}-[^/]*$/);
    }),
    { numRuns: 2000 },
  );
});

const word = fc.stringMatching(/^[A-Za-z0-9]{1,10}$/);
// Separators that cannot be part of a path (`=` and `:` can: see docs/bad_inputs.md).
const sep = fc.constantFrom(" ", "\t", '"', "'", "(", ",", "\n");
const anyAbs = fc.oneof(
  absPath,
  absPath.map((p) => "~" + p),
  absPath.map((p) => "file://" + p),
  fc.array(part, { minLength: 1, maxLength: 3 }).map((p) => "C:\\" + p.join("\\")),
);

Deno.test("redaction: no absolute path, home path or file:// URI survives", () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(sep, fc.oneof(word, anyAbs)), { maxLength: 8 }), (items) => {
      const s = items.map(([a, b]) => a + b).join("");
      const out = redactString(s);
      assert.ok(!out.includes("/"), `${s} → ${out}`);
      assert.ok(!out.includes("\\"), `${s} → ${out}`);
      assert.ok(!out.includes("~"), `${s} → ${out}`);
      assert.ok(!/file:/i.test(out), `${s} → ${out}`);
    }),
    { numRuns: 2000 },
  );
});

Deno.test("redaction: paths under the segment root become relative, the root never survives", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.tuple(
          sep,
          fc.oneof(
            word,
            absPath,
            absPath.map((p) => ROOT + p),
          ),
        ),
        { maxLength: 8 },
      ),
      (items) => {
        const out = redactString(items.map(([a, b]) => a + b).join(""), { root: ROOT });
        assert.ok(!out.includes(ROOT), out);
        assert.ok(!/(^|[\s=("',:])\//.test(out), out);
      },
    ),
    { numRuns: 2000 },
  );
});

const local = fc.stringMatching(/^[A-Za-z0-9._%+-]{1,12}$/);
const domain = fc.array(fc.stringMatching(/^[A-Za-z0-9-]{1,8}$/), { minLength: 1, maxLength: 3 });
const tld = fc.stringMatching(/^[A-Za-z]{2,6}$/);
const email = fc.tuple(local, domain, tld).map(([l, d, t]) => `${l}@${d.join(".")}.${t}`);
const around = fc.stringMatching(/^[A-Za-z0-9_ ]{0,8}$/);

Deno.test("redaction: no e-mail address survives, whatever word characters surround it", () => {
  fc.assert(
    fc.property(around, email, around, fc.boolean(), (a, e, b, piiAllow) => {
      const out = redactString(a + e + b, { root: ROOT, piiAllow });
      assert.ok(!out.includes("@"), `${a + e + b} → ${out}`);
      const keyed = JSON.stringify(redactValue({ [e]: e }, { root: ROOT }));
      assert.ok(!keyed.includes("@"), keyed);
    }),
    { numRuns: 2000 },
  );
});
