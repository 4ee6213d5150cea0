/**
 * clangd, named by the C registry entry, through the same paths as every
 * server: one-shot to READY, the warm daemon, and the AST fallback with
 * `lsp_binary_not_found` when it is absent. Skipped (with the reason
 * printed) where clangd is not installed; `.ci/run` installs it as root.
 */
import { defineNativeServerTests, type NativeServerCase } from "./native_server_fixture.ts";

const C: NativeServerCase = {
  binary: "clangd",
  backend: "lsp_clangd",
  files: {
    // clangd's flags for every file of the project (no compile database needed).
    "compile_flags.txt": "-xc\n-std=c11\n",
    "shapes.h": [
      "#ifndef SHAPES_H",
      "#define SHAPES_H",
      "",
      "/* Area of a w by h rectangle. */",
      "static inline int area(int w, int h) { return w * h; }",
      "",
      "#endif",
      "",
    ].join("\n"),
    "twice.c": [
      '#include "shapes.h"',
      "",
      "int twice(int w, int h) {",
      "  return area(w, h) +",
      "         area(h, w);",
      "}",
      "",
    ].join("\n"),
  },
  ask: "twice.c",
  symbol: "area",
  line: 4,
  // Defined in the header: the same answer whichever files clangd has opened.
  definition: ["shapes.h", 5, 19],
  hover: /int area\(int w, int h\)/,
  // clangd 14 without a compile database finds references in the files it has open.
  references: [["twice.c", 4], ["twice.c", 5]],
};

await defineNativeServerTests(C, { server: "clangd", language: "C" });
