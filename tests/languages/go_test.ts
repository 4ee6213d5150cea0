/**
 * Go: the fixture's skeleton (fixtures/go) equals the expected JSON, whose
 * lines and docs agree with Go's own go/parser (bench/oracles/go), every
 * symbol's `sym://` URI resolves back to it, and a syntax error still
 * yields the symbols around it.
 */
import { equal, ok } from "node:assert/strict";
import { fileURLToPath as fromFileUrl } from "node:url";
import {
  checkFixtureSkeleton,
  checkSyntaxError,
  checkUrisResolve,
  expectedPath,
  fixtureDir,
  onPath,
} from "./fixture_skeleton.ts";

Deno.test("go: the fixture's skeleton equals tests/languages/expected/go.json", async () => {
  await checkFixtureSkeleton("go");
});

Deno.test("go: every symbol's sym:// URI resolves back to that symbol", async () => {
  await checkUrisResolve("go", "go");
});

Deno.test("go: a syntax error still yields the symbols around it, with has_errors", async () => {
  const text = [
    "package broken",
    "",
    "// Before is fine.",
    "type Before struct{ A int }",
    "",
    "func oops() {",
    "\tx := )",
    "}",
    "",
    "// After is fine too.",
    "func After() int { return 1 }",
    "",
  ].join("\n");
  await checkSyntaxError("broken.go", text, ["Before", "oops", "After"]);
});

const GO = onPath("go");
if (!GO) console.log("go oracle test skipped: no `go` on PATH (Debian golang-go)");

Deno.test({
  name: "go: the expected JSON agrees with go/parser (lines, kinds, names, docs)",
  ignore: !GO,
  fn: async () => {
    const oracle = fromFileUrl(new URL("../../bench/oracles/go/", import.meta.url));
    const cache = await Deno.makeTempDir({ prefix: "trifecta-go-oracle-" });
    try {
      const out = await new Deno.Command("go", {
        args: ["run", "main.go", fixtureDir("go"), expectedPath("go")],
        cwd: oracle,
        env: { GOCACHE: cache, GO111MODULE: "off", GOPROXY: "off" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const report = new TextDecoder().decode(out.stdout);
      equal(out.code, 0, report + new TextDecoder().decode(out.stderr));
      ok(report.includes("missing or different in trifecta: 0"), report);
      ok(report.includes("extra or different in trifecta: 0"), report);
      ok(report.includes("doc line differs (matched definitions): 0"), report);
    } finally {
      await Deno.remove(cache, { recursive: true });
    }
  },
});
