/**
 * PLACEHOLDER (to be completed by the telemetry work): the Telemetry class.
 *
 * @module
 */
import { join } from "node:path";
import type { Segment } from "../segment/mod.ts";

/** Telemetry level. */
export type TelemetryLevel = "off" | "lite" | "full";

/** Options for {@linkcode Telemetry.open}. */
export interface TelemetryOptions {
  /** Level from the CLI flag (the env may override, see docs). */
  level?: TelemetryLevel;
}

/** Options for {@linkcode Telemetry.event}. */
export interface EventOptions {
  /** Warnings attached to the event. */
  warnings?: string[];
  /** Extra fields, stored under `x`. */
  extra?: Record<string, unknown>;
}

/** The telemetry sink of one process for one segment. */
export class Telemetry {
  /** False when telemetry is off: every method is a no-op. */
  readonly enabled: boolean;
  /** Effective level. */
  readonly level: TelemetryLevel;
  /** Segment id (8 hex). */
  readonly segmentId: string;
  #dir: string | undefined;

  private constructor(level: TelemetryLevel, segmentId: string, dir: string | undefined) {
    this.level = level;
    this.enabled = level !== "off";
    this.segmentId = segmentId;
    this.#dir = dir;
  }

  /** Open telemetry for a segment. */
  static open(segment: Segment, options: TelemetryOptions = {}): Telemetry {
    const level = options.level ?? "lite";
    return new Telemetry(level, segment.id, join(segment.root, "_ctx", "telemetry"));
  }

  /** A sink that records nothing. */
  static disabled(): Telemetry {
    return new Telemetry("off", "00000000", undefined);
  }

  /** Record one event. */
  event(
    _cmd: string,
    _args: Record<string, unknown>,
    _result: Record<string, unknown>,
    _timingMs: number,
    _options: EventOptions = {},
  ): void {
    if (!this.enabled || !this.#dir) return;
  }

  /** Record a latency for `cmd`. */
  observe(_cmd: string, _ms: number): void {}

  /** Add `n` to a counter. */
  incr(_key: string, _n = 1): void {}

  /** Write `last_run.json` and merge counters into `metrics.json`. */
  async flush(): Promise<void> {}
}
