/**
 * Which language server to run, read from the language registry
 * (lib/languages, each entry's `servers`): the command line in a
 * candidate's environment variable (`TRIFECTA_LSP_COMMAND`,
 * `TRIFECTA_LSP_TS_COMMAND` …), else the candidates' executables on PATH
 * (`pyright-langserver`, `clangd`, `gopls` …), else a candidate's npm
 * package run by Deno itself (no Node.js needed) with its reads limited to
 * the segment, its package and the interpreter's search paths
 * (lib/lsp/sandbox.ts). A server not run by Deno cannot be sandboxed:
 * lib/lsp/segment_guard.ts is what keeps it from reading outside the
 * segment.
 *
 * @module
 */
import { basename, delimiter, isAbsolute, join } from "../path.ts";
import { type EnvReader, parseCommandLine, processEnv } from "./config.ts";
import {
  isSandboxMiss,
  type NpmServer,
  npmServerOf,
  probeSandbox,
  sandboxGrants,
} from "./sandbox.ts";
import { CUSTOM_BACKEND, type ServerLanguage, serverSpecs } from "./servers.ts";
import type { ServerSpec } from "../languages/mod.ts";

/**
 * Deno permissions of a server run from npm besides its reads: it reads
 * the environment and runs its interpreter to find its search paths
 * (pyright runs `python`). No write, no network. Its reads are granted per
 * segment ({@linkcode npmDenoFlags}).
 */
export const NPM_DENO_FLAGS: readonly string[] = [
  "--no-config",
  "--no-prompt",
  "--allow-env",
  "--allow-sys",
  "--allow-run",
];

/** An npm server's flags with its reads limited to `grants`. */
export function npmDenoFlags(grants: readonly string[]): string[] {
  return [...NPM_DENO_FLAGS, `--allow-read=${grants.join(",")}`];
}

/** A server family (re-exported from lib/lsp/servers.ts). */
export type { ServerLanguage };

/**
 * Backend names of the response contract: an entry's `backend`
 * (`lsp_pyright`, `lsp_clangd` …) or `lsp_custom`.
 */
export type LspBackend = string;

/** A server to spawn. */
export interface ServerCommand {
  /** Executable (absolute path when found on PATH). */
  command: string;
  /** Its arguments. */
  args: string[];
  /** Backend name for the response contract. */
  backend: LspBackend;
  /** Where it came from. */
  source: "env" | "path" | "deno_npm";
  /** Executable base name, safe for telemetry. */
  label: string;
}

/** Why discovery found nothing to run. */
export interface DiscoveryMiss {
  /**
   * `lsp_binary_not_found`, or `server_not_sandboxed` (a server from npm
   * whose read grants could not be computed: it is never run unscoped).
   */
  reason: "lsp_binary_not_found" | "server_not_sandboxed";
  /** What was looked for (names only, no paths). */
  tried: string[];
  /** What failed and how to fix it (`server_not_sandboxed`). */
  detail?: string;
}

/** Options for {@linkcode findServer}. */
export interface DiscoveryOptions {
  /** Environment (default: the process environment). */
  env?: EnvReader;
  /** Path of the Deno executable (default `Deno.execPath()`). */
  denoPath?: string;
  /**
   * Real path of the segment root. A server from npm is granted reads of it
   * (and of its package and its search paths) only; without a root it is
   * granted no reads at all (for callers that only look at the kind of
   * server found).
   */
  root?: string;
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    const info = await Deno.stat(path);
    return info.isFile && (info.mode === null || (info.mode & 0o111) !== 0);
  } catch (err) {
    // No read grant on the binary, but a grant to run it (e.g. `--allow-run=<deno>`
    // with a configured command through Deno): let the spawn decide.
    if (err instanceof Deno.errors.NotCapable) {
      return Deno.permissions.querySync({ name: "run", command: path }).state === "granted";
    }
    if (err instanceof Deno.errors.NotFound) return false;
    if (err instanceof Deno.errors.PermissionDenied) return false;
    throw err;
  }
}

