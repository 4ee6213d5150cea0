import assert from "node:assert/strict";
import { parseFixture, rows, symbol } from "./helpers.ts";

Deno.test("typescript: classes, interfaces, types, enums, functions, methods and constants", async () => {
  const sk = await parseFixture("typescript/shapes.ts");
  assert.equal(sk.language, "typescript");
  assert.equal(sk.has_errors, false);
  assert.deepEqual(rows(sk), [
    ["interface", "Shape", 5, 8],
    ["method", "Shape.area", 6, 6],
    ["type", "Point", 10, 10],
    ["type", "Pair", 12, 12],
    ["enum", "Color", 14, 17],
    ["class", "BaseShape", 24, 44],
    ["method", "BaseShape.constructor", 27, 27],
    ["method", "BaseShape.area", 29, 29],
    ["method", "BaseShape.describe", 33, 35],
    ["method", "BaseShape.label", 37, 39],
    ["method", "BaseShape.onClick", 41, 43],
    ["class", "Circle", 46, 57],
    ["method", "Circle.constructor", 47, 49],
    ["method", "Circle.area", 51, 56],
    ["function", "parse", 59, 59],
    ["function", "parse", 60, 60],
    ["function", "parse", 61, 63],
    ["function", "double", 66, 66],
    ["function", "load", 68, 74],
    ["variable", "VERSION", 76, 76],
    ["function", "counter", 78, 80],
  ]);
});

Deno.test("typescript: signatures keep export and drop the body", async () => {
  const sk = await parseFixture("typescript/shapes.ts");
  assert.equal(symbol(sk, "Shape").signature, "export interface Shape");
  assert.equal(symbol(sk, "Point").signature, "export type Point = { x: number; y: number }");
  assert.equal(
    symbol(sk, "BaseShape").signature,
    "export abstract class BaseShape implements Shape",
  );
  assert.equal(symbol(sk, "BaseShape.describe").signature, "describe(prefix: string): string");
  assert.equal(symbol(sk, "BaseShape.area").signature, "abstract area(): number");
  assert.equal(symbol(sk, "double").signature, "export const double = (n: number): number =>");
  assert.equal(
    symbol(sk, "load").signature,
    'const load = async (\n  path: string,\n  encoding: BufferEncoding = "utf8",\n): Promise<string> =>',
  );
  assert.equal(symbol(sk, "counter").signature, "function* counter(): Generator<number>");
});

Deno.test("typescript: overload signatures are listed before the implementation", async () => {
  const sk = await parseFixture("typescript/shapes.ts");
  assert.equal(symbol(sk, "parse", 0).signature, "export function parse(input: string): Shape");
  assert.equal(symbol(sk, "parse", 1).signature, "export function parse(input: Uint8Array): Shape");
  assert.equal(
    symbol(sk, "parse", 2).signature,
    "export function parse(input: string | Uint8Array): Shape",
  );
});

Deno.test("typescript: decorators apart, JSDoc first line as doc", async () => {
  const sk = await parseFixture("typescript/shapes.ts");
  assert.deepEqual(symbol(sk, "BaseShape").decorators, ["@sealed"]);
  assert.equal(symbol(sk, "BaseShape").doc, "Base for all shapes.");
  assert.deepEqual(symbol(sk, "BaseShape.describe").decorators, ["@logged"]);
  assert.equal(symbol(sk, "BaseShape.describe").doc, "Describe the shape.");
  assert.equal(symbol(sk, "Shape").doc, "A shape with an area.");
  assert.equal(symbol(sk, "double").doc, "Double a number.");
  assert.equal(symbol(sk, "Circle").doc, "");
});

Deno.test("typescript: functions in function bodies and callbacks are left out", async () => {
  const sk = await parseFixture("typescript/shapes.ts");
  const all = rows(sk);
  // The bodies that hold them are listed, whole, with their exact lines:
  // `inner` in Circle.area, `helper` in load, `notInSkeleton` in a callback
  // after counter (the last symbol).
  for (
    const row of [
      ["class", "Circle", 46, 57],
      ["method", "Circle.area", 51, 56],
      ["function", "load", 68, 74],
      ["function", "counter", 78, 80],
    ]
  ) {
    assert.ok(all.some((r) => JSON.stringify(r) === JSON.stringify(row)), JSON.stringify(row));
  }
  assert.equal(all.length, 21);
  assert.deepEqual(all.at(-1), ["function", "counter", 78, 80]);
  assert.deepEqual(sk.symbols.find((s) => s.name === "Circle")?.children.map((c) => c.name), [
    "constructor",
    "area",
  ]);
  const names = all.map((r) => r[1]);
  for (const hidden of ["inner", "helper", "notInSkeleton"]) {
    assert.ok(!names.some((n) => n.endsWith(hidden)), hidden);
  }
});

Deno.test("typescript: imports and declaration-less exports are listed", async () => {
  const sk = await parseFixture("typescript/shapes.ts");
  assert.deepEqual(sk.imports, [
    { text: 'import { readFile } from "node:fs/promises";', line: 1 },
    { text: 'import type { Readable } from "node:stream";', line: 2 },
  ]);
  assert.deepEqual(sk.exports, [
    { text: "export { load, counter };", line: 86 },
    { text: 'export * from "./other";', line: 87 },
    { text: "export default Circle;", line: 88 },
  ]);
});

Deno.test("tsx and javascript (with JSX) parse with the TSX grammar", async () => {
  const tsx = await parseFixture("typescript/component.tsx");
  assert.equal(tsx.language, "tsx");
  assert.equal(tsx.has_errors, false);
  assert.deepEqual(rows(tsx), [
    ["function", "Button", 3, 5],
    ["function", "Card", 7, 7],
  ]);
  const js = await parseFixture("typescript/plain.js");
  assert.equal(js.language, "javascript");
  assert.equal(js.has_errors, false);
  assert.deepEqual(rows(js), [
    ["function", "add", 4, 6],
    ["class", "Greeter", 8, 12],
    ["method", "Greeter.greet", 9, 11],
  ]);
  assert.equal(symbol(js, "add").doc, "Add two numbers.");
});

Deno.test("typescript: syntax errors still give recovered symbols with has_errors", async () => {
  const sk = await parseFixture("typescript/broken.ts");
  assert.equal(sk.has_errors, true);
  const names = rows(sk).map((r) => r[1]);
  assert.ok(names.includes("ok"));
  assert.ok(names.includes("AfterBroken"));
  assert.equal(symbol(sk, "ok").signature, "export function ok(): number");
});
