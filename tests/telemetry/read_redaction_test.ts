/**
 * Readers redact what they read: a repository can ship `_ctx/telemetry/`
 * (events, rotated events, `metrics.json`, `last_run.json`) holding absolute
 * paths, e-mail addresses, secrets and control characters; every string
 * `readTelemetry` and `parseEventLine` return is redacted as the writer
 * redacts, with control characters escaped.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  buildReport,
  checkHealth,
  exportTelemetry,
  parseEventLine,
  readTelemetry,
  telemetryDirFor,
} from "../../lib/telemetry/mod.ts";
import { secretSamples } from "../_secret_samples.ts";
import { fakeEnv, tempSegment } from "./_helpers.ts";

const SAMPLES = secretSamples();
const AWS = SAMPLES.find((s) => s.rule === "aws-access-key-id")!.secret;
const GH = SAMPLES.find((s) => s.rule === "github-token")!.secret;
const EMAIL = "erin" + "@" + "example.org";
const HOME = "/home/erin/proj/x.py";

/** What must never come out of a reader. */
const FORBIDDEN = [AWS, GH, EMAIL, "/home/erin", "\x1b", "\u202e", "\x07"];

function leaks(text: string): string[] {
  return FORBIDDEN.filter((f) => text.includes(f)).map((f) => JSON.stringify(f));
}

/** One event with a hostile string in every field, keys included. */
function hostileLine(root: string, cmd: string): string {
  return JSON.stringify({
    ts: `2025-01-01T00:00:00.000Z ${GH}`,
    run_id: AWS,
    segment_id: EMAIL,
    cmd,
    args: {
      query_preview: `find ${AWS}_x in ${HOME}`,
      file: `${root}/src/a.py`,
      [EMAIL]: HOME,
      nested: { deep: [GH, `\x1b]0;pwned\x07red\x1b[31m`, { [`k_${GH}`]: "\u202eevil" }] },
    },
    result: { status: "ok", hits: 0, path: `file://${HOME}` },
    timing_ms: 4,
    tokens: { note: `${EMAIL} ${GH}` },
    warnings: [`failed on ${HOME} for ${EMAIL}`, `ok\nFAKE LINE ${AWS}`],
    x: { cache_key: `${AWS}_k`, [`${GH}`]: 1 },
    extra_top_level: AWS,
  }) + "\n";
}

async function shipHostile(dir: string, root: string): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(join(dir, "events.1.jsonl"), hostileLine(root, `old.cmd ${GH}`));
  await Deno.writeTextFile(join(dir, "events.jsonl"), hostileLine(root, "ctx.search"));
  await Deno.writeTextFile(
    join(dir, "metrics.json"),
    JSON.stringify({
      [`cmd.${GH}.count`]: 2,
      [AWS]: 3,
      [`${AWS}_other`]: 4,
      [`${EMAIL}\x1b[2J`]: 1,
      telemetry_events_attempted: 2,
      telemetry_events_written: 2,
    }),
  );
  await Deno.writeTextFile(
    join(dir, "last_run.json"),
    JSON.stringify({
      run_id: AWS,
      top_warnings: [HOME, EMAIL, "\u202eevil"],
      pack_state: { pack_sha: GH },
      latencies: { [`${GH}`]: { count: 1 } },
    }),
  );
}