/** Find an executable by name on PATH (or check a path); undefined when absent. */
export async function which(
  name: string,
  env: EnvReader = processEnv,
): Promise<string | undefined> {
  if (name.includes("/")) return (await isExecutable(name)) ? name : undefined;
  for (const dir of (env("PATH") ?? "").split(delimiter)) {
    if (dir === "" || !isAbsolute(dir)) continue;
    const candidate = join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/**
 * The backend of a configured executable: the candidate one of whose names
 * it carries (`pyright-langserver`, `pyright`, `clangd-14`), Deno for the
 * candidate run from npm, else `lsp_custom`.
 */
function backendOf(exe: string, servers: readonly ServerSpec[]): LspBackend {
  const b = basename(exe);
  for (const spec of servers) {
    if (spec.names.some((n) => b.startsWith(n) || n.startsWith(`${b}-`))) return spec.backend;
  }
  const npm = servers.find((s) => s.npm !== undefined);
  return npm && isDenoBinary(exe) ? npm.backend : CUSTOM_BACKEND;
}

function isDenoBinary(path: string): boolean {
  return /^deno(\.exe)?$/.test(basename(path));
}

/** The command of the first candidate variable set (`TRIFECTA_LSP_COMMAND` …), if any. */
async function configuredServer(
  servers: readonly ServerSpec[],
  env: EnvReader,
): Promise<ServerCommand | DiscoveryMiss | undefined> {
  for (const name of new Set(servers.map((s) => s.env))) {
    const configured = env(name);
    if (configured === undefined || configured.trim() === "") continue;
    const [exe, ...args] = parseCommandLine(configured);
    const found = exe === undefined ? undefined : await which(exe, env);
    if (!found) return { reason: "lsp_binary_not_found", tried: [basename(exe ?? "")] };
    return {
      command: found,
      args,
      backend: backendOf(found, servers),
      source: "env",
      label: basename(found),
    };
  }
  return undefined;
}

/**
 * A candidate's npm package run by Deno with its reads limited to the
 * segment (lib/lsp/sandbox.ts), or why it cannot run.
 */
async function npmServer(
  spec: ServerSpec,
  server: NpmServer,
  options: DiscoveryOptions,
): Promise<ServerCommand | DiscoveryMiss> {
  const tried = [`deno (npm:${server.pkg})`];
  const deno = options.denoPath ?? Deno.execPath();
  if (!isDenoBinary(deno)) return { reason: "lsp_binary_not_found", tried };
  let flags = [...NPM_DENO_FLAGS];
  if (options.root !== undefined) {
    const probe = await probeSandbox(options.root, server);
    const grants = isSandboxMiss(probe) ? probe : sandboxGrants(options.root, probe);
    if (isSandboxMiss(grants)) return { reason: grants.reason, tried, detail: grants.detail };
    flags = npmDenoFlags(grants.grants);
  }
  return {
    command: deno,
    args: ["run", ...flags, server.specifier, ...spec.args],
    backend: spec.backend,
    source: "deno_npm",
    label: `deno:${server.pkg}`,
  };
}

/**
 * Find the server for a language family, from its registry entry's
 * `servers`: the command in the first candidate's variable (`env`), else
 * the candidates' `names` on PATH with their `args`, else a candidate's
 * `npm` package run by Deno, sandboxed.
 *
 * @returns the command, or a {@linkcode DiscoveryMiss} (a configured command
 * that does not exist is a miss: it never silently falls back to another).
 */
export async function findServer(
  language: ServerLanguage,
  options: DiscoveryOptions = {},
): Promise<ServerCommand | DiscoveryMiss> {
  const env = options.env ?? processEnv;
  const servers = serverSpecs(language);
  const configured = await configuredServer(servers, env);
  if (configured !== undefined) return configured;
  const names: string[] = [];
  for (const spec of servers) {
    for (const name of spec.names) {
      names.push(name);
      const found = await which(name, env);
      if (found) {
        return {
          command: found,
          args: [...spec.args],
          backend: spec.backend,
          source: "path",
          label: name,
        };
      }
    }
  }
  for (const spec of servers) {
    const server = npmServerOf(spec);
    if (server === undefined) continue;
    const found = await npmServer(spec, server, options);
    if (isServerCommand(found) || found.reason !== "lsp_binary_not_found") return found;
    names.push(...found.tried);
  }
  return { reason: "lsp_binary_not_found", tried: names };
}

/** True when discovery found a server. */
export function isServerCommand(x: ServerCommand | DiscoveryMiss): x is ServerCommand {
  return "command" in x;
}
