/**
 * The narrow Deno permission flags trifecta runs with, computed for one
 * segment. Used by the `cli` task's launcher (`tools/cli.ts`) and by the e2e
 * tests, so the documented flags are the tested ones (docs/security.md).
 *
 * @module
 */
import { join, resolve } from "node:path";
import { optionalEnv } from "../lib/env.ts";
import { daemonPaths, runtimeDir } from "../lib/lsp/daemon_paths.ts";
import { findServer, isServerCommand } from "../lib/lsp/discovery.ts";
import { serverFamilies } from "../lib/lsp/servers.ts";
import { userConfigPath } from "../lib/config/files.ts";

/**
 * Environment variables trifecta reads (`TRIFECTA_*` is a prefix grant);
 * `HOME`, `XDG_CONFIG_HOME` and `XDG_STATE_HOME` locate the user config file
 * and the state directory (docs/config.md).
 */
export const ENV_ALLOW: readonly string[] = [
  "TRIFECTA_*",
  "PATH",
  "XDG_RUNTIME_DIR",
  "USER",
  "HOME",
  "XDG_CONFIG_HOME",
  "XDG_STATE_HOME",
];

/** `--allow-sys` kinds trifecta uses (telemetry host facts, the daemon's uid). */
export const SYS_ALLOW: readonly string[] = ["osRelease", "uid", "hostname"];

/** What the flags are scoped to. */
export interface PermissionScope {
  /** The segment directory (absolute, or relative to `cwd`). */
  segment: string;
  /** Directory that relative paths are taken against (default: the process cwd). */
  cwd?: string;
  /**
   * Directories of trifecta's own code that must be readable (the checkout's
   * `lib/`, which the AST worker loads); none for the bundle.
   */
  codeDirs?: readonly string[];
  /**
   * Grant the language-server daemon's runtime directory (read, write) and
   * the segment's daemon socket (`--allow-net=unix:<socket>`).
   */
  daemon?: boolean;
  /** Executables trifecta may run (default: this Deno, for pyright and the daemon). */
  run?: readonly string[];
  /**
   * Language-server executables to grant on top of `run` (see
   * {@linkcode serverExecutables}): run, and read so that the CLI's own
   * discovery can see them.
   */
  servers?: readonly string[];
  /**
   * Extra paths to read and write (`telemetry export -o FILE`,
   * `TRIFECTA_TELEMETRY_DIR`, the state directory of `telemetry.dir: "state"`).
   */
  extraWrite?: readonly string[];
  /**
   * The user config file to grant read of (that one file); default: where
   * `$XDG_CONFIG_HOME` or `$HOME` puts it (lib/config/files.ts), none when
   * neither is known; `null` grants none.
   */
  userConfig?: string | null;
  /** Add `--unstable-raw-imports` (needed from source, not for the bundle). */
  rawImports?: boolean;
}

function realOrResolved(path: string): string {
  try {
    return Deno.realPathSync(path);
  } catch (err) {
    // A launcher without read access cannot canonicalise: the path as given.
    if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotCapable) return path;
    throw err;
  }
}

/**
 * The flags for one segment: read the segment, trifecta's code and the user
 * config file, write only `<segment>/_ctx` and `<segment>/.trifecta` (plus
 * `extraWrite`), run only Deno (pyright
 * and the daemon), env limited to {@linkcode ENV_ALLOW}, no net beyond the
 * daemon socket, no ffi.
 *
 * @example
 * ```ts
 * import { permissionFlags } from "./permissions.ts";
 * permissionFlags({ segment: "/work/repo" });
 * // ["--no-prompt", "--allow-read=/work/repo", "--allow-write=/work/repo/_ctx,/work/repo/.trifecta", …]
 * ```
 */
