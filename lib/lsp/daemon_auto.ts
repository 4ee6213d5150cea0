/**
 * `lsp.daemon: "auto"`: a one-shot CLI question starts the segment's warm
 * daemon when none runs, so this and later questions skip the language
 * server's start-up. The daemon is the same detached `lsp daemon serve`
 * process `lsp daemon start` runs ({@linkcode startDaemon}), under the same
 * rules: this process's own permissions are inherited, an untrusted runtime
 * directory is never touched, and a missing grant is named, not prompted.
 * One rule more, since nobody asked for this daemon by name: it is started
 * only when this process may itself write the segment's `_ctx/` and
 * `.trifecta/` (where the daemon writes), so a run that keeps the segment
 * read-only never gets a daemon that writes there.
 *
 * Nothing here throws for a daemon that cannot start: the outcome says why
 * and the caller answers one-shot, as without the setting. Imports neither
 * the language-server client nor the AST (the warm path stays light).
 *
 * @module
 */
import { errorMessage } from "../errors.ts";
import { join } from "../path.ts";
import type { Segment } from "../segment/segment.ts";
import { type EnvReader, processEnv } from "./config.ts";
import { canReachSocket } from "./daemon_client.ts";
import { startDaemon } from "./daemon_control.ts";
import { canCheckRuntimeDir, missingDaemonFlags } from "./daemon_flags.ts";
import { daemonPaths } from "./daemon_paths.ts";
import { inspectDaemon, lockHeldSync } from "./daemon_trust.ts";

/** How long a question waits for the daemon it started to listen (ms). */
export const AUTO_START_WAIT_MS = 10_000;

/** What {@linkcode autoStartDaemon} did. */
export interface AutoDaemonOutcome {
  /**
   * `running`: one ran already; `started`: this call started it and it
   * listens; `not_started`: it could not be started (see `detail`).
   */
  outcome: "running" | "started" | "not_started";
  /** Why it was not started (no repository text; paths are the runtime directory's). */
  detail?: string;
}

/** Options for {@linkcode autoStartDaemon}. */
export interface AutoDaemonOptions {
  /** The daemon's idle TTL in seconds. */
  ttlS: number;
  /** Extra CLI flags for the serve process (e.g. `--telemetry off`). */
  extraArgs?: string[];
  /** Environment (runtime directory, server discovery). */
  env?: EnvReader;
  /** Give up waiting for it to listen after this many ms (default {@linkcode AUTO_START_WAIT_MS}). */
  timeoutMs?: number;
}

/** True when this process holds write permission on the segment's `_ctx/` and `.trifecta/`. */
function mayWriteSegment(root: string): boolean {
  return ["_ctx", ".trifecta"].every((dir) =>
    Deno.permissions.querySync({ name: "write", path: join(root, dir) }).state === "granted"
  );
}

/**
 * Make sure the segment's daemon runs: start it unless one does (see the
 * module doc). Never throws for a daemon that cannot start.
 *
 * @example
 * ```ts
 * import { autoStartDaemon } from "./daemon_auto.ts";
 * import { resolveSegment } from "../segment/segment.ts";
 * import { equal, ok } from "node:assert/strict";
 * const dir = await Deno.makeTempDir();
 * // A runtime directory that cannot be made (under a regular file): nothing starts.
 * await Deno.writeTextFile(`${dir}/file`, "");
 * const env = (name: string) => name === "XDG_RUNTIME_DIR" ? `${dir}/file` : undefined;
 * const r = await autoStartDaemon(await resolveSegment(dir), { ttlS: 60, env });
 * equal(r.outcome, "not_started");
 * ok(r.detail?.startsWith("the daemon did not start"));
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function autoStartDaemon(
  segment: Segment,
  options: AutoDaemonOptions,
): Promise<AutoDaemonOutcome> {
  const env = options.env ?? processEnv;
  const paths = daemonPaths(segment.root, env);
  // A daemon this process could not then ask would only turn answers into fallbacks.
  if (!canCheckRuntimeDir(paths) || !canReachSocket(paths.socket)) {
    const flags = missingDaemonFlags(paths).join(" ");
    return { outcome: "not_started", detail: `add ${flags} to start and reach the daemon` };
  }
  const trust = inspectDaemon(paths, { root: segment.root, lockHeld: lockHeldSync });
  if (trust.kind === "untrusted" || trust.kind === "not_granted") {
    return { outcome: "not_started", detail: trust.detail };
  }
  if (trust.kind === "trusted" && lockHeldSync(paths)) return { outcome: "running" };
  if (!mayWriteSegment(segment.root)) {
    return {
      outcome: "not_started",
      detail:
        "this run may not write the segment's _ctx/ and .trifecta/, where the daemon writes; " +
        "`trifecta lsp daemon start` starts one anyway",
    };
  }
  try {
    const started = await startDaemon(segment, {
      ttlS: options.ttlS,
      extraArgs: options.extraArgs,
      env,
      timeoutMs: options.timeoutMs ?? AUTO_START_WAIT_MS,
    });
    return { outcome: started.outcome === "started" ? "started" : "running" };
  } catch (err) {
    // A daemon that cannot start leaves the question to the one-shot path: named, not thrown.
    return { outcome: "not_started", detail: `the daemon did not start: ${errorMessage(err)}` };
  }
}
