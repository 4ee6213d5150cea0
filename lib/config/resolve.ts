/**
 * Precedence: flag > environment > segment file > user file > default, one
 * key at a time, each with its source. Two environment rules kept from
 * before the config file: `TRIFECTA_NO_TELEMETRY` and
 * `TRIFECTA_TELEMETRY_LEVEL` rank above `--telemetry`, and
 * `TRIFECTA_AST_PERSIST=1` turns the persistent cache on even against
 * `--no-persist-cache` (it is the cache library's own switch).
 *
 * @module
 */
import { join, resolve } from "../path.ts";
import type { Segment } from "../segment/segment.ts";
import {
  BUILTIN_BUDGETS,
  DEFAULT_CACHE_PERSIST,
  DEFAULT_LSP_DAEMON,
  DEFAULT_TELEMETRY_DIR,
  DEFAULT_TELEMETRY_LEVEL,
} from "./defaults.ts";
import { type EnvReader, stateTelemetryDir } from "./files.ts";
import {
  type BudgetKey,
  type ConfigKey,
  type ConfigLayer,
  type ConfigSource,
  type ConfigWarning,
  type EffectiveConfig,
  LSP_DAEMON_MODES,
  type LspDaemonMode,
  type Setting,
  TELEMETRY_LEVEL_NAMES,
  type TelemetryLevel,
} from "./types.ts";

/** Values the environment takes as "on" (`TRIFECTA_NO_TELEMETRY=1|true|yes|on`). */
export const TRUTHY_ENV: ReadonlySet<string> = new Set(["1", "true", "yes", "on"]);

/** The common flags that set config keys (the command line's, if given). */
export interface ConfigFlags {
  /** `--persist-cache` (true) or `--no-persist-cache` (false). */
  persistCache?: boolean;
  /** `--telemetry LEVEL`. */
  telemetry?: TelemetryLevel;
}

/** The layers, highest first, below the flags. */
export interface ResolveLayers {
  /** What the flags set. */
  flags: ConfigFlags;
  /** The environment. */
  env: EnvReader;
  /** The segment file, as honoured (see trust.ts). */
  file: ConfigLayer;
  /** The user file. */
  user: ConfigLayer;
}

/** The first layer that sets `key`, from the files down to the default. */
function fromFiles<K extends ConfigKey>(
  key: K,
  layers: ResolveLayers,
  fallback: NonNullable<ConfigLayer[K]>,
): Setting<NonNullable<ConfigLayer[K]>> {
  const file = layers.file[key];
  if (file !== undefined && file !== null) return { value: file, source: "file" };
  const user = layers.user[key];
  if (user !== undefined && user !== null) return { value: user, source: "user" };
  return { value: fallback, source: "default" };
}

function pick<T>(value: T | undefined, source: ConfigSource, below: Setting<T>): Setting<T> {
  return value === undefined ? below : { value, source };
}

function envChoice<T extends string>(
  env: EnvReader,
  name: string,
  values: readonly T[],
): T | undefined {
  const v = env(name)?.trim().toLowerCase();
  return values.find((c) => c === v);
}

/**
 * `TRIFECTA_LSP_DAEMON`: `auto`, or `off` (also its older spellings `0`,
 * `false`, `no`, which also mean "ignore a running daemon", docs/cli.md).
 */
function daemonFromEnv(env: EnvReader): LspDaemonMode | undefined {
  const v = env("TRIFECTA_LSP_DAEMON")?.trim().toLowerCase();
  if (v === undefined) return undefined;
  if (["0", "false", "no"].includes(v)) return "off";
  return LSP_DAEMON_MODES.find((m) => m === v);
}

function persistSetting(layers: ResolveLayers): Setting<boolean> {
  if (layers.flags.persistCache === true) return { value: true, source: "flag" };
  if (layers.env("TRIFECTA_AST_PERSIST") === "1") return { value: true, source: "env" };
  return pick(
    layers.flags.persistCache,
    "flag",
    fromFiles("cache.persist", layers, DEFAULT_CACHE_PERSIST),
  );
}

