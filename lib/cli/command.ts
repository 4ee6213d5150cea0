/**
 * What a command is, independent of how its arguments were parsed: the
 * context a handler gets, the outcome it reports, and {@linkcode runCommand},
 * which resolves the segment, opens telemetry, times the handler, records one
 * event named after the command and flushes. The commander frame and the
 * fast path for hot commands both go through it. Imports no npm package.
 *
 * @module
 */
import { resolveSegment, type Segment } from "../segment/segment.ts";
import {
  type EffectiveConfig,
  ensureOwnGitignores,
  loadConfig,
  withConfigGlobs,
} from "../config/mod.ts";
import { elapsedMs, monotonicMs } from "../telemetry/clock.ts";
import { Telemetry } from "../telemetry/telemetry.ts";
import { openLiveExport } from "../telemetry/otel_scope.ts";
import { VERSION } from "./version.ts";
import { GLOBAL_OPTIONS, type OptionsOf } from "../contract/commands.ts";
import { hasOptionsOf } from "../contract/command_values.ts";
import { toTrifectaError, TrifectaError } from "../errors.ts";
import type { Output } from "./output.ts";

export { TELEMETRY_LEVELS } from "../contract/commands.ts";

/**
 * Options every leaf command accepts (`GLOBAL_OPTIONS`): `segment` (default
 * `.`), `json`, `telemetry` (the flag's level, if given), `persistCache`
 * (`--persist-cache` true, `--no-persist-cache` false, else undefined; in a
 * handler's context it is the effective `cache.persist`).
 */
export type GlobalOptions = OptionsOf<{ readonly options: typeof GLOBAL_OPTIONS }>;

/** The options of a command whose spec is not known here (any command's). */
export type AnyOptions = Readonly<Record<string, unknown>>;

/**
 * What a command handler gets; `O` is its options type, derived from its
 * spec (`OptionsFor<"ctx.get">`).
 */
export interface CommandContext<O extends object = AnyOptions> {
  /** Where to write. */
  output: Output;
  /** The resolved segment. */
  segment: Segment;
  /** Telemetry for this run (a no-op when off). */
  telemetry: Telemetry;
  /**
   * The effective configuration (flags, env, `trifecta.jsonc`, the user
   * file, defaults; each setting with its source). docs/config.md.
   */
  config: EffectiveConfig;
  /**
   * The common options; `persistCache` is the effective `cache.persist`
   * (`config.cache.persist.value`), never undefined here.
   */
  global: GlobalOptions;
  /** The command's own options, parsed by its spec (commander's keys). */
  options: O;
  /** Positional arguments. */
  args: string[];
}

/** What a handler reports back to the frame for the command's event. */
export interface CommandOutcome {
  /** Exit code (default 0). */
  exitCode?: number;
  /** Event args (redacted by telemetry). */
  args?: Record<string, unknown>;
  /** Event result fields (merged after `status`). */
  result?: Record<string, unknown>;
  /** Extra event fields, stored under `x`. */
  extra?: Record<string, unknown>;
  /** Warnings to attach to the event. */
  warnings?: string[];
}

/** A command implementation. */
export type CommandHandler<O extends object = AnyOptions> = (
  ctx: CommandContext<O>,
) => Promise<CommandOutcome | void>;

/** Shared state of one CLI invocation. */
export interface Runtime {
  /** Output streams. */
  output: Output;
  /** Exit code set by the command that ran. */
  exitCode: number;
  /** Event name of the command that ran, e.g. `ast.skeleton`. */
  commandName?: string;
  /** Real path of the segment, once resolved (errors may name paths under it). */
  segmentRoot?: string;
  /** The effective configuration, once loaded. */
  config?: EffectiveConfig;
}

const GLOBAL = { options: GLOBAL_OPTIONS } as const;

/**
 * The common options out of a parsed option object (commander's or the fast
 * path's, both from `GLOBAL_OPTIONS`).
 */
