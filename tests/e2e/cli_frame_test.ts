import assert from "node:assert/strict";
import { runCli, tempExample } from "./helpers.ts";

Deno.test("--version prints the version and exits 0", async () => {
  const r = await runCli(["--version"]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^trifecta \d+\.\d+\.\d+\n$/);
});

Deno.test("unknown option exits 2 with an error card that suggests the nearest option", async () => {
  const r = await runCli(["ast", "skeleton", "src", "--jsn"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^TRIFECTA_ERROR_CODE: USAGE_ERROR$/m);
  assert.match(r.stderr, /^CAUSE: Unknown option '--jsn'$/m);
  assert.match(r.stderr, /Did you mean --json\?/);
  assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/); // no stack trace
  assert.equal(r.stdout, "");
});

Deno.test("bad choice value exits 2 and suggests the nearest valid value", async () => {
  const r = await runCli(["telemetry", "report", "--telemetry", "lit"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Did you mean lite\?/);
});

Deno.test("usage error with --json prints the JSON error object on stdout", async () => {
  const r = await runCli(["ctx", "get", "--json", "--budget-token-est", "-5", "-i", "a"]);
  assert.equal(r.code, 2);
  const obj = JSON.parse(r.stdout);
  assert.equal(obj.status, "error");
  assert.equal(obj.error_code, "USAGE_ERROR");
  assert.equal(typeof obj.message, "string");
});

Deno.test("unknown command suggests the nearest command", async () => {
  const r = await runCli(["ast", "skeletn"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Did you mean skeleton\?/);
});

Deno.test("--help works on every level and exits 0", async () => {
  for (
    const args of [["--help"], ["ast", "--help"], ["lsp", "daemon", "--help"], [
      "ctx",
      "get",
      "--help",
    ]]
  ) {
    const r = await runCli(args);
    assert.equal(r.code, 0, args.join(" "));
    assert.match(r.stdout, /Usage: trifecta/);
  }
});

Deno.test("a missing segment is an INVALID_SEGMENT_PATH error with exit 1", async () => {
  const r = await runCli(["telemetry", "report", "-s", "/nonexistent/trifecta-seg"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /TRIFECTA_ERROR_CODE: INVALID_SEGMENT_PATH/);
});

Deno.test("a group without a command exits 2 and shows the group's help", async () => {
  const r = await runCli(["cache"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Usage: trifecta cache/);
});

Deno.test("a NOT_IMPLEMENTED command exits 1, never 0", async () => {
  const seg = await tempExample();
  try {
    const r = await runCli(["mcp", "-s", seg, "--json"]);
    assert.equal(r.code, 1);
    assert.equal(JSON.parse(r.stdout).error_code, "NOT_IMPLEMENTED");
  } finally {
    await Deno.remove(seg, { recursive: true });
  }
});
