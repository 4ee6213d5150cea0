/**
 * The official OpenTelemetry protocol definitions (opentelemetry-proto
 * v0.19, as shipped in the npm package @opentelemetry/otlp-grpc-exporter-base
 * 0.38.0, the last version that ships the `.proto` files), loaded with
 * protobufjs (both pinned in deno.json "imports"), and a strict checker of OTLP/JSON against them: every key must
 * be a field of its message (lowerCamelCase JSON name), every value of the
 * field's JSON type (64-bit integers as decimal strings, enums as numbers,
 * trace and span ids as lowercase hex per the OTLP/JSON rules), at most one
 * member of each oneof set. protobufjs' own `fromObject` ignores unknown
 * keys, so it alone would not catch a misspelt field.
 *
 * @module
 */
import protobuf from "protobufjs";
import commonProto from "@opentelemetry/otlp-grpc-exporter-base/build/protos/opentelemetry/proto/common/v1/common.proto" with {
  type: "text",
};
import resourceProto from "@opentelemetry/otlp-grpc-exporter-base/build/protos/opentelemetry/proto/resource/v1/resource.proto" with {
  type: "text",
};
import traceProto from "@opentelemetry/otlp-grpc-exporter-base/build/protos/opentelemetry/proto/trace/v1/trace.proto" with {
  type: "text",
};
import metricsProto from "@opentelemetry/otlp-grpc-exporter-base/build/protos/opentelemetry/proto/metrics/v1/metrics.proto" with {
  type: "text",
};
import traceServiceProto from "@opentelemetry/otlp-grpc-exporter-base/build/protos/opentelemetry/proto/collector/trace/v1/trace_service.proto" with {
  type: "text",
};
import metricsServiceProto from "@opentelemetry/otlp-grpc-exporter-base/build/protos/opentelemetry/proto/collector/metrics/v1/metrics_service.proto" with {
  type: "text",
};

/** Full names of the two request messages. */
export const TRACE_REQUEST = "opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest";
/** Full name of the metrics request. */
export const METRICS_REQUEST =
  "opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest";

/** The parsed and resolved definitions. */
export function otlpRoot(): protobuf.Root {
  const root = new protobuf.Root();
  for (
    const text of [
      commonProto,
      resourceProto,
      traceProto,
      metricsProto,
      traceServiceProto,
      metricsServiceProto,
    ]
  ) protobuf.parse(text, root, { keepCase: false });
  root.resolveAll();
  return root;
}

/** OTLP/JSON writes these `bytes` fields as hex of this many bytes, not base64. */
const HEX_IDS: Record<string, number> = { traceId: 16, spanId: 8, parentSpanId: 8 };

const INT64 = new Set(["int64", "uint64", "sint64", "fixed64", "sfixed64"]);
const INT32 = new Set(["int32", "uint32", "sint32", "fixed32", "sfixed32"]);

function checkScalar(field: protobuf.Field, v: unknown, at: string): string[] {
  const t = field.type;
  if (field.resolvedType instanceof protobuf.Enum) {
    const ok = typeof v === "number" && Object.values(field.resolvedType.values).includes(v);
    return ok ? [] : [`${at}: not a value of enum ${field.resolvedType.name}`];
  }
  if (field.resolvedType instanceof protobuf.Type) return checkMessage(field.resolvedType, v, at);
  if (t === "bytes") {
    const n = HEX_IDS[field.name];
    if (n === undefined) return [`${at}: bytes field outside the OTLP id rule`];
    const ok = typeof v === "string" && new RegExp(`^[0-9a-f]{${n * 2}}$`).test(v);
    return ok ? [] : [`${at}: not ${n * 2} lowercase hex digits`];
  }
  if (INT64.has(t)) {
    return typeof v === "string" && /^-?[0-9]+$/.test(v)
      ? []
      : [`${at}: 64-bit integer not a decimal string`];
  }
  if (INT32.has(t)) return Number.isInteger(v) ? [] : [`${at}: not a 32-bit integer`];
  if (t === "double" || t === "float") {
    return typeof v === "number" && Number.isFinite(v) ? [] : [`${at}: not a finite number`];
  }
  if (t === "bool") return typeof v === "boolean" ? [] : [`${at}: not a boolean`];
  if (t === "string") return typeof v === "string" ? [] : [`${at}: not a string`];
  return [`${at}: unexpected field type ${t}`];
}

/**
 * Problems of `value` as the OTLP/JSON of message `type` (empty when it
 * conforms); `at` names the place in messages.
 */
export function checkMessage(type: protobuf.Type, value: unknown, at = type.name): string[] {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return [`${at}: not an object`];
  }
  const problems: string[] = [];
  const obj = value as Record<string, unknown>;
  for (const [key, v] of Object.entries(obj)) {
    const field = type.fields[key];
    if (field === undefined) {
      problems.push(`${at}.${key}: no such field in ${type.fullName}`);
      continue;
    }
    if (field.repeated) {
      if (!Array.isArray(v)) problems.push(`${at}.${key}: repeated field not an array`);
      else v.forEach((item, i) => problems.push(...checkScalar(field, item, `${at}.${key}[${i}]`)));
    } else problems.push(...checkScalar(field, v, `${at}.${key}`));
  }
  for (const oneof of type.oneofsArray) {
    const set = oneof.oneof.filter((name) => obj[name] !== undefined);
    if (set.length > 1) problems.push(`${at}: oneof ${oneof.name} has ${set.join(", ")}`);
  }
  return problems;
}

function hexToBase64(hex: string): string {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return btoa(String.fromCharCode(...bytes));
}

/** A copy of OTLP/JSON with its hex ids as base64, the form protobufjs' `fromObject` reads. */
export function hexIdsToBase64(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(hexIdsToBase64);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = k in HEX_IDS && typeof v === "string" ? hexToBase64(v) : hexIdsToBase64(v);
  }
  return out;
}

/**
 * Encode OTLP/JSON to protobuf binary with the official definitions and
 * decode it back (`verify` must pass in between): what a collector's
 * protobuf path would read.
 */
export function roundTrip(type: protobuf.Type, json: unknown): Record<string, unknown> {
  const message = type.fromObject(hexIdsToBase64(json) as Record<string, unknown>);
  const err = type.verify(message);
  if (err !== null) throw new Error(`verify: ${err}`);
  const decoded = type.decode(type.encode(message).finish());
  return type.toObject(decoded, { longs: String, bytes: String, enums: Number });
}
