import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { resolveTelemetryConfig, Telemetry } from "../../lib/telemetry/mod.ts";
import { secretSamples } from "../_secret_samples.ts";
import { exists, fakeEnv, tempSegment } from "./_helpers.ts";

const seg = { root: "/work/seg", id: "0badf00d", input: "." };

Deno.test("defaults: lite, <segment>/_ctx/telemetry, fresh run id, PII redacted", () => {
  const c = resolveTelemetryConfig(seg, { env: fakeEnv() });
  assert.equal(c.level, "lite");
  assert.equal(c.dir, "/work/seg/_ctx/telemetry");
  assert.match(c.runId, /^run_\d+_[0-9a-f]{8}$/);
  assert.equal(c.piiAllow, false);
  assert.deepEqual(c.warnings, []);
});

Deno.test("the flag sets the level when the environment is silent", () => {
  assert.equal(resolveTelemetryConfig(seg, { level: "full", env: fakeEnv() }).level, "full");
  assert.equal(resolveTelemetryConfig(seg, { level: "off", env: fakeEnv() }).level, "off");
});

Deno.test("TRIFECTA_TELEMETRY_LEVEL overrides the flag", () => {
  const env = fakeEnv({ TRIFECTA_TELEMETRY_LEVEL: "off" });
  assert.equal(resolveTelemetryConfig(seg, { level: "full", env }).level, "off");
  const env2 = fakeEnv({ TRIFECTA_TELEMETRY_LEVEL: "FULL" });
  assert.equal(resolveTelemetryConfig(seg, { level: "lite", env: env2 }).level, "full");
});

Deno.test("an invalid TRIFECTA_TELEMETRY_LEVEL is ignored and reported", () => {
  const c = resolveTelemetryConfig(seg, {
    level: "full",
    env: fakeEnv({ TRIFECTA_TELEMETRY_LEVEL: "loud" }),
  });
  assert.equal(c.level, "full");
  assert.match(c.warnings[0] ?? "", /TRIFECTA_TELEMETRY_LEVEL ignored/);
});

Deno.test("TRIFECTA_NO_TELEMETRY wins over the flag, the level env and the dir env", () => {
  for (const v of ["1", "true", "YES", "on"]) {
    const c = resolveTelemetryConfig(seg, {
      level: "full",
      env: fakeEnv({
        TRIFECTA_NO_TELEMETRY: v,
        TRIFECTA_TELEMETRY_LEVEL: "full",
        TRIFECTA_TELEMETRY_DIR: "/x",
      }),
    });
    assert.equal(c.level, "off", v);
  }
  for (const v of ["0", "", "false"]) {
    assert.equal(
      resolveTelemetryConfig(seg, { env: fakeEnv({ TRIFECTA_NO_TELEMETRY: v }) }).level,
      "lite",
    );
  }
});

Deno.test("TRIFECTA_TELEMETRY_DIR moves the files (relative to the cwd)", () => {
  assert.equal(
    resolveTelemetryConfig(seg, { env: fakeEnv({ TRIFECTA_TELEMETRY_DIR: "/var/t" }) }).dir,
    "/var/t",
  );
  assert.equal(
    resolveTelemetryConfig(seg, { env: fakeEnv({ TRIFECTA_TELEMETRY_DIR: "rel/t" }) }).dir,
    resolve("rel/t"),
  );
});

Deno.test("TRIFECTA_RUN_ID is used when well-formed, ignored with a warning otherwise", () => {
  assert.equal(
    resolveTelemetryConfig(seg, { env: fakeEnv({ TRIFECTA_RUN_ID: "ci-42" }) }).runId,
    "ci-42",
  );
  const bad = resolveTelemetryConfig(seg, { env: fakeEnv({ TRIFECTA_RUN_ID: "/home/x y" }) });
  assert.match(bad.runId, /^run_\d+_[0-9a-f]{8}$/);
  assert.match(bad.warnings[0] ?? "", /TRIFECTA_RUN_ID ignored/);
});

Deno.test("TRIFECTA_RUN_ID shaped like a token or holding a secret assignment is ignored with a warning that does not repeat it", () => {
  const tokens = secretSamples().filter((s) =>
    s.text === s.secret && /^[A-Za-z0-9._:-]{1,128}$/.test(s.secret)
  );
  assert.ok(tokens.length > 10);
  for (const id of [...tokens.map((s) => s.secret), "token:abc123", "ci_ghp_x" + "Ab1".repeat(4)]) {
    const c = resolveTelemetryConfig(seg, { env: fakeEnv({ TRIFECTA_RUN_ID: id }) });
    assert.match(c.runId, /^run_\d+_[0-9a-f]{8}$/, id);
    assert.deepEqual(c.warnings, [
      "TRIFECTA_RUN_ID ignored: it looks like a secret, token or e-mail address",
    ]);
  }
  // Ordinary CI ids are kept.
  for (const id of ["ci-42", "gh_run.1234:attempt-2", "build_2025-01-01"]) {
    assert.equal(resolveTelemetryConfig(seg, { env: fakeEnv({ TRIFECTA_RUN_ID: id }) }).runId, id);
  }
});

