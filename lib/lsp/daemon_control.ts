/**
 * `lsp daemon start|stop|status` from the caller's side: start a detached
 * `lsp daemon serve` process and return once it listens; ask it for its
 * status; stop it and make sure no process is left.
 *
 * Nothing in the runtime directory is opened, signalled or trusted before
 * its ownership and mode are checked (lib/lsp/daemon_trust.ts): a state file
 * in a foreign directory could name any pid.
 *
 * @module
 */
import { TrifectaError } from "../errors.ts";
import type { Segment } from "../segment/mod.ts";
import { type EnvReader, processEnv } from "./config.ts";
import { callDaemon, canReachSocket, DaemonUnavailableError } from "./daemon_client.ts";
import {
  canCheckRuntimeDir,
  defaultServeCommand,
  grantedServerCommands,
  missingDaemonFlags,
  type ServeCommand,
} from "./daemon_flags.ts";
import { type DaemonPaths, daemonPaths, ensureRuntimeDir } from "./daemon_paths.ts";
import { inspectDaemon, lockHeldSync } from "./daemon_trust.ts";
import type { DaemonStatus } from "./daemon_protocol.ts";
import { type DaemonStateFile, readDaemonState, removeIfExists } from "./daemon_files.ts";
import { killProcessGroup } from "./process_group.ts";

/** Exit code of `lsp daemon serve` when another daemon holds the lock. */
export const SERVE_EXIT_ALREADY_RUNNING = 3;

/** Options for {@linkcode startDaemon}. */
export interface StartOptions {
  /** Idle TTL in seconds. */
  ttlS: number;
  /** How to run the CLI (default: this Deno, these permissions, this main module). */
  serve?: ServeCommand;
  /** Extra CLI flags for the serve process (e.g. `--telemetry off`). */
  extraArgs?: string[];
  /** Give up waiting for the socket after this many ms (default 20 000). */
  timeoutMs?: number;
  /** Environment. */
  env?: EnvReader;
}

/** What {@linkcode startDaemon} did. */
export interface StartResult {
  /** `started` or `already_running`. */
  outcome: "started" | "already_running";
  /** What runs now. */
  report: DaemonReport;
}

/** What is known about a segment's daemon. */
export interface DaemonReport {
  /** A daemon holds the segment's lock (false when this process cannot tell: see `checked`). */
  running: boolean;
  /** The daemon answered this process just now (never true unless `running`). */
  reachable: boolean;
  /** False when this process lacks the grants to check the runtime directory. */
  checked: boolean;
  /** False when the runtime directory, socket or state file failed the ownership check. */
  trusted: boolean;
  /** Why it is untrusted, unreachable or unresponsive. */
  problem?: string;
  /** The socket path. */
  socket: string;
  /** The runtime directory. */
  runtime_dir: string;
  /** The flags that would make it reachable, space-separated (absent when none are missing). */
  needs_flag?: string;
  /** The same flags, one per entry. */
  needs_flags?: string[];
  /** Daemon pid (from its answer or its state file). */
  pid: number | null;
  /** Its answer to `status`, when reachable. */
  status?: DaemonStatus;
}

function validPid(x: unknown): number | undefined {
  return typeof x === "number" && Number.isInteger(x) && x > 1 ? x : undefined;
}

/**
 * What runs for this segment. Checks the runtime directory first; asks the
 * daemon over its socket when this process may reach it, else reads its
 * lock (held by a live daemon) and state file.
 */
export async function daemonStatus(
  segment: Segment,
  options: { env?: EnvReader; timeoutMs?: number } = {},
): Promise<DaemonReport> {
  const paths = daemonPaths(segment.root, options.env ?? processEnv);
  const base = {
    socket: paths.socket,
    runtime_dir: paths.dir,
    reachable: false,
    checked: true,
    trusted: true,
    pid: null,
  };
  if (!canCheckRuntimeDir(paths)) {
    const flags = missingDaemonFlags(paths);
    return {
      ...base,
      running: false,
      checked: false,
      problem: "this process may not look into the daemon's runtime directory",
      needs_flag: flags.join(" "),
      needs_flags: flags,
    };
  }
  const trust = inspectDaemon(paths, { root: segment.root });
  if (trust.kind === "untrusted") {
    return { ...base, running: false, trusted: false, problem: trust.detail };
  }
  let problem: string | undefined;
  if (trust.kind === "trusted") {
    try {
      const res = await callDaemon(paths, { id: 1, method: "status" }, {
        timeoutMs: options.timeoutMs ?? 5000,
        root: segment.root,
      });
      const status = res.result as DaemonStatus | undefined;
      if (res.ok && status && typeof status === "object") {
        return {
          ...base,
          running: true,
          reachable: true,
          pid: validPid(status.pid) ?? null,
          status,
        };
      }
      problem = "the daemon answered status with an error";
    } catch (err) {
      if (!(err instanceof DaemonUnavailableError)) throw err;
      problem = err.detail ?? err.message;
    }
  }
  const running = lockHeldSync(paths);
  const state = running ? await readDaemonState(paths) : undefined;
  const report: DaemonReport = { ...base, running, pid: validPid(state?.pid) ?? null };
  if (running && problem) report.problem = problem;
  if (running && !canReachSocket(paths.socket)) {
    const flags = missingDaemonFlags(paths);
    report.needs_flag = flags.join(" ");
    report.needs_flags = flags;
    report.problem ??= `add ${report.needs_flag} for its state and for queries through it`;
  }
  return report;
}

