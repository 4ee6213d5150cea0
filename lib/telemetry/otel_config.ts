/**
 * Whether and where the live OpenTelemetry export goes, from the standard
 * `OTEL_*` variables (there is no configuration file). Off unless
 * `OTEL_EXPORTER_OTLP_ENDPOINT` is set or `OTEL_DENO=true`;
 * `OTEL_SDK_DISABLED=true` turns it off. Imports nothing heavy: every
 * command reads it.
 *
 * @module
 */
import type { EnvReader } from "./config.ts";
import { processEnv } from "./config.ts";

/** Where Deno and the OpenTelemetry SDKs send OTLP/HTTP by default. */
export const DEFAULT_OTLP_ENDPOINT = "http://localhost:4318";

/** The export's bound when `OTEL_EXPORTER_OTLP_TIMEOUT` is unset (ms). */
export const DEFAULT_EXPORT_TIMEOUT_MS = 2000;

/** Largest bound accepted from `OTEL_EXPORTER_OTLP_TIMEOUT` (ms). */
export const MAX_EXPORT_TIMEOUT_MS = 10_000;

/** The resolved live-export settings. */
export interface OtelConfig {
  /** `…/v1/traces`. */
  tracesUrl: string;
  /** `…/v1/metrics`. */
  metricsUrl: string;
  /** `host:port` of the collector: what `--allow-net` must name. */
  netHost: string;
  /** Extra request headers (`OTEL_EXPORTER_OTLP_HEADERS`, e.g. an API key). */
  headers: Record<string, string>;
  /** `service.name` (`OTEL_SERVICE_NAME`, default `trifecta`). */
  serviceName: string;
  /** Bound of one export, both signals together (ms). */
  timeoutMs: number;
  /** Problems with the settings, e.g. a timeout out of range. */
  warnings: string[];
}

const TRUE = new Set(["1", "true", "yes", "on"]);

function isTrue(value: string | undefined): boolean {
  return value !== undefined && TRUE.has(value.trim().toLowerCase());
}

/** `k1=v1,k2=v2` (values percent-encoded, as the OTLP exporter spec says). */
function parseHeaders(text: string | undefined, warnings: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (text ?? "").split(",")) {
    if (part.trim() === "") continue;
    const eq = part.indexOf("=");
    const key = eq > 0 ? part.slice(0, eq).trim() : "";
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(key)) {
      warnings.push("OTEL_EXPORTER_OTLP_HEADERS: an entry is not key=value; ignored");
      continue;
    }
    try {
      out[key] = decodeURIComponent(part.slice(eq + 1).trim());
    } catch (err) {
      // A malformed escape: the header is left out, never sent half-decoded.
      if (!(err instanceof URIError)) throw err;
      warnings.push(`OTEL_EXPORTER_OTLP_HEADERS: ${key} is not percent-encoded; ignored`);
    }
  }
  return out;
}

function timeoutOf(text: string | undefined, warnings: string[]): number {
  if (text === undefined || text.trim() === "") return DEFAULT_EXPORT_TIMEOUT_MS;
  const ms = Number(text);
  if (!Number.isFinite(ms) || ms <= 0) {
    warnings.push("OTEL_EXPORTER_OTLP_TIMEOUT is not a positive number; using the default");
    return DEFAULT_EXPORT_TIMEOUT_MS;
  }
  return Math.min(ms, MAX_EXPORT_TIMEOUT_MS);
}

/**
 * The live-export settings, or `undefined` when the export is off. Reads
 * `OTEL_SDK_DISABLED`, `OTEL_DENO`, `OTEL_EXPORTER_OTLP_ENDPOINT`,
 * `OTEL_EXPORTER_OTLP_HEADERS`, `OTEL_EXPORTER_OTLP_TIMEOUT`,
 * `OTEL_SERVICE_NAME`; a variable `--allow-env` does not cover reads as
 * unset. An endpoint that is not an `http(s)` URL turns the export off.
 *
 * @example
 * ```ts
 * import { resolveOtelConfig } from "./otel_config.ts";
 * import { equal } from "node:assert/strict";
 * equal(resolveOtelConfig(() => undefined), undefined);
 * const env: Record<string, string> = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318/" };
 * const c = resolveOtelConfig((name) => env[name]);
 * equal(c?.tracesUrl, "http://127.0.0.1:4318/v1/traces");
 * equal(c?.netHost, "127.0.0.1:4318");
 * ```
 */
export function resolveOtelConfig(env: EnvReader = processEnv): OtelConfig | undefined {
  if (isTrue(env("OTEL_SDK_DISABLED"))) return undefined;
  const given = env("OTEL_EXPORTER_OTLP_ENDPOINT")?.trim();
  if ((given === undefined || given === "") && !isTrue(env("OTEL_DENO"))) return undefined;
  let url: URL;
  try {
    url = new URL(given || DEFAULT_OTLP_ENDPOINT);
  } catch (err) {
    // Not a URL: nowhere to send to, so no export (never a failed command).
    if (err instanceof TypeError) return undefined;
    throw err;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  const warnings: string[] = [];
  const base = url.href.replace(/\/+$/, "");
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  return {
    tracesUrl: `${base}/v1/traces`,
    metricsUrl: `${base}/v1/metrics`,
    netHost: `${url.hostname}:${port}`,
    headers: parseHeaders(env("OTEL_EXPORTER_OTLP_HEADERS"), warnings),
    serviceName: env("OTEL_SERVICE_NAME")?.trim() || "trifecta",
    timeoutMs: timeoutOf(env("OTEL_EXPORTER_OTLP_TIMEOUT"), warnings),
    warnings,
  };
}

/** The variables {@linkcode resolveOtelConfig} reads. */
export const OTEL_ENV_NAMES: readonly string[] = [
  "OTEL_SDK_DISABLED",
  "OTEL_DENO",
  "OTEL_EXPORTER_OTLP_ENDPOINT",
  "OTEL_EXPORTER_OTLP_HEADERS",
  "OTEL_EXPORTER_OTLP_TIMEOUT",
  "OTEL_SERVICE_NAME",
];

/** True when `--allow-net` covers `host` (a query: never a prompt). */
export function netGranted(host: string): boolean {
  return Deno.permissions.querySync({ name: "net", host }).state === "granted";
}

/**
 * The grants of this process that the live export uses, as flags for a child
 * trifecta (the LSP daemon): the `OTEL_*` variables it may read and the
 * collector it may reach — never more than this process holds, and nothing
 * when it holds all of `--allow-env` / `--allow-net` (the caller passes those on).
 *
 * @example
 * ```ts
 * import { otelGrantFlags } from "./otel_config.ts";
 * import { ok } from "node:assert/strict";
 * ok(Array.isArray(otelGrantFlags(() => undefined)));
 * ```
 */
export function otelGrantFlags(env: EnvReader = processEnv): string[] {
  const flags: string[] = [];
  if (Deno.permissions.querySync({ name: "env" }).state !== "granted") {
    const names = OTEL_ENV_NAMES.filter((variable) =>
      Deno.permissions.querySync({ name: "env", variable }).state === "granted"
    );
    if (names.length > 0) flags.push(`--allow-env=${names.join(",")}`);
  }
  const config = resolveOtelConfig(env);
  if (
    config !== undefined && Deno.permissions.querySync({ name: "net" }).state !== "granted" &&
    netGranted(config.netHost)
  ) {
    flags.push(`--allow-net=${config.netHost}`);
  }
  return flags;
}
