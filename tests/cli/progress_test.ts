/**
 * The progress line (lib/cli/progress.ts) on a terminal-like output with a
 * clock the test moves: quiet before the delay, rate-limited, erased at the
 * end, cut to the terminal width, off on a pipe and with TRIFECTA_PROGRESS=0.
 */
import assert from "node:assert/strict";
import { captureOutput, type Output } from "../../lib/cli/output.ts";
import { createProgress, progressEnabled, progressText } from "../../lib/cli/progress.ts";

/** An output that says it is a terminal and records every write in order. */
function terminal(): Output & { writes: string[] } {
  const writes: string[] = [];
  return {
    writes,
    out: (text) => void writes.push(`out:${text}`),
    err: (text) => void writes.push(text),
    errControl: (text) => void writes.push(text),
    errIsTerminal: true,
  };
}

const noEnv = () => undefined;
const CLEAR = "\r\x1b[K";

Deno.test("progress: nothing before the delay, then one line per paint, erased at the end", () => {
  let t = 0;
  const out = terminal();
  const p = createProgress(out, "ast skeleton", {
    unit: "files",
    delayMs: 1000,
    everyMs: 100,
    columns: 80,
    now: () => t,
    env: noEnv,
  });
  assert.equal(p.enabled, true);
  t = 500;
  p.update(1, 10);
  assert.deepEqual(out.writes, [], "a short run shows nothing");
  t = 1000;
  p.update(2, 10);
  assert.deepEqual(out.writes, [CLEAR, "ast skeleton: 2/10 files (20%)"]);
  p.end();
  assert.deepEqual(out.writes.slice(2), [CLEAR], "the line is erased");
  p.update(3, 10);
  p.end();
  assert.equal(out.writes.length, 3, "nothing after the end, and one erase only");
});

Deno.test("progress: repaints at most once per interval", () => {
  let t = 0;
  const out = terminal();
  const p = createProgress(out, "map", {
    delayMs: 0,
    everyMs: 100,
    columns: 80,
    now: () => t,
    env: noEnv,
  });
  for (let i = 1; i <= 50; i++) {
    t = i; // 50 updates within 50 ms
    p.update(i, 100);
  }
  assert.equal(out.writes.filter((w) => w.startsWith("map:")).length, 1);
  t = 151;
  p.update(51, 100, "parse");
  assert.equal(out.writes.at(-1), "map: parse 51/100 (51%)");
});

Deno.test("progress: a run that never painted erases nothing", () => {
  const out = terminal();
  const p = createProgress(out, "ctx build", { delayMs: 60_000, now: () => 0, env: noEnv });
  p.update(1, 2);
  p.end();
  assert.deepEqual(out.writes, []);
});

Deno.test("progress: quiet on a pipe and when TRIFECTA_PROGRESS turns it off", () => {
  const piped = captureOutput();
  const p = createProgress(piped, "ast skeleton", { delayMs: 0, env: noEnv });
  p.update(1, 1);
  p.end();
  assert.equal(piped.stderr, "");
  assert.equal(p.enabled, false);
  for (const value of ["0", "off", "FALSE", " no "]) {
    assert.equal(progressEnabled(terminal(), () => value), false, value);
  }
  assert.equal(progressEnabled(terminal(), () => "1"), true);
  const out = terminal();
  const off = createProgress(out, "map", { delayMs: 0, env: () => "0" });
  off.update(1, 2);
  off.end();
  assert.deepEqual(out.writes, []);
});

Deno.test("progress: the delay comes from TRIFECTA_PROGRESS_DELAY_MS", () => {
  const t = 0;
  const env = (name: string) => name === "TRIFECTA_PROGRESS_DELAY_MS" ? "0" : undefined;
  const out = terminal();
  const p = createProgress(out, "map", { columns: 80, now: () => t, env });
  p.update(1, 4);
  assert.equal(out.writes.at(-1), "map: 1/4 (25%)");
  const late = terminal();
  const bad = (name: string) => name === "TRIFECTA_PROGRESS_DELAY_MS" ? "soon" : undefined;
  createProgress(late, "map", { columns: 80, now: () => t, env: bad }).update(1, 4);
  assert.deepEqual(late.writes, [], "an invalid value keeps the default delay");
});

Deno.test("progress: the line is cut to the terminal width so it never wraps", () => {
  const text = progressText(
    "ctx build",
    { done: 1234, total: 5678, stage: "chunk", unit: "files" },
    20,
  );
  assert.equal([...text].length, 19);
  assert.equal(progressText("x", { done: 0, total: 0 }, 80), "x: 0/0");
  assert.equal(progressText("x", { done: 9, total: 4 }, 80), "x: 9/4 (100%)");
});
