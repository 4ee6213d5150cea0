/**
 * Where commands, the MCP server and the LSP daemon meet the live
 * OpenTelemetry export: {@linkcode openLiveExport} (once per process, by the
 * command frame) and {@linkcode withRequestTrace} (one trace per server
 * request). When the export is off this costs one look at the environment;
 * lib/telemetry/otel_live.ts is loaded only when it is on.
 *
 * @module
 */
import type { EnvReader } from "./config.ts";
import { resolveOtelConfig } from "./otel_config.ts";
import type { Telemetry } from "./telemetry.ts";

/** What the command frame and the servers use of a live export. */
export interface LiveTraces {
  /**
   * Run `fn` as a new trace with root span `trifecta.<name>`; with
   * `exportAfter`, send it in the background when it ends.
   */
  runTrace<T>(name: string, fn: () => Promise<T>, options?: { exportAfter?: boolean }): Promise<T>;
  /** Run `fn` as a stage span `trifecta.<name>` of the current trace. */
  runStage<T>(name: string, fn: () => Promise<T>): Promise<T>;
  /** Send what is left and wait for exports in flight (bounded; never throws). */
  flush(): Promise<void>;
}

/** Options for {@linkcode openLiveExport}. */
export interface OpenLiveOptions {
  /** trifecta's version (`service.version`). */
  version: string;
  /** Environment to read (default: the process's, within its grant). */
  env?: EnvReader;
}

const LIVE = new WeakMap<Telemetry, LiveTraces>();

/**
 * Start the live export for `telemetry` when the `OTEL_*` variables turn it
 * on (lib/telemetry/otel_config.ts) and telemetry is not off; `undefined`
 * otherwise. The export only ever sees redacted events.
 *
 * @example
 * ```ts
 * import { openLiveExport } from "./otel_scope.ts";
 * import { Telemetry } from "./telemetry.ts";
 * import { equal } from "node:assert/strict";
 * equal(await openLiveExport(Telemetry.disabled(), { version: "0.1.0", env: () => undefined }), undefined);
 * ```
 */
export async function openLiveExport(
  telemetry: Telemetry,
  options: OpenLiveOptions,
): Promise<LiveTraces | undefined> {
  if (!telemetry.enabled) return undefined;
  const config = resolveOtelConfig(options.env);
  if (config === undefined) return undefined;
  const { LiveExport } = await import("./otel_live.ts");
  const live = new LiveExport(telemetry, config, { version: options.version });
  LIVE.set(telemetry, live);
  return live;
}

/**
 * Run one server request (an MCP tool call, a daemon query) as its own
 * trace `trifecta.<name>`, sent in the background when it ends; just `fn()`
 * when no live export is attached to `telemetry`.
 *
 * @example
 * ```ts
 * import { withRequestTrace } from "./otel_scope.ts";
 * import { Telemetry } from "./telemetry.ts";
 * import { equal } from "node:assert/strict";
 * equal(await withRequestTrace(Telemetry.disabled(), "mcp.map", () => Promise.resolve(7)), 7);
 * ```
 */
export function withRequestTrace<T>(
  telemetry: Telemetry | undefined,
  name: string,
  fn: () => Promise<T>,
): Promise<T> {
  const live = telemetry === undefined ? undefined : LIVE.get(telemetry);
  return live === undefined ? fn() : live.runTrace(name, fn, { exportAfter: true });
}

/**
 * Run a stage of the current command or request (e.g. building the context
 * pack) as a child span `trifecta.<name>`, parent of the events recorded
 * inside it; just `fn()` when no live export is attached to `telemetry`.
 * For stages that record no telemetry event of their own: a stage that does
 * is a span already.
 *
 * @example
 * ```ts
 * import { withStageSpan } from "./otel_scope.ts";
 * import { Telemetry } from "./telemetry.ts";
 * import { equal } from "node:assert/strict";
 * equal(await withStageSpan(Telemetry.disabled(), "ctx.pack.build", () => Promise.resolve(1)), 1);
 * ```
 */
export function withStageSpan<T>(
  telemetry: Telemetry | undefined,
  name: string,
  fn: () => Promise<T>,
): Promise<T> {
  const live = telemetry === undefined ? undefined : LIVE.get(telemetry);
  return live === undefined ? fn() : live.runStage(name, fn);
}
