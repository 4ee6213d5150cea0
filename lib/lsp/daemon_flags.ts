/**
 * The permissions around a segment's daemon: the flags a `lsp daemon serve`
 * process is started with (no more than the caller holds, scoped to the
 * segment and the runtime directory), and the flags a caller lacks to check,
 * stop or reach a daemon (named in `lsp daemon status` and in errors).
 *
 * @module
 */
import { join } from "../path.ts";
import { fileURLToPath } from "node:url";
import { canReachSocket } from "./daemon_client.ts";
import { otelGrantFlags } from "../telemetry/otel_config.ts";
import type { DaemonPaths } from "./daemon_paths.ts";
import type { EnvReader } from "./config.ts";
import { findServer, isServerCommand } from "./discovery.ts";
import { serverFamilies } from "./servers.ts";

/** How to run `lsp daemon serve` as a child process. */
export interface ServeCommand {
  /** Executable (Deno). */
  command: string;
  /** Arguments up to and including the main module. */
  args: string[];
  /** Working directory (the caller's, so the same config is found). */
  cwd: string;
}

/** Where a daemon for a segment reads and writes. */
export interface DaemonScope {
  /** Real path of the segment root. */
  root: string;
  /** The daemon's runtime directory (lock, state file, socket). */
  runtimeDir: string;
  /**
   * Language-server executables the caller may run (found on PATH or
   * configured): the daemon may run them too ({@linkcode grantedServerCommands}).
   */
  servers?: readonly string[];
}

/**
 * The language servers of every family (lib/lsp/servers.ts) that this
 * process may run: the daemon is granted them, no more.
 */
export async function grantedServerCommands(env: EnvReader): Promise<string[]> {
  const out: string[] = [];
  for (const family of serverFamilies()) {
    const found = await findServer(family, { env });
    if (!isServerCommand(found) || found.source === "deno_npm") continue;
    const state = Deno.permissions.querySync({ name: "run", command: found.command }).state;
    if (state === "granted" && !out.includes(found.command)) out.push(found.command);
  }
  return out;
}

// Variables trifecta and pyright's discovery read (docs/security.md).
const DAEMON_ENV = "TRIFECTA_*,PATH,XDG_RUNTIME_DIR,USER,HOME";

/**
 * The permission flags for the daemon process: what this process holds
 * unscoped is passed on as is; otherwise the daemon gets exactly what it
 * needs for its segment — read the segment, trifecta's own code directory
 * (the AST worker module) and the runtime directory; write the segment's
 * `_ctx/` and `.trifecta/` and the runtime directory; run Deno (pyright runs
 * under it) and the language servers the caller may run. So `lsp daemon start` works under the documented narrow flags.
 */
export function inheritedPermissionFlags(scope: DaemonScope): string[] {
  const granted = (name: "read" | "write" | "env" | "run" | "net" | "ffi") =>
    Deno.permissions.querySync({ name }).state === "granted";
  const flags: string[] = [];
  const code = Deno.mainModule.startsWith("file:")
    ? [fileURLToPath(new URL(".", Deno.mainModule)) + "lib"]
    : [];
  flags.push(
    granted("read")
      ? "--allow-read"
      : `--allow-read=${[scope.root, ...code, scope.runtimeDir].join(",")}`,
  );
  flags.push(
    granted("write")
      ? "--allow-write"
      : `--allow-write=${join(scope.root, "_ctx")},${
        join(scope.root, ".trifecta")
      },${scope.runtimeDir}`,
  );
  flags.push(granted("env") ? "--allow-env" : `--allow-env=${DAEMON_ENV}`);
  flags.push(
    granted("run")
      ? "--allow-run"
      : `--allow-run=${[Deno.execPath(), ...(scope.servers ?? [])].join(",")}`,
  );
  if (granted("net")) flags.push("--allow-net");
  // The live OpenTelemetry export's variables and collector, when this process holds them.
  flags.push(...otelGrantFlags());
  if (granted("ffi")) flags.push("--allow-ffi");
  if (Deno.permissions.querySync({ name: "sys" }).state === "granted") flags.push("--allow-sys");
  else {
    const kinds = ([
      "osRelease",
      "uid",
      "hostname",
      "loadavg",
      "networkInterfaces",
      "systemMemoryInfo",
      "gid",
    ] as const)
      .filter((kind) => Deno.permissions.querySync({ name: "sys", kind }).state === "granted");
    if (kinds.length > 0) flags.push(`--allow-sys=${kinds.join(",")}`);
  }
  return flags;
}

/** The default serve command: this Deno, the daemon's permissions, this main module. */
export function defaultServeCommand(scope: DaemonScope): ServeCommand {
  return {
    command: Deno.execPath(),
    args: [
      "run",
      "--no-prompt",
      ...inheritedPermissionFlags(scope),
      "--unstable-raw-imports",
      Deno.mainModule,
    ],
    cwd: Deno.cwd(),
  };
}

/** True when this process may check the daemon's runtime directory (read it, know its uid). */
export function canCheckRuntimeDir(paths: DaemonPaths): boolean {
  return Deno.permissions.querySync({ name: "read", path: paths.dir }).state === "granted" &&
    Deno.permissions.querySync({ name: "sys", kind: "uid" }).state === "granted";
}

/** The flags this process lacks to check, start, stop and reach the daemon. */
export function missingDaemonFlags(paths: DaemonPaths): string[] {
  const q = (d: Deno.PermissionDescriptor) => Deno.permissions.querySync(d).state === "granted";
  return [
    ...(q({ name: "read", path: paths.dir }) ? [] : [`--allow-read=${paths.dir}`]),
    ...(q({ name: "write", path: paths.dir }) ? [] : [`--allow-write=${paths.dir}`]),
    ...(q({ name: "sys", kind: "uid" }) ? [] : ["--allow-sys=uid"]),
    ...(canReachSocket(paths.socket) ? [] : [`--allow-net=unix:${paths.socket}`]),
  ];
}
