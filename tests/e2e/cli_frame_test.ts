import assert from "node:assert/strict";
import { removeSegment, runCli, tempExample } from "./helpers.ts";

// Usage errors are recorded in the telemetry of the segment (here the cwd);
// tests that give no segment keep the checkout clean.
const quiet = { env: { TRIFECTA_NO_TELEMETRY: "1" } };

Deno.test("--version prints the version and exits 0", async () => {
  const r = await runCli(["--version"]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^trifecta \d+\.\d+\.\d+\n$/);
});

Deno.test("unknown option exits 2 with an error card that suggests the nearest option", async () => {
  const r = await runCli(["ast", "skeleton", "src", "--jsn"], quiet);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^TRIFECTA_ERROR_CODE: USAGE_ERROR$/m);
  assert.match(r.stderr, /^CAUSE: Unknown option '--jsn'$/m);
  assert.match(r.stderr, /Did you mean --json\?/);
  assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/); // no stack trace
  assert.equal(r.stdout, "");
});

Deno.test("bad choice value exits 2 and suggests the nearest valid value", async () => {
  const r = await runCli(["telemetry", "report", "--telemetry", "lit"], quiet);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Did you mean lite\?/);
});

Deno.test("usage error with --json prints the JSON error object on stdout", async () => {
  const r = await runCli(["ctx", "get", "--json", "--budget-token-est", "-5", "-i", "a"], quiet);
  assert.equal(r.code, 2);
  const obj = JSON.parse(r.stdout);
  assert.equal(obj.status, "error");
  assert.equal(obj.error_code, "USAGE_ERROR");
  assert.equal(typeof obj.message, "string");
});

Deno.test("unknown command suggests the nearest command", async () => {
  const r = await runCli(["ast", "skeletn"], quiet);
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
  const r = await runCli(["cache"], quiet);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Usage: trifecta cache/);
});

Deno.test("an unknown option is recorded as an invalid_option event in the segment", async () => {
  const seg = await tempExample();
  try {
    const r = await runCli(["ast", "skeleton", "src", "-s", seg, "--dry-run"]);
    assert.equal(r.code, 2);
    const lines = (await Deno.readTextFile(`${seg}/_ctx/telemetry/events.jsonl`)).trim().split(
      "\n",
    );
    const ev = lines.map((l) => JSON.parse(l)).find((e) => e.cmd === "invalid_option");
    assert.ok(ev, "invalid_option event written");
    assert.equal(ev.args.command_path, "trifecta ast skeleton");
    assert.equal(ev.args.invalid_flag, "--dry-run");
    assert.equal(ev.result.had_match, false);
    assert.equal(typeof ev.x.is_tty, "boolean");
    const metrics = JSON.parse(await Deno.readTextFile(`${seg}/_ctx/telemetry/metrics.json`));
    assert.equal(JSON.stringify(metrics).includes("invalid_option_count"), true);
  } finally {
    await removeSegment(seg);
  }
});
