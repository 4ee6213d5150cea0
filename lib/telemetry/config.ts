/**
 * Telemetry configuration: the level, the directory, the run id and the PII
 * switch, resolved from the CLI flag and the environment with upstream's
 * precedence (see `docs/telemetry_event_schema.md`, "Levels and environment").
 *
 * @module
 */
import { join, resolve } from "../path.ts";
import { randomHex } from "../text.ts";
import { optionalEnv } from "../env.ts";
import { redactString } from "./redact.ts";
import { unsafeDefaultDir, unsafeDirError } from "./safe_file.ts";
import type { Segment } from "../segment/segment.ts";
import { TELEMETRY_LEVEL_NAMES, type TelemetryLevel, TRUTHY_ENV } from "../config/mod.ts";

export { TELEMETRY_LEVEL_NAMES, type TelemetryLevel };

/** Reads one environment variable; `undefined` when unset. */
export type EnvReader = (name: string) => string | undefined;

/** Options for {@linkcode resolveTelemetryConfig}. */
export interface ConfigOptions {
  /** Level from the CLI flag (`TRIFECTA_TELEMETRY_LEVEL` overrides it). */
  level?: TelemetryLevel;
  /** Environment to read (default: the process environment). */
  env?: EnvReader;
  /**
   * The directory from the config files (`telemetry.dir`, resolved:
   * `EffectiveConfig.telemetry.path`); `TRIFECTA_TELEMETRY_DIR` overrides it.
   * Default `<segment>/_ctx/telemetry`.
   */
  dir?: string;
}

/** The resolved configuration of one telemetry sink. */
export interface TelemetryConfig {
  /** Effective level. */
  level: TelemetryLevel;
  /** Directory of `events.jsonl`, `metrics.json`, `last_run.json`. */
  dir: string;
  /**
   * Run id of this process: `TRIFECTA_RUN_ID` when it is 1-128 characters of
   * `[A-Za-z0-9._:-]` that redaction leaves unchanged, else
   * `run_<unix s>_<8 hex>`.
   */
  runId: string;
  /** `TRIFECTA_PII=allow`: absolute paths are kept (secrets are still masked). */
  piiAllow: boolean;
  /** Problems with the environment (ignored values), reported in `top_warnings`. */
  warnings: string[];
}

/**
 * Read the process environment; a variable that `--allow-env` does not cover
 * reads as "unset" (telemetry must never break a command). The permission
 * is queried first ({@linkcode optionalEnv}), so Deno never stops to prompt.
 */
export function processEnv(name: string): string | undefined {
  return optionalEnv(name);
}

const RUN_ID_RE = /^[A-Za-z0-9._:-]{1,128}$/;

/** A fresh run id, unique per process: `run_<unix seconds>_<8 random hex>`. */
export function newRunId(): string {
  return `run_${Math.floor(Date.now() / 1000)}_${randomHex(4)}`;
}

function dirFor(segment: Segment, env: EnvReader, configured?: string): string {
  const custom = env("TRIFECTA_TELEMETRY_DIR");
  if (custom !== undefined && custom.trim() !== "") return resolve(custom);
  return configured ?? join(segment.root, "_ctx", "telemetry");
}

/**
 * The telemetry directory of a segment for readers (`telemetry report` …):
 * `TRIFECTA_TELEMETRY_DIR` when set, else the configured `dir`, else
 * `<segment>/_ctx/telemetry`. Unlike
 * {@linkcode resolveTelemetryConfig} it ignores the kill switches.
 *
 * @throws {TrifectaError} `TELEMETRY_DIR_UNSAFE` when the default directory
 * (or `_ctx`) is a symlink or not a directory: a repository could point it at
 * another directory, whose files would then be reported.
 */
export function telemetryDirFor(
  segment: Segment,
  options: { env?: EnvReader; dir?: string } = {},
): string {
  const dir = dirFor(segment, options.env ?? processEnv, options.dir);
  const why = unsafeDefaultDir(segment.root, dir);
  if (why !== undefined) throw unsafeDirError(why);
  return dir;
}

/**
 * Resolve the configuration. Precedence (upstream §5.1):
 * 1. `TRIFECTA_NO_TELEMETRY=1|true|yes|on` ⇒ level `off`, whatever else is set;
 * 2. else `TRIFECTA_TELEMETRY_LEVEL` (a valid level) overrides the flag;
 * 3. else the flag; else `lite`.
 * The directory is `TRIFECTA_TELEMETRY_DIR` when set, else the configured
 * `dir` (docs/config.md), else `<segment>/_ctx/telemetry`. Invalid values are ignored and reported.
 */
export function resolveTelemetryConfig(
  segment: Segment,
  options: ConfigOptions = {},
): TelemetryConfig {
  const env = options.env ?? processEnv;
  const warnings: string[] = [];
  let level: TelemetryLevel = options.level ?? "lite";
  const envLevel = env("TRIFECTA_TELEMETRY_LEVEL")?.trim().toLowerCase();
  if (envLevel !== undefined && envLevel !== "") {
    if ((TELEMETRY_LEVEL_NAMES as readonly string[]).includes(envLevel)) {
      level = envLevel as TelemetryLevel;
    } else {
      warnings.push("TRIFECTA_TELEMETRY_LEVEL ignored: expected off, lite or full");
    }
  }
  const noTelemetry = env("TRIFECTA_NO_TELEMETRY")?.trim().toLowerCase();
  if (noTelemetry !== undefined && TRUTHY_ENV.has(noTelemetry)) level = "off";
  let runId = newRunId();
  const envRun = env("TRIFECTA_RUN_ID");
  if (envRun !== undefined && envRun !== "") {
    if (!RUN_ID_RE.test(envRun)) {
      warnings.push("TRIFECTA_RUN_ID ignored: expected 1-128 characters of [A-Za-z0-9._:-]");
    } else if (redactString(envRun) !== envRun) {
      // Written into every event: a token or an e-mail address there would
      // leak into every line (the value is never repeated in the warning).
      warnings.push("TRIFECTA_RUN_ID ignored: it looks like a secret, token or e-mail address");
    } else {
      runId = envRun;
    }
  }
  return {
    level,
    // Checked when the directory is first used (Telemetry), never here:
    // opening telemetry must not fail a command.
    dir: dirFor(segment, env, options.dir),
    runId,
    piiAllow: env("TRIFECTA_PII")?.trim().toLowerCase() === "allow",
    warnings,
  };
}
