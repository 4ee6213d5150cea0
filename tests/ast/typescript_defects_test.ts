import assert from "node:assert/strict";
import { join } from "node:path";
import { type FileSkeleton, parseSkeleton, tagsOfFiles } from "../../lib/ast/mod.ts";
import { TrifectaError } from "../../lib/errors.ts";
import { resolveSegment } from "../../lib/segment/mod.ts";
import { parseSymbolUri, resolveSymbol, symbolUriMaker } from "../../lib/symbols/mod.ts";
import { rows, symbol, withTempDir } from "./helpers.ts";

// The four TypeScript/JavaScript defects of issue 14, each on the smallest
// source that shows it (real-code shapes: eslint rules, Deno.test calls,
// vscode-languageserver namespaces, hono's `#dispatch`).

function parseTs(source: string, rel = "defects.ts"): Promise<FileSkeleton> {
  const language = rel.endsWith(".js") ? "javascript" : "typescript";
  return parseSkeleton({ rel, language, bytes: new TextEncoder().encode(source) });
}

/** A body of `lines` statements: long enough for the query to skip it (pruned). */
function bigBody(lines: number): string {
  return Array.from({ length: lines }, (_, i) => `    const v${i} = compute("ünï €", ${i});`)
    .join("\n");
}

// Defect 1: definitions in the body of any function form are not symbols.

Deno.test("typescript defect 1: object-literal methods and accessors hide what their bodies define", async () => {
  const sk = await parseTs(
    [
      "export default {", //                       1
      "  meta: { type: 'problem' },", //           2
      "  create(context) {", //                    3
      "    function report(node) {}", //           4
      "    class Visitor {}", //                   5
      "    return {};", //                         6
      "  },", //                                   7
      "  get value() { function g1() {} return 1; },", // 8
      "  set value(v) { function s1() {} },", //   9
      "  async *gen() { function y() {} },", //   10
      "};", //                                    11
      'Deno.test({ name: "x", fn() { class T {} function helper() {} } });', // 12
      "export function after() {}", //            13
    ].join("\n"),
    "rule.js",
  );
  assert.deepEqual(rows(sk), [["function", "after", 13, 13]]);
});

Deno.test("typescript defect 1: a large object-literal method body (pruned) hides its definitions too", async () => {
  const sk = await parseTs([
    "Deno.test({",
    "  fn() {",
    bigBody(20),
    "    class Hidden { m() {} }",
    "    function hidden() {}",
    "  },",
    "});",
    "export class After {}",
  ].join("\n"));
  assert.deepEqual(rows(sk), [["class", "After", 27, 27]]);
});

Deno.test("typescript defect 1: a class bound to a const is a class; an anonymous class expression holds no symbols", async () => {
  const sk = await parseTs([
    "const X = class {", //                       1
    "  constructor() {}", //                      2
    "  run() { function deep() {} }", //          3
    "};", //                                      4
    "foo(class {", //                             5
    "  constructor() {}", //                      6
    "  bar() {}", //                              7
    "});", //                                     8
    "module.exports = class Foo { n() {} };", //  9
    "export default class { m() {} }", //        10
    "export const Y = class Named extends X { #p = () => 1; };", // 11
  ].join("\n"));
  assert.deepEqual(rows(sk), [
    ["class", "X", 1, 4],
    ["method", "X.constructor", 2, 2],
    ["method", "X.run", 3, 3],
    ["class", "Y", 11, 11],
    ["method", "Y.#p", 11, 11],
  ]);
  assert.equal(symbol(sk, "X").signature, "const X = class");
  assert.equal(symbol(sk, "Y").signature, "export const Y = class Named extends X");
});

Deno.test("typescript defect 1: class static blocks hide their definitions", async () => {
  const sk = await parseTs([
    "class S {",
    "  static { function inStatic() {} class InStatic {} }",
    "  get a() { function inGetter() {} return 1; }",
    "  m() {}",
    "}",
  ].join("\n"));
  assert.deepEqual(rows(sk), [
    ["class", "S", 1, 5],
    ["method", "S.a", 3, 3],
    ["method", "S.m", 4, 4],
  ]);
});

// Defect 2: namespaces and `declare module` blocks are symbols.

