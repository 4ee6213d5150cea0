/**
 * Audit-grade telemetry: events, counters, latencies, summaries, redaction,
 * rotation, and the readers behind `telemetry report|export|health`.
 *
 * - {@linkcode Telemetry}: one per process and segment
 *   (`Telemetry.open(segment, {level})`, `event(cmd, {args, result,
 *   timingMs, warnings, extra})`, `observe()`, `incr()`, `setPackState()`,
 *   `relpath()`, `flush()`); inside, event.ts builds the redacted event,
 *   counters.ts keeps the run's counters, sink.ts writes, rotates and
 *   flushes, summary.ts builds `last_run.json`.
 * - {@linkcode redactValue} / {@linkcode redactString}: what every written
 *   string goes through.
 * - {@linkcode readTelemetry}, {@linkcode buildReport},
 *   {@linkcode checkHealth}, {@linkcode exportTelemetry}: readers.
 *
 * Files, levels, environment and the event catalogue:
 * `docs/telemetry_event_schema.md`; the concurrency model:
 * `docs/telemetry_concurrency.md`.
 *
 * @module
 */
export { elapsedMs, monotonicMs } from "./clock.ts";
export {
  type ConfigOptions,
  type EnvReader,
  newRunId,
  processEnv,
  resolveTelemetryConfig,
  TELEMETRY_LEVEL_NAMES,
  type TelemetryConfig,
  telemetryDirFor,
  type TelemetryLevel,
} from "./config.ts";
export { Telemetry, type TelemetryOptions } from "./telemetry.ts";
export { type EventFields, RESERVED_KEYS, type TelemetryEvent } from "./event.ts";
export {
  ABS_PATH_REDACTED,
  ABS_URI_REDACTED,
  PRIVATE_KEY_REDACTED,
  type RedactOptions,
  redactPreview,
  type RedactStats,
  redactString,
  redactValue,
  SECRET_REDACTED,
} from "./redact.ts";
export {
  type AstSummary,
  type Counters,
  type DropSummary,
  type EventTokens,
  type FileReadSummary,
  type LastRun,
  type LatencySummary,
  latencySummary,
  type LspSummary,
  type PackState,
  quantile,
  type TokenSummary,
} from "./summary.ts";
export {
  DEFAULT_KEEP_ROTATED,
  DEFAULT_LOCK_TIMEOUT_MS,
  DEFAULT_MAX_EVENTS_BYTES,
  EVENTS_FILE,
  LAST_RUN_FILE,
  MAX_EVENT_LINE_BYTES,
  METRICS_FILE,
  rotatedName,
} from "./files.ts";
export { type MetricsRead, readMetrics } from "./metrics_file.ts";
export { WRITE_FAILURES_FILE, type WriteFailures } from "./failures.ts";
export { UNSAFE_DIR_CODE, UNSAFE_FILE_CODE } from "./safe_file.ts";
export {
  DEFAULT_READ_MAX_BYTES,
  READ_MAX_BYTES_ENV,
  readTelemetry,
  type TelemetryData,
  type TelemetryReadOptions,
} from "./read.ts";
export { parseEventLine, type StoredEvent } from "./stored_event.ts";
export {
  buildReport,
  type CacheRow,
  type CommandRow,
  renderReport,
  type ReportOptions,
  type TelemetryReport,
} from "./report.ts";
export {
  checkHealth,
  HEALTH_THRESHOLDS,
  type HealthCheck,
  type HealthReport,
  type HealthStatus,
  renderHealth,
} from "./health.ts";
export {
  CSV_HEADER,
  type ExportFormat,
  type ExportOptions,
  exportTelemetry,
  type TextExportFormat,
} from "./export.ts";
export type { CommandTree, InternalRow, UserCommandRow } from "./report_commands.ts";
export type { LatencyHistogram } from "./report_histogram.ts";
export type { EventGroup, GroupOptions } from "./report_groups.ts";
export { barChart, type ChartOptions, histogram } from "./chart.ts";
