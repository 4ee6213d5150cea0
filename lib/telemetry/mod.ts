/**
 * Audit-grade telemetry: events, counters, latencies, summaries, redaction.
 *
 * @module
 */
export { elapsedMs, monotonicMs } from "./clock.ts";
export {
  type EventOptions,
  Telemetry,
  type TelemetryLevel,
  type TelemetryOptions,
} from "./telemetry.ts";