Deno.test("TRIFECTA_PII=allow switches path redaction off", () => {
  assert.equal(
    resolveTelemetryConfig(seg, { env: fakeEnv({ TRIFECTA_PII: "allow" }) }).piiAllow,
    true,
  );
  assert.equal(
    resolveTelemetryConfig(seg, { env: fakeEnv({ TRIFECTA_PII: "yes" }) }).piiAllow,
    false,
  );
});

Deno.test("with TRIFECTA_TELEMETRY_DIR the segment's _ctx stays untouched", async () => {
  const s = await tempSegment();
  const ext = await Deno.makeTempDir({ prefix: "trifecta-tel-ext-" });
  try {
    const dir = join(ext, "t");
    const t = Telemetry.open(s.segment, { env: fakeEnv({ TRIFECTA_TELEMETRY_DIR: dir }) });
    t.event("c", { timingMs: 1 });
    await t.flush();
    assert.equal(await exists(join(dir, "events.jsonl")), true);
    assert.equal(await exists(join(dir, "last_run.json")), true);
    assert.equal(await exists(join(s.segment.root, "_ctx")), false);
  } finally {
    await s.cleanup();
    await Deno.remove(ext, { recursive: true });
  }
});

Deno.test("NO_TELEMETRY with a DIR set creates neither directory", async () => {
  const s = await tempSegment();
  const ext = await Deno.makeTempDir({ prefix: "trifecta-tel-ext-" });
  try {
    const dir = join(ext, "t");
    const t = Telemetry.open(s.segment, {
      level: "full",
      env: fakeEnv({ TRIFECTA_NO_TELEMETRY: "1", TRIFECTA_TELEMETRY_DIR: dir }),
    });
    t.event("c", { timingMs: 1 });
    await t.flush();
    assert.equal(await exists(dir), false);
    assert.equal(await exists(join(s.segment.root, "_ctx")), false);
  } finally {
    await s.cleanup();
    await Deno.remove(ext, { recursive: true });
  }
});

Deno.test("an ignored env value shows up in last_run top_warnings", async () => {
  const s = await tempSegment();
  try {
    const t = Telemetry.open(s.segment, { env: fakeEnv({ TRIFECTA_TELEMETRY_LEVEL: "loud" }) });
    assert.match(t.summary().top_warnings[0] ?? "", /TRIFECTA_TELEMETRY_LEVEL ignored/);
  } finally {
    await s.cleanup();
  }
});

/**
 * Why `script` (which gives a child a terminal) cannot run here, or undefined
 * when it can: probed once, before the tests are declared.
 */
async function scriptUnavailable(): Promise<string | undefined> {
  try {
    const out = await new Deno.Command("script", {
      args: ["-qec", "true", "/dev/null"],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).output();
    if (out.success) return undefined;
    return new TextDecoder().decode(out.stderr).trim() || `script exited ${out.code}`;
  } catch (err) {
    // Only a missing command means "no terminal here"; anything else is a real failure.
    if (err instanceof Deno.errors.NotFound) return "no `script` command to provide a terminal";
    throw err;
  }
}

const TERMINAL_TEST =
  "without --allow-env on a terminal, telemetry reads no variable and never prompts";
const NO_SCRIPT = await scriptUnavailable();
if (NO_SCRIPT !== undefined) console.log(`SKIPPED ${TERMINAL_TEST}: ${NO_SCRIPT}`);

Deno.test({ name: TERMINAL_TEST, ignore: NO_SCRIPT !== undefined, fn: terminalCase });

async function terminalCase(): Promise<void> {
  const s = await tempSegment();
  try {
    const fixture = fileURLToPath(new URL("./env_fixture.ts", import.meta.url));
    const quote = (a: string) => `'${a.replaceAll("'", "'\\''")}'`;
    const cmd = [Deno.execPath(), "run", "--allow-read", "--allow-write", fixture, s.segment.root]
      .map(quote).join(" ");
    // `script` gives the child a terminal, where Deno would prompt for a
    // missing grant. The signal only guards against a hang (the old prompt).
    const out = await new Deno.Command("script", {
      args: ["-qec", cmd, "/dev/null"],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(60_000),
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    assert.doesNotMatch(text, /requests env access/);
    assert.match(text, /done 1/);
  } finally {
    await s.cleanup();
  }
}
