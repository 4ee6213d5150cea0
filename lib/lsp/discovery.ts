/**
 * Which language server to run: a configured command, else
 * `pyright-langserver` or `basedpyright-langserver` on PATH, else pyright
 * from npm run by Deno itself (no Node.js needed). For TypeScript,
 * `typescript-language-server` when it is on PATH.
 *
 * @module
 */
import { basename, delimiter, isAbsolute, join } from "../path.ts";
import { type EnvReader, parseCommandLine, processEnv } from "./config.ts";

/** The pinned pyright used when no server is on PATH. */
export const PYRIGHT_NPM = "npm:pyright@1.1.414/langserver.index.js";

/**
 * Deno permissions of the npm pyright server: it reads the project and its
 * bundled typeshed, reads the environment, and runs `python` to find the
 * interpreter's search paths. No write, no network.
 */
export const PYRIGHT_DENO_FLAGS: readonly string[] = [
  "--no-config",
  "--no-prompt",
  "--allow-read",
  "--allow-env",
  "--allow-sys",
  "--allow-run",
];

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

/** Why discovery found nothing. */
export interface DiscoveryMiss {
  /** Always `lsp_binary_not_found`. */
  reason: "lsp_binary_not_found";
  /** What was looked for (names only, no paths). */
  tried: string[];
}

/** Options for {@linkcode findServer}. */
export interface DiscoveryOptions {
  /** Environment (default: the process environment). */
  env?: EnvReader;
  /** Path of the Deno executable (default `Deno.execPath()`). */
  denoPath?: string;
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
      return {
        command: deno,
        args: ["run", ...PYRIGHT_DENO_FLAGS, PYRIGHT_NPM, "--stdio"],
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
