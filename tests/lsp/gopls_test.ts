/**
 * gopls, named by the Go registry entry, through the same paths as every
 * server: one-shot to READY, the warm daemon, and the AST fallback with
 * `lsp_binary_not_found` when it is absent. Skipped (with the reason
 * printed) where gopls is not installed; `.ci/run` installs it as root.
 */
import { defineNativeServerTests, type NativeServerCase } from "./native_server_fixture.ts";

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

await defineNativeServerTests(GO, { server: "gopls", language: "Go" });