Deno.test("readTelemetry redacts every string of shipped event, rotated, metrics and last_run files", async () => {
  const s = await tempSegment();
  try {
    const dir = telemetryDirFor(s.segment, { env: fakeEnv() });
    await shipHostile(dir, s.segment.root);
    const data = await readTelemetry(dir);
    assert.equal(data.events.length, 2);
    const all = JSON.stringify(data);
    assert.deepEqual(leaks(all), [], all);
    const ev = data.events[1];
    assert.ok(ev);
    // Paths under the segment read as relative (the default directory names the root).
    assert.equal(ev.args.file, "src/a.py");
    assert.equal(ev.args.query_preview, "find <SECRET_REDACTED>_x in <ABS_PATH_REDACTED>");
    assert.equal(ev.run_id, "<SECRET_REDACTED>");
    assert.equal(ev.segment_id, "<EMAIL_REDACTED>");
    assert.equal(data.events[0]?.cmd, "old.cmd <SECRET_REDACTED>");
    assert.deepEqual(ev.warnings, [
      "failed on <ABS_PATH_REDACTED> for <EMAIL_REDACTED>",
      "ok\\nFAKE LINE <SECRET_REDACTED>",
    ]);
    assert.deepEqual(
      (ev.args.nested as { deep: unknown[] }).deep.slice(0, 2),
      ["<SECRET_REDACTED>", "\\x1b]0;pwned\\x07red\\x1b[31m"],
    );
    assert.equal(ev.result.path, "<ABS_URI_REDACTED>");
    // Keys that redact alike are added up, not lost.
    assert.equal(data.metrics["<SECRET_REDACTED>"], 3);
    assert.equal(data.metrics["<SECRET_REDACTED>_other"], 4);
    assert.equal(data.metrics["cmd.<SECRET_REDACTED>.count"], 2);
    assert.equal(data.metrics["<EMAIL_REDACTED>\\x1b[2J"], 1);
    assert.deepEqual(data.lastRun?.top_warnings, [
      "<ABS_PATH_REDACTED>",
      "<EMAIL_REDACTED>",
      "\\u202eevil",
    ]);

    // Every consumer of the data gets it redacted.
    const consumers = [
      JSON.stringify(buildReport(data)),
      JSON.stringify(checkHealth(data)),
      exportTelemetry(data, "json"),
      exportTelemetry(data, "csv"),
    ];
    for (const out of consumers) assert.deepEqual(leaks(out), [], out);
  } finally {
    await s.cleanup();
  }
});

Deno.test("readTelemetry of a directory that is not <root>/_ctx/telemetry masks every absolute path", async () => {
  const s = await tempSegment();
  const dir = await Deno.makeTempDir({ prefix: "trifecta-tel-elsewhere-" });
  try {
    await shipHostile(dir, s.segment.root);
    const data = await readTelemetry(dir);
    assert.equal(data.events[1]?.args.file, "<ABS_PATH_REDACTED>");
    const withRoot = await readTelemetry(dir, { root: s.segment.root });
    assert.equal(withRoot.events[1]?.args.file, "src/a.py");
    assert.deepEqual(leaks(JSON.stringify(withRoot)), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
    await s.cleanup();
  }
});

Deno.test("parseEventLine redacts and escapes what it parses", () => {
  const ev = parseEventLine(hostileLine("/work/seg", `ctx.get\x1b[2J ${AWS}`));
  assert.ok(ev);
  assert.equal(ev.cmd, "ctx.get\\x1b[2J <SECRET_REDACTED>");
  assert.equal(ev.args.file, "<ABS_PATH_REDACTED>");
  assert.deepEqual(leaks(JSON.stringify(ev)), []);
});

Deno.test("what the writer wrote reads back unchanged", async () => {
  const s = await tempSegment();
  try {
    const dir = telemetryDirFor(s.segment, { env: fakeEnv() });
    await Deno.mkdir(dir, { recursive: true });
    const line = {
      ts: "2025-01-01T00:00:00.000Z",
      run_id: "run_1735689600_0badf00d",
      segment_id: "0badf00d",
      cmd: "ctx.search",
      args: { query_preview: "find <SECRET_REDACTED>", file: "external/1a2b3c4d-x.py" },
      result: { status: "ok", hits: 2, body: "<TEXT sha256:0123456789abcdef bytes:900 lines:30>" },
      timing_ms: 4,
      tokens: { input_tokens: 3 },
      warnings: ["pack stale: run ctx build"],
      x: { "cache.status": "hit", list: [1, "a", null, true] },
    };
    await Deno.writeTextFile(join(dir, "events.jsonl"), JSON.stringify(line) + "\n");
    const data = await readTelemetry(dir);
    assert.deepEqual(data.events, [line]);
  } finally {
    await s.cleanup();
  }
});

Deno.test("keys that redact alike are all kept, suffixed #2, #3 … (2,000 of them)", () => {
  const args: Record<string, number> = {};
  for (let i = 0; i < 2000; i++) args[`u${i}@example.org`] = i;
  const ev = parseEventLine(JSON.stringify({ cmd: "x", args }));
  assert.ok(ev);
  const keys = Object.keys(ev.args);
  assert.equal(keys.length, 2000);
  assert.deepEqual(keys.slice(0, 3), [
    "<EMAIL_REDACTED>",
    "<EMAIL_REDACTED>#2",
    "<EMAIL_REDACTED>#3",
  ]);
  assert.equal(ev.args["<EMAIL_REDACTED>#2000"], 1999);
});