Deno.test("typescript defect 2: namespaces prefix their members, whose functions stay functions", async () => {
  const sk = await parseTs([
    "export namespace MessageTransports {", //            1
    "  export function is(value: any): boolean { return true; }", // 2
    "  export const version = 1;", //                     3
    "  export class Reader { read() {} }", //             4
    "  export namespace Inner { export function is() {} }", // 5
    "}", //                                               6
    "export namespace RequestType {", //                  7
    "  export function is(value: any): boolean { return false; }", // 8
    "}", //                                               9
    "module M { function g() {} }", //                   10
  ].join("\n"));
  assert.deepEqual(rows(sk), [
    ["namespace", "MessageTransports", 1, 6],
    ["function", "MessageTransports.is", 2, 2],
    ["variable", "MessageTransports.version", 3, 3],
    ["class", "MessageTransports.Reader", 4, 4],
    ["method", "MessageTransports.Reader.read", 4, 4],
    ["namespace", "MessageTransports.Inner", 5, 5],
    ["function", "MessageTransports.Inner.is", 5, 5],
    ["namespace", "RequestType", 7, 9],
    ["function", "RequestType.is", 8, 8],
    ["namespace", "M", 10, 10],
    ["function", "M.g", 10, 10],
  ]);
  assert.equal(symbol(sk, "MessageTransports").signature, "export namespace MessageTransports");
});

Deno.test('typescript defect 2: `namespace A.B` is namespace B qualified A.B; `declare module "x"` is namespace x', async () => {
  const sk = await parseTs(
    [
      "namespace A.B {", //                                   1
      "  export function f() {}", //                          2
      "}", //                                                 3
      'declare module "vscode" {', //                         4
      "  export function h(): void;", //                      5
      "  export interface Disposable { dispose(): void }", // 6
      "}", //                                                 7
      "export declare namespace DN { function dnf(): void; }", // 8
    ].join("\n"),
    "types.d.ts",
  );
  assert.deepEqual(rows(sk), [
    ["namespace", "A.B", 1, 3],
    ["function", "A.B.f", 2, 2],
    ["namespace", "vscode", 4, 7],
    ["function", "vscode.h", 5, 5],
    ["interface", "vscode.Disposable", 6, 6],
    ["method", "vscode.Disposable.dispose", 6, 6],
    ["namespace", "DN", 8, 8],
    ["function", "DN.dnf", 8, 8],
  ]);
  assert.equal(symbol(sk, "A.B").name, "B");
  assert.equal(symbol(sk, "vscode").signature, 'declare module "vscode"');
});

// Defect 3: every declarator, `export declare const`, generator consts.

Deno.test("typescript defect 3: every declarator of a multi-declarator statement is a symbol", async () => {
  const sk = await parseTs([
    "export const a = () => 1, b = () => 2;", //  1
    "export const x = 1, y = 2;", //              2
    "export let p = () => 1,", //                 3
    "  q = 2;", //                                4
    "var v1 = 1, v2 = function () {};", //        5
    "const single = () => 1 // trailing", //      6
    "export const one = 1 // trailing", //        7
  ].join("\n"));
  assert.deepEqual(rows(sk), [
    ["function", "a", 1, 1],
    ["function", "b", 1, 1],
    ["variable", "x", 2, 2],
    ["variable", "y", 2, 2],
    ["function", "p", 3, 3],
    ["variable", "q", 4, 4],
    ["function", "v2", 5, 5],
    ["function", "single", 6, 6],
    ["variable", "one", 7, 7],
  ]);
  assert.equal(symbol(sk, "single").signature, "const single = () =>");
  assert.equal(symbol(sk, "b").signature, "b = () =>");
});

Deno.test("typescript defect 3: declarators after a large (pruned) arrow body are still symbols", async () => {
  const sk = await parseTs([
    "export const first = () => {",
    bigBody(20),
    "}, second = () => 2, third = 3;",
    "export function after() {}",
  ].join("\n"));
  assert.deepEqual(rows(sk), [
    ["function", "first", 1, 22],
    ["function", "second", 22, 22],
    ["variable", "third", 22, 22],
    ["function", "after", 23, 23],
  ]);
});

