/**
 * Every string the writer puts in a file passes redaction: secrets, e-mail
 * addresses and absolute paths generated into every field an event has (and
 * into `TRIFECTA_RUN_ID`) never reach `events.jsonl`, `last_run.json` or
 * `metrics.json`.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import fc from "fast-check";
import { Telemetry } from "../../lib/telemetry/mod.ts";
import { EMAIL_RE } from "../../lib/telemetry/redact.ts";
import { secretSamples } from "../_secret_samples.ts";
import { fakeEnv, tempSegment } from "./_helpers.ts";

// Single-line samples (a PEM block is many lines: hashed whole, tested elsewhere).
const SAMPLES = secretSamples().filter((s) => !s.secret.includes("\n") && s.secret.length > 8);
// Tokens recognisable on their own (not a password known only by its `password=`).
const RUN_ID_SHAPED = SAMPLES.filter((s) =>
  s.text === s.secret && /^[A-Za-z0-9._:-]{1,128}$/.test(s.secret)
);

const secret = fc.constantFrom(...SAMPLES);
const word = fc.stringMatching(/^[a-z]{1,6}$/);
const email = fc.tuple(word, word).map(([a, b]) => `${a}.erin@${b}.example.org`);
const absPath = fc.constantFrom(
  "/home/erin/proj/x.py",
  "~/proj/notes.md",
  "file:///home/erin/proj/x.py",
  "C:\\Users\\erin\\proj\\x.py",
  "/etc/hostname",
);
/** One hostile string: a secret, an e-mail address or a path, with text around it. */
const hostile = fc.tuple(
  fc.constantFrom("", "see ", "q="),
  fc.oneof(secret.map((s) => s.text), email, absPath),
  fc.constantFrom("", " here", "."),
).map(([a, b, c]) => a + b + c);

/** The parts of an event a caller controls, each holding hostile strings. */
const eventParts = fc.record({
  cmd: hostile,
  argKey: hostile,
  argValue: hostile,
  nested: fc.array(hostile, { minLength: 1, maxLength: 3 }),
  resultValue: hostile,
  warning: hostile,
  extraKey: hostile,
  extraValue: hostile,
  counter: hostile,
  packSha: hostile,
  runId: fc.constantFrom(...RUN_ID_SHAPED).map((s) => s.secret),
});

function survivors(text: string): string[] {
  const found: string[] = [];
  for (const s of SAMPLES) if (text.includes(s.secret)) found.push(`secret ${s.rule}`);
  EMAIL_RE.lastIndex = 0;
  for (const m of text.matchAll(EMAIL_RE)) found.push(`e-mail ${m[0]}`);
  for (const p of ["/home/erin", "file://", "C:\\\\Users", "~/proj", "/etc/hostname"]) {
    if (text.includes(p)) found.push(`path ${p}`);
  }
  return found;
}

Deno.test("no secret, e-mail address or absolute path put in any event field or TRIFECTA_RUN_ID is written", async () => {
  const s = await tempSegment();
  try {
    await fc.assert(
      fc.asyncProperty(eventParts, async (p) => {
        const t = Telemetry.open(s.segment, {
          level: "full",
          env: fakeEnv({ TRIFECTA_RUN_ID: p.runId }),
        });
        t.event(p.cmd, {
          args: { [p.argKey]: p.argValue, nested: { deep: p.nested } },
          result: { status: "ok", detail: p.resultValue },
          timingMs: 3,
          warnings: [p.warning],
          extra: { [p.extraKey]: p.extraValue },
        });
        t.incr(p.counter);
        t.observe(p.counter, 2);
        t.setPackState({ pack_sha: p.packSha, pack_mtime: p.packSha });
        await t.flush();
        const events = await Deno.readTextFile(join(s.telDir, "events.jsonl"));
        const last = events.trimEnd().split("\n").pop() ?? "";
        assert.deepEqual(survivors(last), [], last);
        const lastRun = await Deno.readTextFile(join(s.telDir, "last_run.json"));
        assert.deepEqual(survivors(lastRun), [], lastRun);
        assert.notEqual(JSON.parse(last).run_id, p.runId);
      }),
      { numRuns: 150 },
    );
    const metrics = await Deno.readTextFile(join(s.telDir, "metrics.json"));
    assert.deepEqual(survivors(metrics), []);
  } finally {
    await s.cleanup();
  }
});
