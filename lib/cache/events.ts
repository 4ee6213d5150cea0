/**
 * The narrow view of telemetry the cache needs. {@linkcode Telemetry}
 * satisfies it; the cache never imports more of telemetry than this.
 *
 * @module
 */
import type { EventFields } from "../telemetry/mod.ts";

/** Where cache events go (a {@linkcode import("../telemetry/mod.ts").Telemetry}). */
export interface CacheEventSink {
  /** False when telemetry is off. */
  readonly enabled: boolean;
  /** Record one event. */
  event(cmd: string, fields?: EventFields): void;
}

/** Emit an operational cache event (`ast.cache.fallback`, …) if a sink is given. */
export function emitCacheEvent(
  sink: CacheEventSink | undefined,
  cmd: string,
  fields: { args?: Record<string, unknown>; result: Record<string, unknown>; timingMs?: number },
): void {
  if (!sink?.enabled) return;
  sink.event(cmd, {
    args: fields.args ?? {},
    result: fields.result,
    timingMs: Math.max(1, Math.round(fields.timingMs ?? 1)),
  });
}
