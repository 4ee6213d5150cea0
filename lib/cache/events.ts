/**
 * The narrow view of telemetry the cache needs. {@linkcode Telemetry}
 * satisfies it; the cache never imports more of telemetry than this.
 *
 * @module
 */
import type { EventOptions } from "../telemetry/mod.ts";

/** Where cache events go (a {@linkcode import("../telemetry/mod.ts").Telemetry}). */
export interface CacheEventSink {
  /** False when telemetry is off. */
  readonly enabled: boolean;
  /** Record one event. */
  event(
    cmd: string,
    args: Record<string, unknown>,
    result: Record<string, unknown>,
    timingMs: number,
    options?: EventOptions,
  ): void;
}

/** Emit an operational cache event (`ast.cache.fallback`, …) if a sink is given. */
export function emitCacheEvent(
  sink: CacheEventSink | undefined,
  cmd: string,
  fields: { args?: Record<string, unknown>; result: Record<string, unknown>; timingMs?: number },
): void {
  if (!sink?.enabled) return;
  sink.event(cmd, fields.args ?? {}, fields.result, Math.max(1, Math.round(fields.timingMs ?? 1)));
}
