/**
 * `telemetry export`: every event read (all files, oldest first, up to the
 * reader's byte budget) as JSON or CSV. The OTLP format is
 * lib/telemetry/otlp_json.ts, loaded only when asked for.
 *
 * @module
 */
import type { TelemetryData } from "./read.ts";

/** Export formats: the two of {@linkcode exportTelemetry}, and OTLP/JSON (lib/telemetry/otlp_json.ts). */
export type ExportFormat = TextExportFormat | "otlp";

/** The formats {@linkcode exportTelemetry} writes. */
export type TextExportFormat = "json" | "csv";

/** The columns of the CSV export (upstream's four, then `run_id`). */
export const CSV_HEADER = ["timestamp", "command", "timing_ms", "status", "run_id"] as const;

function csvField(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

/** Options for {@linkcode exportTelemetry}. */
export interface ExportOptions {
  /** Time of the export (default now). */
  now?: Date;
}

/**
 * Serialise the events: `json` → `{exported_at, events, corrupt_lines,
 * metrics, read_warnings}` (2-space indent; `read_warnings` says what the
 * reader's byte budget left out); `csv` → a header line and one row per event
 * (`status` = `result.status` or `unknown`), RFC 4180 quoting.
 */
export function exportTelemetry(
  data: TelemetryData,
  format: TextExportFormat,
  options: ExportOptions = {},
): string {
  if (format === "json") {
    return JSON.stringify(
      {
        exported_at: (options.now ?? new Date()).toISOString(),
        events: data.events,
        corrupt_lines: data.corruptLines,
        metrics: data.metrics,
        read_warnings: data.warnings,
      },
      null,
      2,
    ) + "\n";
  }
  const rows = [CSV_HEADER.join(",")];
  for (const ev of data.events) {
    const status = typeof ev.result.status === "string" ? ev.result.status : "unknown";
    rows.push(
      [ev.ts ?? "", ev.cmd, String(ev.timing_ms), status, ev.run_id ?? ""].map(csvField).join(","),
    );
  }
  return rows.join("\n") + "\n";
}
