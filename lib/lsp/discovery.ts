/**
 * Which language server to run: a configured command, else
 * `pyright-langserver` or `basedpyright-langserver` on PATH, else pyright
 * from npm run by Deno itself (no Node.js needed) with its reads limited to
 * the segment, its package and the Python search paths (lib/lsp/sandbox.ts).
 * For TypeScript, `typescript-language-server` when it is on PATH. A server
 * not run by Deno cannot be sandboxed: lib/lsp/segment_guard.ts is what
 * keeps it from reading outside the segment.
 *
 * @module
 */
import { basename, delimiter, isAbsolute, join } from "../path.ts";
import { type EnvReader, parseCommandLine, processEnv } from "./config.ts";
import { isSandboxMiss, probeSandbox, PYRIGHT_NPM, sandboxGrants } from "./sandbox.ts";

export { PYRIGHT_NPM };

/**
 * Deno permissions of the npm pyright server besides its reads: it reads
 * the environment and runs `python` to find the interpreter's search
 * paths. No write, no network. Its reads are granted per segment
 * ({@linkcode pyrightDenoFlags}).
 */
export const PYRIGHT_DENO_FLAGS: readonly string[] = [
  "--no-config",
  "--no-prompt",
  "--allow-env",
  "--allow-sys",
  "--allow-run",
];

/** The npm pyright server's flags with its reads limited to `grants`. */
export function pyrightDenoFlags(grants: readonly string[]): string[] {
  return [...PYRIGHT_DENO_FLAGS, `--allow-read=${grants.join(",")}`];
}

/** Languages with a language server. */
export type ServerLanguage = "python" | "typescript";

/** Backend names of the response contract. */
export type LspBackend = "lsp_pyright" | "lsp_basedpyright" | "lsp_typescript" | "lsp_custom";

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
   * `lsp_binary_not_found`, or `server_not_sandboxed` (pyright from npm
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
   * Real path of the segment root. pyright from npm is granted reads of it
   * (and of its package and the Python search paths) only; without a root
   * it is granted no reads at all (for callers that only look at the kind
   * of server found).
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

function backendOf(exe: string, language: ServerLanguage): LspBackend {
  const b = basename(exe);
  if (b.startsWith("basedpyright")) return "lsp_basedpyright";
  if (b.startsWith("pyright")) return "lsp_pyright";
  if (b.startsWith("typescript-language-server")) return "lsp_typescript";
  return language === "python" && b.startsWith("deno") ? "lsp_pyright" : "lsp_custom";
}

function isDenoBinary(path: string): boolean {
  return /^deno(\.exe)?$/.test(basename(path));
}

/**
 * Find the server for a language.
 *
 * @returns the command, or a {@linkcode DiscoveryMiss} (a configured command
 * that does not exist is a miss: it never silently falls back to another).
 */
export async function findServer(
  language: ServerLanguage,
  options: DiscoveryOptions = {},
): Promise<ServerCommand | DiscoveryMiss> {
  const env = options.env ?? processEnv;
  const configured = env(
    language === "python" ? "TRIFECTA_LSP_COMMAND" : "TRIFECTA_LSP_TS_COMMAND",
  );
  if (configured !== undefined && configured.trim() !== "") {
    const [exe, ...args] = parseCommandLine(configured);
    const found = exe === undefined ? undefined : await which(exe, env);
    if (!found) return { reason: "lsp_binary_not_found", tried: [basename(exe ?? "")] };
    return {
      command: found,
      args,
      backend: backendOf(found, language),
      source: "env",
      label: basename(found),
    };
  }
  const names = language === "python"
    ? ["pyright-langserver", "basedpyright-langserver"]
    : ["typescript-language-server"];
  for (const name of names) {
    const found = await which(name, env);
    if (found) {
      return {
        command: found,
        args: ["--stdio"],
        backend: backendOf(found, language),
        source: "path",
        label: name,
      };
    }
  }
  if (language === "python") {
    const deno = options.denoPath ?? Deno.execPath();
    if (isDenoBinary(deno)) {
      let flags = [...PYRIGHT_DENO_FLAGS];
      if (options.root !== undefined) {
        const probe = await probeSandbox(options.root);
        const grants = isSandboxMiss(probe) ? probe : sandboxGrants(options.root, probe);
        if (isSandboxMiss(grants)) {
          return { reason: grants.reason, tried: ["deno (npm:pyright)"], detail: grants.detail };
        }
        flags = pyrightDenoFlags(grants.grants);
      }
      return {
        command: deno,
        args: ["run", ...flags, PYRIGHT_NPM, "--stdio"],
        backend: "lsp_pyright",
        source: "deno_npm",
        label: "deno:pyright",
      };
    }
    return { reason: "lsp_binary_not_found", tried: [...names, "deno (npm:pyright)"] };
  }
  return { reason: "lsp_binary_not_found", tried: names };
}

/** True when discovery found a server. */
export function isServerCommand(x: ServerCommand | DiscoveryMiss): x is ServerCommand {
  return "command" in x;
}