/**
 * Start the segment's daemon unless one runs; return once it listens.
 *
 * @throws {Error} when the serve process exits or does not listen in time.
 */
export async function startDaemon(segment: Segment, options: StartOptions): Promise<StartResult> {
  const env = options.env ?? processEnv;
  const running = await daemonStatus(segment, { env });
  if (running.running) return { outcome: "already_running", report: running };
  const paths = daemonPaths(segment.root, env);
  await ensureRuntimeDir(paths.dir);
  const serve = options.serve ?? defaultServeCommand({
    root: segment.root,
    runtimeDir: paths.dir,
    servers: await grantedServerCommands(env),
  });
  const netFlag = serve.args.includes("--allow-net") ? [] : [`--allow-net=unix:${paths.socket}`];
  const [exe, ...rest] = [serve.command, ...serve.args];
  const mainAt = rest.findIndex((a) => !a.startsWith("-") && a !== "run");
  const args = [...rest.slice(0, mainAt), ...netFlag, ...rest.slice(mainAt)];
  const child = new Deno.Command(exe, {
    args: [
      ...args,
      "lsp",
      "daemon",
      "serve",
      "-s",
      segment.root,
      "--ttl",
      String(options.ttlS),
      ...(options.extraArgs ?? []),
    ],
    cwd: serve.cwd,
    stdin: "null",
    stdout: "null",
    stderr: "null",
    detached: true,
  }).spawn();
  let exited: Deno.CommandStatus | undefined;
  const statusPromise = child.status.then((s) => (exited = s));
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  try {
    while (Date.now() < deadline) {
      const state = await readDaemonState(paths);
      if (state?.pid === child.pid && state.listening) {
        return { outcome: "started", report: await daemonStatus(segment, { env }) };
      }
      if (exited) {
        if (exited.code === SERVE_EXIT_ALREADY_RUNNING) {
          return { outcome: "already_running", report: await daemonStatus(segment, { env }) };
        }
        throw new Error(`the daemon process exited with code ${exited.code}`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    try {
      child.kill("SIGKILL");
    } catch (err) {
      if (!(err instanceof TypeError)) throw err;
    }
    await statusPromise;
    throw new Error("the daemon did not listen in time");
  } finally {
    child.unref();
  }
}

/**
 * Whether `pid` runs. False when this process may not signal at all
 * (`NotCapable`: it cannot tell; callers also wait on the daemon's lock).
 */
function alive(pid: number): boolean {
  try {
    Deno.kill(pid, "SIGCONT");
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound || err instanceof TypeError) return false;
    if (err instanceof Deno.errors.PermissionDenied) return true; // someone else's process
    if (err instanceof Deno.errors.NotCapable) return false;
    throw err;
  }
}

/** What {@linkcode stopDaemon} did. */
export interface StopResult {
  /** `stopped`, `killed` (did not stop in time) or `not_running`. */
  outcome: "stopped" | "killed" | "not_running";
  /** The daemon's pid, when one ran. */
  pid?: number;
}

/**
 * The daemon's paths, once this process may look into its runtime
 * directory and that directory passed the ownership check.
 *
 * @throws {TrifectaError} `PERMISSION_NOT_GRANTED` (naming the flags) or
 * `DAEMON_UNTRUSTED` (nothing there is signalled).
 */
function checkedPaths(segment: Segment, env: EnvReader): DaemonPaths {
  const paths = daemonPaths(segment.root, env);
  if (!canCheckRuntimeDir(paths)) {
    const flags = missingDaemonFlags(paths);
    throw new TrifectaError(
      "PERMISSION_NOT_GRANTED",
      "This process may not look into the LSP daemon's runtime directory",
      { nextSteps: [`Add ${flags.join(" ")}`] },
    );
  }
  const trust = inspectDaemon(paths, { root: segment.root });
  if (trust.kind === "untrusted") {
    // A state file there could name any process: nothing is signalled.
    throw new TrifectaError(
      "DAEMON_UNTRUSTED",
      `The LSP daemon was not contacted: ${trust.detail}`,
      { nextSteps: [trust.detail] },
    );
  }
  return paths;
}

/**
 * Ask the daemon to stop: over its socket, else by SIGTERM.
 *
 * @throws {TrifectaError} `DAEMON_UNREACHABLE` when neither is possible.
 */
async function askToStop(
  paths: DaemonPaths,
  root: string,
  state: DaemonStateFile | undefined,
): Promise<void> {
  if (canReachSocket(paths.socket)) {
    try {
      const res = await callDaemon(paths, { id: 1, method: "stop" }, { timeoutMs: 5000, root });
      if (res.ok) return;
    } catch (err) {
      // Not reachable after all: the signal below is the other way.
      if (!(err instanceof DaemonUnavailableError)) throw err;
    }
  }
  if (state?.pid && signal(state.pid, "SIGTERM")) return;
  throw new TrifectaError(
    "DAEMON_UNREACHABLE",
    "The LSP daemon runs, but this process can neither reach its socket nor signal it",
    {
      nextSteps: [
        "Grant the socket: --allow-net=unix:<socket> (see `trifecta lsp daemon status --json`)",
        state?.pid ? `Or stop it by hand: kill ${state.pid}` : "Or stop its process by hand",
      ],
    },
  );
}

/**
 * Wait until the daemon and its server are gone or `graceMs` passed. The
 * daemon holds its lock until its process ends (after its last write), so
 * the lock says "gone" even where signals are not permitted (the narrow
 * flags grant --allow-run for Deno only, and Deno.kill needs more); the
 * pids cover the language server.
 */
async function waitGone(paths: DaemonPaths, pids: number[], graceMs: number): Promise<void> {
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && (lockHeldSync(paths) || pids.some(alive))) {
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The language servers' pids a state file names (one per family), each valid. */
function serverPids(state: DaemonStateFile | undefined): number[] {
  const all = [
    state?.server_pid,
    ...(Array.isArray(state?.server_pids) ? state.server_pids.slice(0, 32) : []),
  ];
  return [...new Set(all.map(validPid).filter((p): p is number => p !== undefined))];
}

/**
 * Kill what is left of the daemon and its server; true when something was
 * killed (its files are removed then: a killed daemon cannot).
 */
async function killLeftovers(
  paths: DaemonPaths,
  state: DaemonStateFile | undefined,
): Promise<boolean> {
  let killed = false;
  for (const pid of [validPid(state?.pid), ...serverPids(state)]) {
    if (pid !== undefined && alive(pid) && signal(pid, "SIGKILL")) killed = true;
  }
  if (!killed) return false;
  // A daemon that was killed could not end its servers' process groups.
  for (const serverPid of serverPids(state)) await killProcessGroup(serverPid);
  for (const p of [paths.socket, paths.state, paths.lock]) await removeIfExists(p);
  return true;
}

/**
 * Stop the daemon: ask it (over the socket, or SIGTERM when the socket is
 * out of reach), wait until its process and its server are gone, kill them
 * when they linger past `graceMs`.
 */
export async function stopDaemon(
  segment: Segment,
  options: { env?: EnvReader; graceMs?: number } = {},
): Promise<StopResult> {
  const paths = checkedPaths(segment, options.env ?? processEnv);
  if (!lockHeldSync(paths)) {
    // No live daemon: clear what a crashed one may have left.
    for (const p of [paths.socket, paths.state]) await removeIfExists(p);
    return { outcome: "not_running", pid: undefined };
  }
  const state = await readDaemonState(paths);
  await askToStop(paths, segment.root, state);
  const graceMs = options.graceMs ?? 8000;
  const pids = [validPid(state?.pid), ...serverPids(state)].filter((p): p is number =>
    p !== undefined
  );
  await waitGone(paths, pids, graceMs);
  const killed = await killLeftovers(paths, state);
  if (!killed && lockHeldSync(paths)) {
    throw new TrifectaError(
      "DAEMON_STOP_TIMEOUT",
      `The LSP daemon (pid ${state?.pid ?? "?"}) did not stop within ${
        Math.round(graceMs / 1000)
      } s and this process may not kill it`,
      { nextSteps: [state?.pid ? `kill ${state.pid}` : "Stop the daemon's process by hand"] },
    );
  }
  return { outcome: killed ? "killed" : "stopped", pid: state?.pid };
}

/** Send a signal; false when the process is gone or this process may not signal it. */
function signal(pid: number, sig: Deno.Signal): boolean {
  try {
    Deno.kill(pid, sig);
    return true;
  } catch (err) {
    if (
      err instanceof Deno.errors.NotFound || err instanceof TypeError ||
      err instanceof Deno.errors.NotCapable
    ) return false;
    throw err;
  }
}
