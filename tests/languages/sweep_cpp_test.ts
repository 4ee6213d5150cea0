/**
 * C++ skeletons of real-world idioms found by the sweep over LLVM's ADT and
 * Support headers, each reproduced by a few lines of our own.
 */
import { deepEqual, ok } from "node:assert/strict";
import { parseSkeleton } from "../../lib/ast/mod.ts";
import type { FileSkeleton, SkeletonSymbol } from "../../lib/ast/mod.ts";

/** The skeleton of `text` parsed as the C++ file `rel`. */
async function skeletonOfCpp(rel: string, text: string): Promise<FileSkeleton> {
  return await parseSkeleton({ rel, language: "cpp", bytes: new TextEncoder().encode(text) });
}

/** [kind, qualified name, start line] of every symbol, depth first. */
function rows(symbols: readonly SkeletonSymbol[]): [string, string, number][] {
  return symbols.flatMap((s): [string, string, number][] => [
    [s.kind, s.qualified_name, s.start_line],
    ...rows(s.children),
  ]);
}

Deno.test("cpp sweep: a nameless enum with an underlying type is no symbol (no empty name)", async () => {
  const text = [
    "namespace llvm {",
    "class APInt {",
    "  enum : unsigned {",
    "    WORD_SIZE = 8,",
    "  };",
    "  enum Kind : int { A, B };",
    "};",
    "enum : size_t { DefaultChunk = 4096 };",
    "}",
    "",
  ].join("\n");
  const skeleton = await skeletonOfCpp("apint.hpp", text);
  deepEqual(rows(skeleton.symbols), [
    ["namespace", "llvm", 1],
    ["class", "llvm.APInt", 2],
    ["enum", "llvm.APInt.Kind", 6],
  ]);
});

Deno.test("cpp sweep: a class with two attribute macros before its name keeps its members", async () => {
  const text = [
    "namespace llvm {",
    "template <typename T>",
    "class LLVM_GSL_POINTER LLVM_NODISCARD ArrayRef {",
    "public:",
    "  using value_type = T;",
    "  ArrayRef() = default;",
    "  size_t size() const { return Length; }",
    "};",
    "}",
    "",
  ].join("\n");
  const skeleton = await skeletonOfCpp("arrayref.hpp", text);
  const got = rows(skeleton.symbols);
  deepEqual(got[0], ["namespace", "llvm", 1]);
  deepEqual(got[1], ["class", "llvm.ArrayRef", 3]);
  for (const name of ["value_type", "ArrayRef", "size"]) {
    ok(
      got.some((r) => r[1] === `llvm.ArrayRef.${name}`),
      `llvm.ArrayRef.${name} in ${JSON.stringify(got)}`,
    );
  }
});

Deno.test("cpp sweep: function pointer typedefs with a calling-convention macro are types", async () => {
  const text = [
    "typedef void (GL_APIENTRYP PFNGLFINISHPROC) (void);",
    "typedef const GLubyte *(GL_APIENTRYP PFNGLGETSTRINGPROC) (GLenum name);",
    "",
  ].join("\n");
  const skeleton = await skeletonOfCpp("glfuncs.hpp", text);
  deepEqual(rows(skeleton.symbols), [
    ["type", "PFNGLFINISHPROC", 1],
    ["type", "PFNGLGETSTRINGPROC", 2],
  ]);
});
