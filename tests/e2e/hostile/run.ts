/**
 * Running the real trifecta on a world: the source under `-A`, the source
 * under the documented narrow flags, or the bundle; and the assertions on
 * one run (exit code, error code, no crash).
 *
 * @module
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { MAIN_TS, narrowFlags, REPO_ROOT } from "../helpers.ts";
import { permissionFlags } from "../../../tools/permissions.ts";
import type { World } from "./world.ts";

/** How trifecta is run. */
export type Mode = "A" | "narrow" | "bundle";

/** Both ways of running the source CLI. */
export const CLI_MODES: readonly Mode[] = ["A", "narrow"];

/** Options for {@linkcode trifecta}. */
export interface RunOptions {
  /** How to run it (default `A`: the source under `-A`). */
  mode?: Mode;
  /** Extra environment (over the defaults: NO_COLOR, TRIFECTA_LSP=0, XDG_RUNTIME_DIR). */
  env?: Record<string, string>;
  /** Kill the process after this long (default 120 s): a hang is a failure, not a wait. */
  timeoutMs?: number;
  /** Extra Deno flags (e.g. `--allow-net=unix:<socket>`). */
  extraFlags?: readonly string[];
}

/** One run of trifecta. */
export interface Run {
  /** How it ran. */
  mode: Mode;
  /** trifecta's arguments. */
  args: readonly string[];
  /** Exit code (-1 when it was killed for running too long). */
  code: number;
  /** Standard output. */
  stdout: string;
  /** Standard error. */
  stderr: string;
  /** True when it ran past its time and was killed. */
  timedOut: boolean;
}

let bundleBuild: Promise<string> | undefined;

/**
 * Build the bundle once per test file (`deno bundle`, like
 * tests/e2e/bundle_test.ts) and return its path.
 */
export function bundlePath(): Promise<string> {
  bundleBuild ??= (async () => {
    const dir = await Deno.makeTempDir({ prefix: "trifecta-hostile-bundle-" });
    globalThis.addEventListener("unload", () => {
      try {
        Deno.removeSync(dir, { recursive: true });
      } catch (err) {
        // Best effort at exit: a temp dir left behind is harmless.
        console.error(`bundle dir not removed: ${(err as Error).message}`);
      }
    });
    const out = join(dir, "trifecta.js");
    const b = await new Deno.Command(Deno.execPath(), {
      args: ["bundle", "--unstable-raw-imports", "--platform=deno", "-o", out, "main.ts"],
      cwd: REPO_ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(b.code, 0, new TextDecoder().decode(b.stderr));
    return out;
  })();
  return bundleBuild;
}

/** The default environment of every run. */
export function baseEnv(world: World): Record<string, string> {
  return { NO_COLOR: "1", TRIFECTA_LSP: "0", XDG_RUNTIME_DIR: world.runtime };
}

/** The Deno flags and program for one run. */
async function command(
  mode: Mode,
  seg: string,
  args: readonly string[],
  env: Record<string, string>,
): Promise<{ flags: string[]; program: string; cwd: string }> {
  const telemetryDir = env.TRIFECTA_TELEMETRY_DIR;
  if (mode === "A") {
    return { flags: ["-A", "--unstable-raw-imports"], program: MAIN_TS, cwd: REPO_ROOT };
  }
  if (mode === "narrow") {
    return { flags: narrowFlags(args, REPO_ROOT, env), program: MAIN_TS, cwd: REPO_ROOT };
  }
  const bundle = await bundlePath();
  const flags = permissionFlags({
    segment: seg,
    rawImports: false,
    extraWrite: telemetryDir ? [telemetryDir] : [],
  });
  return { flags, program: bundle, cwd: dirname(bundle) };
}

/** Read a stream to the end, as text. */
async function drain(stream: ReadableStream<Uint8Array>): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const c of stream) chunks.push(c);
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let off = 0;
  for (const c of chunks) {
    all.set(c, off);
    off += c.length;
  }
  return new TextDecoder().decode(all);
}

