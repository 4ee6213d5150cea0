/**
 * clangd, named by the C registry entry, through the same paths as every
 * server: one-shot to READY, the warm daemon, and the AST fallback with
 * `lsp_binary_not_found` when it is absent. Skipped (with the reason
 * printed) where clangd is not installed; `.ci/run` installs it as root.
 */
import assert from "node:assert/strict";
import {
  ask,
  checkAnswer,
  checkDaemon,
  type NativeServerCase,
  project,
  skipReason,
} from "./native_server_fixture.ts";

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

const SKIP = await skipReason(C);
const ONE_SHOT = "clangd: one-shot definition, hover, references and diagnostics at READY";
const DAEMON = "clangd: the warm daemon answers definition, hover and references";
if (SKIP !== undefined) {
  console.log(`SKIPPED ${ONE_SHOT}: ${SKIP}`);
  console.log(`SKIPPED ${DAEMON}: ${SKIP}`);
}

Deno.test({ name: ONE_SHOT, ignore: SKIP !== undefined }, async () => {
  const p = await project(C, { TRIFECTA_LSP_DAEMON: "0" });
  try {
    for (const method of ["definition", "hover", "references", "diagnostics"] as const) {
      const out = await ask(C, p, method);
      assert.equal(out.via, "oneshot");
      assert.equal(out.state, "READY");
      checkAnswer(C, method, out.response);
    }
  } finally {
    await p.done();
  }
});

Deno.test({ name: DAEMON, ignore: SKIP !== undefined }, async () => {
  const p = await project(C);
  try {
    await checkDaemon(C, p, ["definition", "hover", "references"]);
  } finally {
    await p.done();
  }
});

Deno.test("clangd absent: C answers from the AST with lsp_binary_not_found", async () => {
  const p = await project(C, { PATH: "", TRIFECTA_LSP_DAEMON: "0" });
  try {
    const out = await ask(C, p, "definition");
    assert.equal(out.response.fallback_reason, "lsp_binary_not_found");
    assert.equal(out.response.capability_state, "DEGRADED");
    assert.equal(out.response.data?.source, "ast");
    assert.deepEqual(out.response.data?.locations?.map((l) => [l.path, l.line, l.col]), [
      C.definition,
    ]);
  } finally {
    await p.done();
  }
});
