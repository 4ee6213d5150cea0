import assert from "node:assert/strict";
import {
  createToolCall,
  PROGRESS_INTERVAL_MS,
  type ProgressNotification,
} from "../../lib/mcp/tool_call.ts";

/** A call with a clock the test moves, and the notifications it sent. */
function recorder(o: { token: unknown } = { token: "tok" }) {
  const sent: ProgressNotification[] = [];
  const clock = { t: 0 };
  const aborter = new AbortController();
  const call = createToolCall(aborter.signal, {
    progressToken: o.token,
    send: (n) => sent.push(n),
    now: () => clock.t,
  });
  return { sent, clock, aborter, call };
}

Deno.test("progress goes out with the request's token, the total and the message", () => {
  const { sent, call } = recorder({ token: 7 });
  call.progress(1, 10, "1/10 files");
  assert.deepEqual(sent, [{
    method: "notifications/progress",
    params: { progressToken: 7, progress: 1, total: 10, message: "1/10 files" },
  }]);
});

Deno.test("progress is monotonic: a value not above the last one sent is dropped", () => {
  const { sent, clock, call } = recorder();
  call.progress(5, 10);
  clock.t += 1000;
  call.progress(5, 10);
  call.progress(3, 10);
  clock.t += 1000;
  call.progress(6, 10);
  assert.deepEqual(sent.map((n) => n.params.progress), [5, 6]);
});

Deno.test("progress is rate limited, but the last one (done === total) always goes out", () => {
  const { sent, clock, call } = recorder();
  for (let i = 1; i <= 100; i++) {
    clock.t += PROGRESS_INTERVAL_MS / 10;
    call.progress(i, 100);
  }
  const values = sent.map((n) => n.params.progress);
  assert.equal(values.at(-1), 100);
  assert.ok(values.length <= 12, `${values.length} notifications for 100 steps over 1 s`);
  for (let i = 1; i < values.length; i++) assert.ok(values[i]! > values[i - 1]!);
});

Deno.test("without a progress token, or once cancelled, nothing is sent", () => {
  const none = recorder({ token: undefined });
  none.call.progress(1, 2);
  assert.deepEqual(none.sent, []);
  const bad = recorder({ token: { not: "a token" } });
  bad.call.progress(1, 2);
  assert.deepEqual(bad.sent, []);
  const cancelled = recorder();
  cancelled.aborter.abort();
  cancelled.call.progress(1, 2);
  assert.deepEqual(cancelled.sent, []);
  assert.equal(cancelled.call.signal.aborted, true);
});