Deno.test("typescript defect 3: `export declare const` is a variable and a generator const a function", async () => {
  const sk = await parseTs([
    "export declare const x: Options;",
    "export declare let a: number, b: string;",
    "const g = function* () {};",
    "export const h = function* named(n: number) { yield n; };",
  ].join("\n"));
  assert.deepEqual(rows(sk), [
    ["variable", "x", 1, 1],
    ["variable", "a", 2, 2],
    ["variable", "b", 2, 2],
    ["function", "g", 3, 3],
    ["function", "h", 4, 4],
  ]);
  assert.equal(symbol(sk, "x").signature, "export declare const x: Options");
  assert.equal(symbol(sk, "g").signature, "const g = function* ()");
  assert.equal(symbol(sk, "h").signature, "export const h = function* named(n: number)");
});

// Defect 4: `#private` members are addressable as `Class##member`.

const HONO = [
  "export class Hono {",
  "  #dispatch(request: Request) { return this.#path; }",
  '  #path = "/";',
  "  fetch = (request: Request) => this.#dispatch(request);",
  "}",
].join("\n");

Deno.test("typescript defect 4: a member starting with '#' parses; '#' elsewhere in a member does not", () => {
  const q = parseSymbolUri("sym://typescript/type/src/hono/Hono##dispatch");
  assert.equal(q.path, "src/hono/Hono");
  assert.equal(q.member, "#dispatch");
  assert.equal(parseSymbolUri("sym://ts/type/m/Outer#Inner.#run").member, "Inner.#run");
  for (const bad of ["Hono#di#spatch", "Hono###dispatch", "Hono##", "Hono#a.#"]) {
    assert.throws(
      () => parseSymbolUri(`sym://typescript/type/src/hono/${bad}`),
      (e: unknown) => e instanceof TrifectaError && e.code === "INVALID_URI",
      bad,
    );
  }
});

Deno.test("typescript defect 4: `Hono##dispatch` resolves, and a miss suggests a URI that resolves", async () => {
  await withTempDir(async (dir) => {
    await Deno.mkdir(join(dir, "src"));
    await Deno.writeTextFile(join(dir, "src/hono.ts"), HONO);
    const segment = await resolveSegment(dir);
    const uri = "sym://typescript/type/src/hono/Hono##dispatch";
    assert.equal(symbolUriMaker("src/hono.ts")("Hono.#dispatch"), uri);
    const found = await resolveSymbol(segment, uri);
    assert.equal(found.symbol?.qualified_name, "Hono.#dispatch");
    assert.equal(found.symbol?.start_line, 2);
    let miss: unknown;
    try {
      await resolveSymbol(segment, "sym://typescript/type/src/hono/Hono#dispatch");
    } catch (err) {
      miss = err;
    }
    assert.ok(miss instanceof TrifectaError && miss.code === "SYMBOL_NOT_FOUND", String(miss));
    assert.deepEqual(miss.details.suggestions, [uri]);
    assert.equal((await resolveSymbol(segment, uri)).symbol?.name, "#dispatch");
  });
});

Deno.test("typescript defect 4: uses of a private member are references named with their '#'", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(join(dir, "hono.ts"), HONO);
    const [tags] = await tagsOfFiles(await resolveSegment(dir), ["hono.ts"]);
    const refs = (tags?.refs ?? []).filter((r) => r.name.startsWith("#"));
    assert.deepEqual(refs.map((r) => [r.name, r.kind, r.line]), [
      ["#path", "attribute", 2],
      ["#dispatch", "call", 4],
    ]);
  });
});

Deno.test("typescript: a class field holding a generator function is a method (jose's [Symbol.asyncIterator])", async () => {
  const sk = await parseTs(
    [
      "class K {", //                                  1
      "  [Symbol.asyncIterator] = async function* () {", // 2
      "  };", //                                       3
      "  g = function* () { function inner() {} };", //   4
      "}", //                                          5
    ].join("\n"),
    "k.js",
  );
  assert.deepEqual(rows(sk), [
    ["class", "K", 1, 5],
    ["method", "K.[Symbol.asyncIterator]", 2, 3],
    ["method", "K.g", 4, 4],
  ]);
});