export function globalOptionsFrom(opts: AnyOptions): GlobalOptions {
  if (!hasOptionsOf(GLOBAL, opts)) {
    throw new TrifectaError("INTERNAL_ERROR", "The common options were not parsed by their spec.");
  }
  return {
    segment: opts.segment,
    json: opts.json,
    telemetry: opts.telemetry,
    persistCache: opts.persistCache,
  };
}

/** A command invocation, however its arguments were parsed. */
export interface Invocation {
  /** Event name, e.g. `ast.skeleton`. */
  eventName: string;
  /** The common options. */
  global: GlobalOptions;
  /** The command's own options. */
  options: AnyOptions;
  /** Positional arguments. */
  args: string[];
  /** Loads the handler. */
  handler: () => Promise<CommandHandler>;
}

/**
 * Run one command: the segment is resolved, telemetry opened, the handler
 * timed, one event `<eventName>` recorded (also on failure, with the error
 * code), telemetry flushed. Errors are rethrown as `TrifectaError`s. With
 * the live OpenTelemetry export on (`OTEL_*`, docs/telemetry_otel.md), the
 * command is one trace `trifecta.<eventName>`, sent (bounded) before the
 * telemetry flush, so a lost export is counted in `metrics.json`.
 */
export async function runCommand(invocation: Invocation, runtime: Runtime): Promise<void> {
  const { eventName, global } = invocation;
  runtime.commandName = eventName;
  const resolved = await resolveSegment(global.segment);
  runtime.segmentRoot = resolved.root;
  const config = await loadConfig(resolved, {
    flags: { persistCache: global.persistCache, telemetry: global.telemetry },
  });
  const segment = withConfigGlobs(resolved, config);
  runtime.config = config;
  // `config show` prints the warnings itself.
  if (eventName !== "config.show") printConfigWarnings(config, runtime.output);
  const telemetry = Telemetry.open(segment, {
    level: config.telemetry.level.value,
    dir: config.telemetry.path,
  });
  const live = await openLiveExport(telemetry, { version: VERSION });
  const effective = {
    ...invocation,
    global: { ...global, persistCache: config.cache.persist.value },
  };
  const run = () => timedRun(effective, runtime, { segment, telemetry, config });
  try {
    await (live === undefined ? run() : live.runTrace(eventName, run));
  } finally {
    await live?.flush();
    await telemetry.flush();
    ensureOwnGitignores(segment.root);
  }
}

/** Each config warning on stderr, one line: a hostile `trifecta.jsonc` is never silent. */
function printConfigWarnings(config: EffectiveConfig, output: Output): void {
  for (const w of config.warnings) output.err(`trifecta: warning: ${w.code}: ${w.message}\n`);
}

/** The handler, timed, and its event (also on failure, with the error code). */
async function timedRun(
  invocation: Invocation,
  runtime: Runtime,
  { segment, telemetry, config }: {
    segment: Segment;
    telemetry: Telemetry;
    config: EffectiveConfig;
  },
): Promise<void> {
  const { eventName, global } = invocation;
  const start = monotonicMs();
  try {
    const handler = await invocation.handler();
    const outcome = (await handler({
      output: runtime.output,
      segment,
      telemetry,
      config,
      global,
      options: invocation.options,
      args: invocation.args,
    })) ?? {};
    runtime.exitCode = outcome.exitCode ?? 0;
    telemetry.event(eventName, {
      args: outcome.args ?? {},
      result: { status: runtime.exitCode === 0 ? "ok" : "error", ...outcome.result },
      timingMs: elapsedMs(start),
      warnings: outcome.warnings,
      extra: outcome.extra,
    });
  } catch (err) {
    const e = toTrifectaError(err);
    telemetry.event(eventName, {
      result: { status: "error", error_code: e.code },
      timingMs: elapsedMs(start),
    });
    throw e;
  }
}
