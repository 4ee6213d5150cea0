import assert from "node:assert/strict";
import posix from "node:path/posix";
import fc from "fast-check";
import { basename, dirname, isAbsolute, join, normalize, relative, resolve } from "../lib/path.ts";

// Paths built from the characters that matter to path logic.
const pathLike = fc.array(fc.constantFrom("a", "b", ".", "/", "é"), { maxLength: 12 }).map((cs) =>
  cs.join("")
);

Deno.test("path functions give node:path/posix's results on generated paths", () => {
  fc.assert(
    fc.property(pathLike, pathLike, pathLike, (p, q, r) => {
      assert.equal(normalize(p), posix.normalize(p), `normalize ${p}`);
      assert.equal(isAbsolute(p), posix.isAbsolute(p));
      assert.equal(basename(p), posix.basename(p), `basename ${p}`);
      assert.equal(dirname(p), posix.dirname(p), `dirname ${p}`);
      assert.equal(join(p, q, r), posix.join(p, q, r), `join ${p} ${q} ${r}`);
      assert.equal(join(p), posix.join(p));
      assert.equal(resolve(p, q), posix.resolve(p, q), `resolve ${p} ${q}`);
      assert.equal(relative(p, q), posix.relative(p, q), `relative ${p} ${q}`);
    }),
    { numRuns: 5000 },
  );
});

Deno.test("path functions handle the edge cases named in their docs", () => {
  assert.equal(join(), ".");
  assert.equal(join("", ""), ".");
  assert.equal(normalize("/a//b/../c/"), "/a/c/");
  assert.equal(normalize("a/.."), ".");
  assert.equal(normalize("a/../"), "./");
  assert.equal(resolve("/seg", "src/../lib"), "/seg/lib");
  assert.equal(resolve("rel"), `${Deno.cwd()}/rel`);
  assert.equal(relative("/seg/src", "/seg/lib/a.py"), "../lib/a.py");
  assert.equal(relative("/seg", "/seg/"), "");
  assert.equal(dirname("//a"), "//");
  assert.equal(dirname("/"), "/");
  assert.equal(basename("/seg/src/"), "src");
  assert.equal(basename("/"), "");
});
