import assert from "node:assert/strict";
import { join } from "node:path";
import { MAIN_TS, removeSegment, REPO_ROOT, tempExample } from "./helpers.ts";

// deno.json enables raw imports (the grammars are imported as bytes). A run
// under another config without them must say so, not report a bug in
// trifecta: with lazy dynamic imports the refusal surfaces only when the
// AST is first needed.
Deno.test("a run without raw imports fails with RAW_IMPORTS_REQUIRED and a next step", async () => {
  const seg = await tempExample();
  const dir = await Deno.makeTempDir();
  try {
    const config = JSON.parse(await Deno.readTextFile(join(REPO_ROOT, "deno.json")));
    config.unstable = (config.unstable as string[]).filter((f) => f !== "raw-imports");
    await Deno.writeTextFile(join(dir, "deno.json"), JSON.stringify(config));
    const run = (args: string[]) =>
      new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--config",
          join(dir, "deno.json"),
          "--no-lock",
          "--allow-read",
          "--allow-write",
          "--allow-env",
          "--allow-sys",
          "--allow-run",
          MAIN_TS,
          ...args,
          "-s",
          seg,
        ],
        env: { NO_COLOR: "1", TRIFECTA_LSP: "0" },
        stdout: "piped",
        stderr: "piped",
      }).output();
    for (
      const args of [["ast", "skeleton", "src"], [
        "lsp",
        "definition",
        "src/inventory/service.py:13:22",
      ]]
    ) {
      const out = await run(args);
      const stderr = new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 1, stderr);
      assert.match(stderr, /RAW_IMPORTS_REQUIRED/);
      assert.doesNotMatch(stderr, /INTERNAL_ERROR/);
    }
    // Commands that never parse still work under that config.
    const version = await run(["telemetry", "health"]);
    assert.notEqual(version.code, 1, new TextDecoder().decode(version.stderr));
  } finally {
    await Deno.remove(dir, { recursive: true });
    await removeSegment(seg);
  }
});
