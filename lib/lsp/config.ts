/**
 * LSP settings read from the environment, with their documented defaults
 * (docs/lsp.md):
 *
 * | variable | meaning | default |
 * |---|---|---|
 * | `TRIFECTA_LSP` | `0`/`false`/`off` turns the language server off (fallback reason `lsp_disabled`) | on |
 * | `TRIFECTA_LSP_REQUEST_TIMEOUT` | seconds one request may take before it is cancelled (`lsp_request_timeout`) | 30 |
 * | `TRIFECTA_LSP_READY_TIMEOUT` | seconds a call waits for READY before it falls back (`lsp_not_ready`); 0 = never wait | 60 |
 * | `TRIFECTA_LSP_COMMAND` | the Python server's command line (JSON array, or words split on spaces) | discovered |
 * | `TRIFECTA_LSP_TS_COMMAND` | the TypeScript server's command line | discovered |
 * | `TRIFECTA_LSP_DAEMON` | `0` ignores a running daemon (always one-shot) | use it |
 * | `TRIFECTA_LSP_DAEMON_TTL` | idle seconds before the daemon exits (`--ttl` wins) | 300 |
 *
 * @module
 */
import { optionalEnv } from "../env.ts";

/** Reads one environment variable (the process environment by default). */
export type EnvReader = (name: string) => string | undefined;

/**
 * The process environment: undefined when unset or when `--allow-env` does
 * not cover the variable (the permission is queried first, so Deno neither
 * throws nor prompts).
 */
export function processEnv(name: string): string | undefined {
  return optionalEnv(name);
}

/** Default request timeout in seconds. */
export const DEFAULT_REQUEST_TIMEOUT_S = 30;
/** Default wait for READY in a one-shot call, in seconds. */
export const DEFAULT_READY_TIMEOUT_S = 60;
/** Default idle TTL of the daemon, in seconds. */
export const DEFAULT_DAEMON_TTL_S = 300;

function seconds(raw: string | undefined, fallback: number, allowZero = false): number {
  if (raw === undefined || raw.trim() === "") return fallback;
  const n = Number(raw);
  return Number.isFinite(n) && (n > 0 || (allowZero && n === 0)) ? n : fallback;
}

function falsy(raw: string | undefined): boolean {
  return raw !== undefined && ["0", "false", "off", "no"].includes(raw.trim().toLowerCase());
}

/** The LSP settings of one run. */
export interface LspConfig {
  /** False with `TRIFECTA_LSP=0`. */
  enabled: boolean;
  /** Per-request timeout in ms. */
  requestTimeoutMs: number;
  /** One-shot wait for READY in ms. */
  readyTimeoutMs: number;
  /** Use a running daemon. */
  useDaemon: boolean;
  /** Daemon idle TTL in seconds. */
  daemonTtlS: number;
}

/** Read the LSP settings from the environment. */
export function lspConfig(env: EnvReader = processEnv): LspConfig {
  return {
    enabled: !falsy(env("TRIFECTA_LSP")),
    requestTimeoutMs: seconds(env("TRIFECTA_LSP_REQUEST_TIMEOUT"), DEFAULT_REQUEST_TIMEOUT_S) *
      1000,
    readyTimeoutMs: seconds(env("TRIFECTA_LSP_READY_TIMEOUT"), DEFAULT_READY_TIMEOUT_S, true) *
      1000,
    useDaemon: !falsy(env("TRIFECTA_LSP_DAEMON")),
    daemonTtlS: seconds(env("TRIFECTA_LSP_DAEMON_TTL"), DEFAULT_DAEMON_TTL_S),
  };
}

/** Split a configured command line: a JSON array of strings, or words separated by spaces. */
export function parseCommandLine(raw: string): string[] {
  const text = raw.trim();
  if (text.startsWith("[")) {
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed) || !parsed.every((x) => typeof x === "string")) {
      throw new Error("expected a JSON array of strings");
    }
    return parsed as string[];
  }
  return text.split(/\s+/).filter((w) => w.length > 0);
}
