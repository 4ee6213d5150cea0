/**
 * `trifecta config show [-s DIR] [--json]`: every effective setting with its
 * value and source (`flag`, `env`, `file`, `user`, `default`), the files
 * read, whether the segment is trusted, and the warnings (docs/config.md).
 *
 * @module
 */
import { CONFIG_KEYS, type ConfigKey, type EffectiveConfig, type Setting } from "../config/mod.ts";
import { okJson } from "../contract/results.ts";
import { escapeField } from "../escape.ts";
import { join } from "../path.ts";
import type { CommandContext, CommandOutcome } from "./command.ts";
import { printJson } from "./output.ts";

/** One setting of {@linkcode settingOf}, as `config show` prints it. */
type Shown = Setting<unknown>;

/** The setting of a dotted key. */
export function settingOf(config: EffectiveConfig, key: ConfigKey): Shown {
  switch (key) {
    case "cache.persist":
      return config.cache.persist;
    case "telemetry.level":
      return config.telemetry.level;
    case "telemetry.dir":
      return config.telemetry.dir;
    case "budgets.ctx_get":
      return config.budgets.ctx_get;
    case "budgets.snippet":
      return config.budgets.snippet;
    case "budgets.map":
      return config.budgets.map;
    case "budgets.mcp":
      return config.budgets.mcp;
    case "ignore":
      return config.ignore;
    case "deny":
      return config.deny;
    case "lsp.daemon":
      return config.lsp.daemon;
    case "lsp.servers":
      return config.lsp.servers;
  }
}

/** Why the persistent cache will be memory here, or undefined when it can be SQLite. */
export function cacheFallback(config: EffectiveConfig, root: string): string | undefined {
  if (!config.cache.persist.value) return undefined;
  const dir = join(root, ".trifecta");
  // A permission query: no file is created to find out.
  const write = Deno.permissions.querySync({ name: "write", path: dir }).state;
  return write === "granted" ? undefined : "write to .trifecta not granted: memory cache";
}

/** A value as one line: what a hostile file put in a glob (bidi controls …) shows escaped. */
function text(value: unknown): string {
  return escapeField(typeof value === "string" ? value : JSON.stringify(value));
}

function fileLine(config: EffectiveConfig): string {
  const { segment, user, trusted } = config.files;
  return `files: trifecta.jsonc ${segment.state}; user ${
    user.path ?? "(no HOME)"
  } ${user.state}; ` +
    `trusted: ${trusted ? "yes" : "no"}\n`;
}

/** The text report of `config show`. */
export function configShowText(config: EffectiveConfig, root: string): string {
  return textReport(config, cacheFallback(config, root));
}

function textReport(config: EffectiveConfig, fallback: string | undefined): string {
  const width = Math.max(...CONFIG_KEYS.map((k) => k.length)) + 2;
  const lines = CONFIG_KEYS.map((key) => {
    const s = settingOf(config, key);
    return `${key.padEnd(width)}${text(s.value).padEnd(24)} ${s.source}\n`;
  });
  lines.push(`telemetry path: ${config.telemetry.path}\n`);
  if (fallback !== undefined) lines.push(`cache: ${fallback}\n`);
  lines.push(fileLine(config));
  if (config.warnings.length > 0) lines.push("warnings:\n");
  for (const w of config.warnings) lines.push(`  ${w.code} ${w.key}: ${w.message}\n`);
  return lines.join("");
}

/** The `--json` object of `config show`. */
export interface ConfigShowJson {
  /** Always `ok`. */
  status: "ok";
  /** Every key of `CONFIG_KEYS`: its value and source. */
  settings: Record<string, Shown>;
  /** The directory telemetry writes to. */
  telemetry_path: string;
  /** Why the persistent cache will be memory here, or null. */
  cache_fallback: string | null;
  /** The files read, and whether the segment is trusted. */
  files: EffectiveConfig["files"];
  /** The warnings. */
  warnings: EffectiveConfig["warnings"];
}

/** The `--json` object of `config show`. */
export function configShowJson(config: EffectiveConfig, root: string): ConfigShowJson {
  const settings: Record<string, Shown> = {};
  for (const key of CONFIG_KEYS) settings[key] = settingOf(config, key);
  return okJson({
    settings,
    telemetry_path: config.telemetry.path,
    cache_fallback: cacheFallback(config, root) ?? null,
    files: config.files,
    warnings: config.warnings,
  });
}

/** `config show`. */
export function configShowHandler(ctx: CommandContext): Promise<CommandOutcome> {
  const { config } = ctx;
  if (ctx.global.json) printJson(ctx.output, configShowJson(config, ctx.segment.root));
  else ctx.output.out(configShowText(config, ctx.segment.root));
  return Promise.resolve({
    result: {
      warnings: config.warnings.length,
      trusted: config.files.trusted,
      segment_file: config.files.segment.state,
    },
    warnings: config.warnings.map((w) => `${w.code} ${w.key}`),
  });
}