/**
 * Run trifecta `args` on the world's segment (`-s` appended) in `options.mode`.
 * A run that outlives `timeoutMs` is killed and reported `timedOut`.
 */
export async function trifecta(
  world: World,
  args: readonly string[],
  options: RunOptions = {},
): Promise<Run> {
  const mode = options.mode ?? "A";
  const env = { ...baseEnv(world), ...options.env };
  const full = [...args, "-s", world.seg];
  const { flags, program, cwd } = await command(mode, world.seg, full, env);
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...flags, ...(options.extraFlags ?? []), program, ...full],
    cwd,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      child.kill("SIGKILL");
    } catch (err) {
      // It ended between the timer and the kill.
      if (!(err instanceof TypeError)) throw err;
    }
  }, options.timeoutMs ?? 120_000);
  const [stdout, stderr, status] = await Promise.all([
    drain(child.stdout),
    drain(child.stderr),
    child.status,
  ]);
  clearTimeout(timer);
  return { mode, args: full, code: timedOut ? -1 : status.code, stdout, stderr, timedOut };
}

// ---------------------------------------------------------------- checking

/** A label for messages. */
export function label(r: Run): string {
  const args = r.args.filter((a, i) => !(r.args[i - 1] === "-s" || a === "-s"));
  return `[${r.mode}] trifecta ${
    args.map((a) => (a.length > 40 ? a.slice(0, 37) + "…" : a)).join(" ")
  }`;
}

/** The last `n` characters of `s`, for messages. */
export function tail(s: string, n = 700): string {
  return s.length > n ? "…" + s.slice(-n) : s;
}

/** What a run printed, for assertion messages. */
export function shown(r: Run): string {
  return `${label(r)} → exit ${r.code}${r.timedOut ? " (TIMED OUT, killed)" : ""}\nstdout: ${
    tail(r.stdout)
  }\nstderr: ${tail(r.stderr)}`;
}

/** A stack trace, an uncaught error, or INTERNAL_ERROR: a crash. */
export function assertNoCrash(r: Run): void {
  assert.ok(!r.timedOut, `did not finish in time (hang): ${shown(r)}`);
  const all = r.stdout + r.stderr;
  assert.ok(!all.includes("INTERNAL_ERROR"), `INTERNAL_ERROR: ${shown(r)}`);
  assert.ok(!/\bUncaught\b/.test(all), `uncaught error: ${shown(r)}`);
  assert.ok(!/^\s+at .+:\d+:\d+\)?$/m.test(all), `stack trace: ${shown(r)}`);
  assert.ok(!/panicked at|RUST_BACKTRACE/.test(all), `Deno panic: ${shown(r)}`);
}

/** The run's stdout as JSON (the run used `--json`). */
export function jsonOf(r: Run): Record<string, unknown> {
  try {
    return JSON.parse(r.stdout) as Record<string, unknown>;
  } catch (err) {
    throw new assert.AssertionError({
      message: `stdout is not one JSON object (${(err as Error).message}): ${shown(r)}`,
    });
  }
}

/** Exit 0, no crash; returns the JSON when the run used `--json`. */
export function assertOk(r: Run): Record<string, unknown> {
  assertNoCrash(r);
  assert.equal(r.code, 0, `expected exit 0: ${shown(r)}`);
  return r.args.includes("--json") ? jsonOf(r) : {};
}

/**
 * A named error: exit 1 and, with `--json`, an `error_code` in `codes`.
 * Returns the JSON error.
 */
export function assertError(r: Run, codes: readonly string[]): Record<string, unknown> {
  assertNoCrash(r);
  assert.equal(r.code, 1, `expected exit 1 (${codes.join("|")}): ${shown(r)}`);
  const j = jsonOf(r);
  assert.ok(
    codes.includes(String(j.error_code)),
    `expected error_code ${codes.join("|")}, got ${j.error_code}: ${shown(r)}`,
  );
  return j;
}