function levelSetting(layers: ResolveLayers): Setting<TelemetryLevel> {
  const off = layers.env("TRIFECTA_NO_TELEMETRY")?.trim().toLowerCase();
  if (off !== undefined && TRUTHY_ENV.has(off)) return { value: "off", source: "env" };
  const env = envChoice(layers.env, "TRIFECTA_TELEMETRY_LEVEL", TELEMETRY_LEVEL_NAMES);
  if (env !== undefined) return { value: env, source: "env" };
  return pick(
    layers.flags.telemetry,
    "flag",
    fromFiles("telemetry.level", layers, DEFAULT_TELEMETRY_LEVEL),
  );
}

function dirSetting(layers: ResolveLayers): Setting<string> {
  const custom = layers.env("TRIFECTA_TELEMETRY_DIR");
  if (custom !== undefined && custom.trim() !== "") {
    return { value: resolve(custom), source: "env" };
  }
  return fromFiles("telemetry.dir", layers, DEFAULT_TELEMETRY_DIR);
}

/** The directory telemetry writes to for a `telemetry.dir` setting. */
function telemetryPath(
  segment: Segment,
  dir: Setting<string>,
  env: EnvReader,
  warnings: ConfigWarning[],
): string {
  const inSegment = join(segment.root, "_ctx", "telemetry");
  if (dir.value === "segment") return inSegment;
  if (dir.value !== "state") return dir.value;
  const state = stateTelemetryDir(segment.id, env);
  if (state !== undefined) return state;
  warnings.push({
    code: "CONFIG_VALUE_IGNORED",
    key: "telemetry.dir",
    message: 'telemetry.dir "state" ignored: neither XDG_STATE_HOME nor HOME is set (or granted)',
  });
  return inSegment;
}

function budgets(layers: ResolveLayers): EffectiveConfig["budgets"] {
  const one = (k: BudgetKey): Setting<number | null> => {
    const file = layers.file[`budgets.${k}`];
    if (file !== undefined) return { value: file, source: "file" };
    const user = layers.user[`budgets.${k}`];
    return user !== undefined ? { value: user, source: "user" } : {
      value: BUILTIN_BUDGETS[k],
      source: "default",
    };
  };
  return { ctx_get: one("ctx_get"), snippet: one("snippet"), map: one("map"), mcp: one("mcp") };
}

/** Extra globs add up: the user's and the segment's both apply. */
function globs(key: "ignore" | "deny", layers: ResolveLayers): Setting<readonly string[]> {
  const user = layers.user[key] ?? [];
  const file = layers.file[key] ?? [];
  const all = [...new Set([...user, ...file])];
  const source: ConfigSource = file.length > 0 ? "file" : user.length > 0 ? "user" : "default";
  return { value: all, source };
}

/**
 * The effective settings (without the file bookkeeping, which `loadConfig`
 * adds). `warnings` collects values that could not be used.
 */
export function resolveSettings(
  segment: Segment,
  layers: ResolveLayers,
  warnings: ConfigWarning[],
): Omit<EffectiveConfig, "warnings" | "files"> {
  const dir = dirSetting(layers);
  const daemonEnv = daemonFromEnv(layers.env);
  return {
    cache: { persist: persistSetting(layers) },
    telemetry: {
      level: levelSetting(layers),
      dir,
      path: telemetryPath(segment, dir, layers.env, warnings),
    },
    budgets: budgets(layers),
    ignore: globs("ignore", layers),
    deny: globs("deny", layers),
    lsp: {
      daemon: pick(daemonEnv, "env", fromFiles("lsp.daemon", layers, DEFAULT_LSP_DAEMON)),
      servers: fromFiles("lsp.servers", layers, {}),
    },
  };
}
