/**
 * Rust doc lines as rustc and syn read them (bench/oracles/rust,
 * `bash bench/compare_rust.sh`): every outer `///` or `/** *\/` comment
 * before an item is one of its `#[doc]` attributes, so plain comments,
 * blank lines and other attributes between them do not split the doc; an
 * inner `//!` doc belongs to the enclosing module. Also: CRLF line ends.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { parseSkeleton } from "../../lib/ast/mod.ts";
import type { FileSkeleton, SkeletonSymbol } from "../../lib/ast/mod.ts";

/** The skeleton of the Rust file `text`. */
async function skeletonOfRust(text: string): Promise<FileSkeleton> {
  return await parseSkeleton({
    rel: "src/lib.rs",
    language: "rust",
    bytes: new TextEncoder().encode(text),
  });
}

/** Every symbol, depth first. */
function flat(symbols: readonly SkeletonSymbol[]): SkeletonSymbol[] {
  return symbols.flatMap((s) => [s, ...flat(s.children)]);
}

/** [qualified name, doc] of every symbol. */
function docs(skeleton: FileSkeleton): [string, string][] {
  return flat(skeleton.symbols).map((s) => [s.qualified_name, s.doc]);
}

Deno.test("rust parity: a plain // line or a blank line inside a /// block does not split the item's doc", async () => {
  const text = [
    "/// A wrapper around a symbol name.",
    "// This is a plain comment.",
    "/// More about it.",
    "pub struct SymbolName;",
    "",
    "/// Sets the length.",
    "",
    "/// ```",
    "/// let x = 1;",
    "/// ```",
    "pub fn set_len() {}",
    "",
    "/// Thread-local context.",
    "// FIXME: explain",
    "#[derive(Debug)]",
    "// more",
    "pub struct Context;",
    "",
  ].join("\n");
  deepEqual(docs(await skeletonOfRust(text)), [
    ["SymbolName", "A wrapper around a symbol name."],
    ["set_len", "Sets the length."],
    ["Context", "Thread-local context."],
  ]);
});

Deno.test("rust parity: docs on both sides of the attributes, the first non-empty line wins; a token ends the doc", async () => {
  const text = [
    "///",
    "/// Array with size.",
    "#[repr(C)]",
    "/// Second paragraph.",
    "#[derive(Clone)]",
    "struct Array;",
    "",
    "/// Belongs to nothing: a token follows.",
    "const X: u8 = 1;",
    "fn after_const() {}",
    "",
    "impl Array {",
    "    /// Stores the pointer.",
    "    ///",
    "    // Unused: see issue #1.",
    "    #[inline]",
    "    pub fn store(&self) {}",
    "}",
    "",
  ].join("\n");
  deepEqual(docs(await skeletonOfRust(text)), [
    ["Array", "Array with size."],
    ["after_const", ""],
    ["Array", ""],
    ["Array.store", "Stores the pointer."],
  ]);
});

Deno.test("rust parity: what follows /// is the doc as written, and an inner //! doc is not the next item's", async () => {
  const text = [
    "//! The crate.",
    "",
    "fn first() {}",
    "",
    "/// ////////",
    "",
    "struct Ruled;",
    "",
    "mod inner {",
    "    //! The module.",
    "    fn g() {}",
    "}",
    "",
  ].join("\n");
  deepEqual(docs(await skeletonOfRust(text)), [
    ["first", ""],
    ["Ruled", "////////"],
    ["inner", ""],
    ["inner.g", ""],
  ]);
});

Deno.test("rust parity: with CRLF line ends no signature, doc or decorator ends in a carriage return", async () => {
  const text = [
    "/// Doc.",
    "#[derive(Debug)]",
    "pub struct S {",
    "    a: u8,",
    "}",
    "",
    "fn f(",
    "    a: u8,",
    ") -> u8",
    "where",
    "    u8: Copy,",
    "{",
    "    a",
    "}",
    "",
    "trait T {",
    "    fn h(&self)",
    "    ;",
    "}",
    "",
  ].join("\r\n");
  const symbols = flat((await skeletonOfRust(text)).symbols);
  equal(symbols.length, 4);
  for (const s of symbols) {
    for (const part of [s.signature, s.doc, ...s.decorators]) ok(!part.endsWith("\r"), s.name);
  }
  deepEqual(symbols.map((s) => s.doc), ["Doc.", "", "", ""]);
  equal(symbols[2]?.signature, "trait T");
  equal(symbols[3]?.signature, "fn h(&self)");
});
