/**
 * gopls, named by the Go registry entry, through the same paths as every
 * server: one-shot to READY, the warm daemon, and the AST fallback with
 * `lsp_binary_not_found` when it is absent. Skipped (with the reason
 * printed) where gopls is not installed; `.ci/run` installs it as root.
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

const GO: NativeServerCase = {
  binary: "gopls",
  backend: "lsp_gopls",
  files: {
    "go.mod": "module example.com/shapes\n\ngo 1.19\n",
    "area.go": [
      "package shapes",
      "",
      "// Area returns the area of a w by h rectangle.",
      "func Area(w, h int) int {",
      "\treturn w * h",
      "}",
      "",
    ].join("\n"),
    "twice.go": [
      "package shapes",
      "",
      "// Twice is two rectangles' area.",
      "func Twice(w, h int) int {",
      "\treturn 2 * Area(w, h)",
      "}",
      "",
    ].join("\n"),
  },
  ask: "twice.go",
  symbol: "Area",
  line: 5,
  definition: ["area.go", 4, 6],
  hover: /func Area\(w int, h int\) int[^]*Area returns the area/,
  references: [["area.go", 4], ["twice.go", 5]],
  // gopls runs `go list`: module and build caches it may write, no network.
  serverEnv: (tmp) => ({
    GOPATH: `${tmp}/gopath`,
    GOCACHE: `${tmp}/gocache`,
    GOMODCACHE: `${tmp}/gopath/pkg/mod`,
    GOPROXY: "off",
    GOFLAGS: "-mod=mod",
  }),
};

const SKIP = await skipReason(GO);
const ONE_SHOT = "gopls: one-shot definition, hover, references and diagnostics at READY";
const DAEMON = "gopls: the warm daemon answers definition, hover and references";
if (SKIP !== undefined) {
  console.log(`SKIPPED ${ONE_SHOT}: ${SKIP}`);
  console.log(`SKIPPED ${DAEMON}: ${SKIP}`);
}

Deno.test({ name: ONE_SHOT, ignore: SKIP !== undefined }, async () => {
  const p = await project(GO, { TRIFECTA_LSP_DAEMON: "0" });
  try {
    for (const method of ["definition", "hover", "references", "diagnostics"] as const) {
      const out = await ask(GO, p, method);
      assert.equal(out.via, "oneshot");
      assert.equal(out.state, "READY");
      checkAnswer(GO, method, out.response);
    }
  } finally {
    await p.done();
  }
});

Deno.test({ name: DAEMON, ignore: SKIP !== undefined }, async () => {
  const p = await project(GO);
  try {
    await checkDaemon(GO, p, ["definition", "hover", "references"]);
  } finally {
    await p.done();
  }
});

Deno.test("gopls absent: Go answers from the AST with lsp_binary_not_found", async () => {
  const p = await project(GO, { PATH: "", TRIFECTA_LSP_DAEMON: "0" });
  try {
    const out = await ask(GO, p, "definition");
    assert.equal(out.response.fallback_reason, "lsp_binary_not_found");
    assert.equal(out.response.capability_state, "DEGRADED");
    assert.equal(out.response.data?.source, "ast");
    assert.deepEqual(out.response.data?.locations?.map((l) => [l.path, l.line, l.col]), [
      GO.definition,
    ]);
  } finally {
    await p.done();
  }
});
