import assert from "node:assert/strict";
import { TrifectaError } from "../../lib/errors.ts";
import {
  formatSymbolUri,
  MSG_BAD_CHARS,
  MSG_BAD_KIND,
  MSG_BAD_MEMBER,
  MSG_BAD_PATH,
  MSG_BAD_PREFIX,
  MSG_EMPTY_MEMBER,
  MSG_KIND_AND_PATH,
  MSG_MOD_FRAGMENT,
  MSG_TYPE_NEEDS_MODULE,
  parseSymbolUri,
} from "../../lib/symbols/mod.ts";

function invalidWith(uri: string, message: string): void {
  assert.throws(
    () => parseSymbolUri(uri),
    (err: unknown) => {
      assert.ok(err instanceof TrifectaError, `${uri}: not a TrifectaError`);
      assert.equal(err.code, "INVALID_URI", uri);
      assert.equal(err.message, message, uri);
      assert.equal(err.exitCode, 1);
      assert.ok(err.nextSteps.some((s) => s.includes("sym://<lang>/<kind>/<path>")));
      return true;
    },
  );
}

Deno.test("parse: upstream examples give (kind, path, member)", () => {
  const mod = parseSymbolUri("sym://python/mod/pkg/utils");
  assert.deepEqual(
    [mod.lang, mod.kind, mod.path, mod.member],
    ["python", "mod", "pkg/utils", undefined],
  );
  const type = parseSymbolUri("sym://python/type/pkg/user/User");
  assert.deepEqual([type.kind, type.path, type.member], ["type", "pkg/user/User", undefined]);
  const member = parseSymbolUri("sym://python/type/foo/Bar#baz");
  assert.deepEqual([member.kind, member.path, member.member], ["type", "foo/Bar", "baz"]);
});

Deno.test("parse: py is an alias of python and typescript/javascript are accepted", () => {
  const py = parseSymbolUri("sym://py/mod/a.b");
  assert.equal(py.lang, "python");
  assert.equal(py.langAlias, "py");
  assert.equal(parseSymbolUri("sym://typescript/type/web/api/InventoryClient").lang, "typescript");
  assert.equal(parseSymbolUri("sym://javascript/mod/lib/index").lang, "javascript");
});

Deno.test("parse: dotted member paths are kept whole", () => {
  const q = parseSymbolUri("sym://python/type/src.inventory.models/Inventory#Snapshot.quantity_of");
  assert.equal(q.path, "src.inventory.models/Inventory");
  assert.equal(q.member, "Snapshot.quantity_of");
});

Deno.test("parse: wrong scheme or unknown language keeps the predecessor's prefix message", () => {
  for (
    const uri of [
      "python/mod/a",
      "sym:/python/mod/a",
      "sym://cobol/mod/a",
      "sym://pyth/mod/a",
      "sym://Python/mod/a",
      "sym://python",
      "sym://",
      "",
      "sym://constructor/mod/a",
    ]
  ) invalidWith(uri, MSG_BAD_PREFIX);
  assert.ok(MSG_BAD_PREFIX.startsWith("URI must start with sym://python/"));
});

Deno.test("parse: missing kind or path is 'URI must contain kind and path'", () => {
  for (
    const uri of ["sym://python/", "sym://python/mod", "sym://python/mod/", "sym://python/type/#x"]
  ) {
    invalidWith(uri, MSG_KIND_AND_PATH);
  }
  assert.equal(MSG_KIND_AND_PATH, "URI must contain kind and path");
});

Deno.test("parse: unknown kind is 'Kind must be mod or type'", () => {
  for (
    const uri of [
      "sym://python/func/x",
      "sym://python/MOD/x",
      "sym://python//x",
      "sym://python/mod#a/b",
    ]
  ) {
    invalidWith(uri, MSG_BAD_KIND);
  }
  assert.equal(MSG_BAD_KIND, "Kind must be mod or type");
});

Deno.test("parse: a fragment on mod is 'Kind 'mod' should not have fragment'", () => {
  invalidWith("sym://python/mod/src.example#Bar", MSG_MOD_FRAGMENT);
  assert.equal(MSG_MOD_FRAGMENT, "Kind 'mod' should not have fragment");
});

Deno.test("parse: an empty or malformed member is refused", () => {
  invalidWith("sym://python/type/a/B#", MSG_EMPTY_MEMBER);
  for (
    const uri of [
      "sym://python/type/a/B#c..d",
      "sym://python/type/a/B#.c",
      "sym://python/type/a/B#c/d",
      "sym://python/type/a/B#c#d",
    ]
  ) {
    invalidWith(uri, MSG_BAD_MEMBER);
  }
});

Deno.test("parse: absolute, climbing or empty path parts are refused before any file is touched", () => {
  for (
    const uri of [
      "sym://python/mod//etc/passwd",
      "sym://python/mod/../secrets",
      "sym://python/mod/a/../../b",
      "sym://python/mod/a//b",
      "sym://python/mod/a/./b",
      "sym://python/mod/a..b",
      "sym://python/mod/a\\b",
      "sym://python/type/a/",
    ]
  ) invalidWith(uri, MSG_BAD_PATH);
});

Deno.test("parse: a type path without a module part is refused", () => {
  invalidWith("sym://python/type/Foo", MSG_TYPE_NEEDS_MODULE);
});

Deno.test("parse: control characters and over-long URIs are refused", () => {
  invalidWith("sym://python/mod/a\nb", MSG_BAD_CHARS);
  invalidWith("sym://python/mod/a\u0000", MSG_BAD_CHARS);
  invalidWith(`sym://python/mod/${"a".repeat(1100)}`, MSG_BAD_CHARS);
});

Deno.test("parse: formatSymbolUri round-trips through parseSymbolUri", () => {
  for (
    const uri of [
      "sym://py/mod/src.example",
      "sym://python/type/src/inventory/models/Inventory#Snapshot.quantity_of",
      "sym://typescript/type/web/api/InventoryClient#getItem",
    ]
  ) {
    const q = parseSymbolUri(uri);
    assert.equal(formatSymbolUri(q), uri);
  }
});
