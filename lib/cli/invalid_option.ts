/**
 * The `invalid_option` event: usage errors are recorded (best effort) in the
 * telemetry of the segment the command named, so typos that agents and people
 * make can be counted. The flag itself is user input and goes through
 * redaction like every other string.
 *
 * @module
 */
import { resolveSegment } from "../segment/mod.ts";
import { redactPreview, Telemetry, type TelemetryLevel } from "../telemetry/mod.ts";
import { TrifectaError } from "../errors.ts";
import { TELEMETRY_LEVELS } from "../contract/commands.ts";

/** What is known about a usage error. */
export interface InvalidOptionInfo {
  /** The argv the CLI got. */
  argv: readonly string[];
  /** Command path named by argv, e.g. `["ast", "skeleton"]`. */
  path: readonly string[];
  /** The usage error. */
  error: TrifectaError;
  /** True when stderr is a terminal. */
  isTty: boolean;
}

function optionValue(argv: readonly string[], names: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? "";
    for (const name of names) {
      if (a === name && i + 1 < argv.length) return argv[i + 1];
      if (a.startsWith(`${name}=`)) return a.slice(name.length + 1);
    }
  }
  return undefined;
}

/**
 * Record an `invalid_option` event and the `invalid_option_count` counter.
 * A segment that cannot be resolved means there is nowhere to record: the
 * event is then not written (the usage error itself is what the user sees).
 */
export async function recordInvalidOption(info: InvalidOptionInfo): Promise<void> {
  const segmentArg = optionValue(info.argv, ["-s", "--segment"]) ?? ".";
  const levelArg = optionValue(info.argv, ["--telemetry"]);
  const level = TELEMETRY_LEVELS.find((l: TelemetryLevel) => l === levelArg);
  let telemetry: Telemetry;
  try {
    telemetry = Telemetry.open(await resolveSegment(segmentArg), { level });
  } catch (err) {
    if (err instanceof TrifectaError) return; // no usable segment: nowhere to record
    throw err;
  }
  if (!telemetry.enabled) return;
  const flag = /'([^']+)'/.exec(info.error.message)?.[1] ?? "";
  const suggestions = info.error.nextSteps.filter((s) => s.startsWith("Did you mean"));
  telemetry.event("invalid_option", {
    args: {
      command_path: ["trifecta", ...info.path].join(" "),
      invalid_flag: redactPreview(flag, 64),
      argv_len: info.argv.length,
    },
    result: {
      status: "usage_error",
      suggestions_count: suggestions.length,
      help_suggested: true,
      had_match: suggestions.length > 0,
    },
    timingMs: 1,
    extra: { platform: Deno.build.os, is_tty: info.isTty },
  });
  telemetry.incr("invalid_option_count");
  await telemetry.flush();
}
