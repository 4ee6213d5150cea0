import { MAX_SIGNATURE_CHARS } from "../../lib/ast/limits.ts";
import assert from "node:assert/strict";
import { parseFixture, rows, symbol } from "./helpers.ts";

Deno.test("python: nested classes, methods and decorated defs are nested with exact lines", async () => {
  const sk = await parseFixture("python/nested.py");
  assert.equal(sk.language, "python");
  assert.equal(sk.has_errors, false);
  assert.deepEqual(rows(sk), [
    ["class", "Outer", 9, 37],
    ["class", "Outer.Inner", 15, 19],
    ["method", "Outer.Inner.method", 18, 19],
    ["method", "Outer.size", 22, 23],
    ["method", "Outer.size", 26, 27],
    ["method", "Outer.fetch", 29, 37],
    ["function", "decorated", 42, 43],
    ["function", "async_top", 46, 48],
    ["function", "multi_line", 51, 56],
    ["function", "conv", 60, 60],
    ["function", "conv", 62, 62],
    ["function", "conv", 63, 64],
  ]);
});

Deno.test("python: definitions inside function bodies are left out", async () => {
  const sk = await parseFixture("python/nested.py");
  const names = rows(sk).map((r) => r[1]);
  assert.ok(!names.some((n) => n.includes("helper") || n.includes("Hidden")));
  // The import inside async_top() is local to it, not a module import.
  assert.deepEqual(sk.imports, [
    { text: "import os", line: 2 },
    { text: "from typing import (Any, overload)", line: 3 },
  ]);
});

Deno.test("python: decorators are reported apart and start_line is the def line", async () => {
  const sk = await parseFixture("python/nested.py");
  const d = symbol(sk, "decorated");
  assert.deepEqual(d.decorators, ["@decorator_one", "@decorator_two(arg=1)"]);
  assert.equal(d.start_line, 42);
  assert.equal(d.signature, "def decorated(a, b=2, *args, **kwargs)");
  assert.deepEqual(symbol(sk, "Outer.size").decorators, ["@property"]);
  assert.deepEqual(symbol(sk, "Outer.size", 1).decorators, ["@size.setter"]);
  assert.equal(symbol(sk, "Outer.size", 1).signature, "def size(self, value: int) -> None");
});

Deno.test("python: typing.overload variants are all listed with their own signatures", async () => {
  const sk = await parseFixture("python/nested.py");
  assert.equal(symbol(sk, "conv", 0).signature, "def conv(x: int) -> int");
  assert.deepEqual(symbol(sk, "conv", 0).decorators, ["@overload"]);
  assert.equal(symbol(sk, "conv", 1).signature, "def conv(x: str) -> str");
  assert.equal(symbol(sk, "conv", 2).signature, "def conv(x)");
  assert.deepEqual(symbol(sk, "conv", 2).decorators, []);
});

Deno.test("python: async defs keep async in the signature", async () => {
  const sk = await parseFixture("python/nested.py");
  assert.equal(symbol(sk, "async_top").signature, "async def async_top() -> None");
  assert.equal(symbol(sk, "Outer.fetch").signature, "async def fetch(self, url)");
});

Deno.test("python: multi-line signatures are kept whole in JSON", async () => {
  const sk = await parseFixture("python/nested.py");
  assert.equal(
    symbol(sk, "multi_line").signature,
    'def multi_line(\n    first: int,\n    second: str = "x",\n) -> dict[str, Any]',
  );
});

Deno.test("python: the first docstring line is the doc, for classes and functions", async () => {
  const sk = await parseFixture("python/nested.py");
  assert.equal(symbol(sk, "Outer").doc, "Outer class.");
  assert.equal(symbol(sk, "Outer.Inner").doc, "Inner doc.");
  assert.equal(symbol(sk, "Outer.fetch").doc, "Fetch it.");
  assert.equal(symbol(sk, "multi_line").doc, "Raw docstring first line.");
  assert.equal(symbol(sk, "decorated").doc, "");
  assert.equal(symbol(sk, "Outer").signature, "class Outer(Base, metaclass=Meta)");
});

Deno.test("python: definitions under if/else/try/except/finally/with are found, in classes too", async () => {
  const sk = await parseFixture("python/conditional.py");
  assert.deepEqual(rows(sk), [
    ["function", "modern", 4, 5],
    ["function", "modern", 7, 8],
    ["function", "speedy", 13, 14],
    ["class", "Cleanup", 16, 17],
    ["function", "in_with", 20, 21],
    ["class", "Config", 24, 42],
    ["method", "Config.path", 26, 27],
    ["method", "Config.path", 29, 30],
    ["method", "Config.load", 35, 36],
    ["method", "Config.load", 38, 39],
    ["method", "Config.last", 41, 42],
  ]);
  assert.deepEqual(sk.imports.map((i) => i.text), [
    "import sys",
    "from fast import speedy",
    "import yaml",
  ]);
});

Deno.test("python: trailing comments do not extend end_line (as CPython's end_lineno)", async () => {
  const sk = await parseFixture("python/conditional.py");
  assert.equal(symbol(sk, "Config.last").end_line, 42);
  assert.equal(symbol(sk, "Config").end_line, 42);
});

Deno.test("python: syntax errors still give the recovered symbols with has_errors", async () => {
  const sk = await parseFixture("python/broken.py");
  assert.equal(sk.has_errors, true);
  const names = rows(sk).map((r) => r[1]);
  assert.ok(names.includes("good_before"));
  assert.ok(names.includes("StillHere"));
  assert.ok(names.includes("StillHere.method"));
  assert.deepEqual(symbol(sk, "good_before").start_line, 1);
  assert.deepEqual(symbol(sk, "StillHere").start_line, 9);
});

Deno.test("python: an empty file gives an empty skeleton without errors", async () => {
  const sk = await parseFixture("python/empty.py");
  assert.equal(sk.bytes, 0);
  assert.equal(sk.has_errors, false);
  assert.deepEqual(sk.symbols, []);
  assert.deepEqual(sk.imports, []);
  assert.equal(sk.sha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
});

Deno.test("python: invalid UTF-8 is replaced and names/lines after it stay right", async () => {
  const sk = await parseFixture("python/invalid_utf8.py");
  assert.deepEqual(rows(sk), [
    ["function", "café", 1, 3],
    ["class", "After", 6, 7],
  ]);
  assert.equal(symbol(sk, "café").doc, "Caf\uFFFD\uFFFD doc.");
  assert.equal(symbol(sk, "After").signature, "class After");
});

Deno.test("python: very long lines give a bounded signature and keep later lines", async () => {
  const sk = await parseFixture("python/long_line.py");
  const long = symbol(sk, "very_long");
  assert.equal(long.start_line, 1);
  assert.equal(long.end_line, 2);
  assert.ok(long.signature.startsWith("def very_long(arg0: int = 0, arg1: int = 1"));
  // Bounded where it is made, so no answer carries a megabyte signature.
  assert.ok(long.signature.endsWith(" …"), long.signature.slice(-20));
  assert.ok(long.signature.length <= MAX_SIGNATURE_CHARS + 2);
  assert.deepEqual(symbol(sk, "after_long").start_line, 8);
});