export function permissionFlags(scope: PermissionScope): string[] {
  const seg = realOrResolved(resolve(scope.cwd ?? Deno.cwd(), scope.segment));
  const read = [seg, ...(scope.codeDirs ?? [])];
  const userConfig = scope.userConfig === undefined ? userConfigPath() : scope.userConfig;
  if (userConfig !== null && userConfig !== undefined) read.push(userConfig);
  const write = [join(seg, "_ctx"), join(seg, ".trifecta")];
  for (const p of scope.extraWrite ?? []) {
    read.push(p);
    write.push(p);
  }
  const daemon = scope.daemon ? daemonPaths(seg) : undefined;
  if (daemon) {
    read.push(daemon.dir);
    write.push(daemon.dir);
  }
  const run = [...(scope.run ?? [Deno.execPath()])];
  for (const exe of scope.servers ?? []) {
    if (!read.includes(exe)) read.push(exe);
    if (!run.includes(exe)) run.push(exe);
  }
  const flags = [
    "--no-prompt",
    `--allow-read=${read.join(",")}`,
    `--allow-write=${write.join(",")}`,
    `--allow-env=${ENV_ALLOW.join(",")}`,
    `--allow-run=${run.join(",")}`,
    `--allow-sys=${SYS_ALLOW.join(",")}`,
  ];
  if (daemon) flags.push(`--allow-net=unix:${daemon.socket}`);
  if (scope.rawImports ?? true) flags.push("--unstable-raw-imports");
  return flags;
}

/** The `-s/--segment` value in CLI arguments (default `.`). */
export function segmentArg(args: readonly string[]): string {
  let segment = ".";
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? "";
    const next = args[i + 1];
    if (a === "--") break;
    if ((a === "-s" || a === "--segment") && next !== undefined) {
      segment = next;
      i++;
    } else if (a.startsWith("--segment=")) segment = a.slice("--segment=".length);
    else if (a.startsWith("-s") && a.length > 2 && !a.startsWith("--")) segment = a.slice(2);
  }
  return segment;
}

/**
 * Flags the `cli` task gives the launcher itself (deno.json): it reads
 * `INIT_CWD` and, to find the language servers the CLI would use, `PATH`
 * and `TRIFECTA_LSP_*`, and looks at the candidates on `PATH` (read); it
 * reads the config files (`HOME`, `XDG_*`) to grant the state directory when
 * `telemetry.dir` is `"state"`. It runs only Deno; the CLI it starts gets
 * {@linkcode permissionFlags}.
 */
export const LAUNCHER_ENV_ALLOW: readonly string[] = [
  "INIT_CWD",
  "XDG_RUNTIME_DIR",
  "USER",
  "PATH",
  "TRIFECTA_*",
  "HOME",
  "XDG_CONFIG_HOME",
  "XDG_STATE_HOME",
];

/**
 * The launcher's own flags, as the `cli` task in deno.json gives them:
 * `--allow-read` lets it find executables on `PATH` and canonicalise the
 * segment; the CLI it starts never gets more than {@linkcode permissionFlags}.
 */
export function launcherFlags(): string[] {
  return [
    "--no-prompt",
    `--allow-env=${LAUNCHER_ENV_ALLOW.join(",")}`,
    "--allow-read",
    "--allow-sys=uid",
    `--allow-run=${Deno.execPath()}`,
  ];
}

/** The discovered path and, when it is a link, its real path (Deno matches the path spawned). */
function withRealPath(path: string): string[] {
  try {
    const real = Deno.realPathSync(path);
    return real === path ? [path] : [path, real];
  } catch (err) {
    // Without read access the link cannot be followed: the discovered path alone.
    if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotCapable) return [path];
    throw err;
  }
}

/**
 * The language-server executables the CLI would start for this environment,
 * for every server family of the language registry (each family's variable,
 * `TRIFECTA_LSP_COMMAND`, `TRIFECTA_LSP_C_COMMAND` …, else its servers on
 * `PATH`: pyright, typescript-language-server, clangd, gopls …;
 * lib/lsp/discovery.ts), as absolute paths. A server run by Deno from npm
 * needs no entry. Without `--allow-env=PATH` or read access to the `PATH`
 * directories nothing is found, and the CLI's fallback names what to grant.
 * `env` (default: the process environment) lets the launcher add the config
 * files' `lsp.servers` (`serverCommandEnv`, lib/config/servers.ts).
 */
export async function serverExecutables(
  env: (name: string) => string | undefined = optionalEnv,
): Promise<string[]> {
  const found: string[] = [];
  for (const language of serverFamilies()) {
    const server = await findServer(language, { env });
    if (!isServerCommand(server) || server.source === "deno_npm") continue;
    for (const p of withRealPath(server.command)) if (!found.includes(p)) found.push(p);
  }
  return found;
}

/** The daemon runtime directory (re-exported for the launcher and docs). */
export { runtimeDir };
