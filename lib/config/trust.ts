/**
 * The trust rule for a segment's `trifecta.jsonc`, which comes with an
 * untrusted checkout. Keys that only narrow what trifecta does are honoured
 * from it: `cache.persist: false`, extra `ignore` and `deny` globs (the
 * built-in denylist always stays), a budget at or below the one in force
 * without the file, a telemetry level at or below it, `lsp.daemon: "off"`,
 * and `cache.persist: true` or `telemetry.dir: "segment"` unless the user
 * file set the other value. Keys that could run code, write (outside the
 * segment, or into it against the user file) or widen what is shown
 * (`lsp.servers`, `telemetry.dir: "state"`, `lsp.daemon: "auto"`, a higher
 * budget or level) are honoured only when the
 * user file lists the segment's real path in `trusted_segments`; otherwise
 * they are dropped with a `CONFIG_KEY_UNTRUSTED` warning.
 *
 * @module
 */
import { isAbsolute } from "../path.ts";
import type { Segment } from "../segment/segment.ts";
import {
  BUDGET_KEYS,
  CONFIG_KEYS,
  type ConfigKey,
  type ConfigLayer,
  type ConfigWarning,
  TELEMETRY_LEVEL_NAMES,
} from "./types.ts";
import { BUILTIN_BUDGETS, DEFAULT_TELEMETRY_LEVEL } from "./defaults.ts";

/**
 * True when an entry of `trusted_segments` names the segment: by its real
 * path. Only absolute entries count: a relative one would name a different
 * directory from each working directory (schema.ts drops it with a warning).
 *
 * @example
 * ```ts
 * import { isTrusted } from "./trust.ts";
 * import { resolveSegment } from "../segment/mod.ts";
 * import { relative } from "../path.ts";
 * import { equal } from "node:assert/strict";
 * const dir = Deno.makeTempDirSync();
 * const seg = await resolveSegment(dir);
 * equal(isTrusted(seg, [dir]), true);
 * // The same directory, named relative to this run's working directory:
 * equal(isTrusted(seg, [relative(Deno.cwd(), dir)]), false);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function isTrusted(segment: Segment, trusted: readonly string[]): boolean {
  return trusted.some((p) => {
    if (!isAbsolute(p)) return false;
    try {
      return Deno.realPathSync(p) === segment.root;
    } catch (err) {
      // A trusted path that is gone or not readable under the grants names nothing.
      if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotCapable) {
        return false;
      }
      throw err;
    }
  });
}

/** Why a segment-file value is privileged given the value below it, or undefined when it only narrows. */
function privileged(key: ConfigKey, seg: ConfigLayer, below: ConfigLayer): string | undefined {
  switch (key) {
    case "lsp.servers":
      return "it names commands to run";
    case "cache.persist":
      return seg["cache.persist"] === true && below["cache.persist"] === false
        ? "it writes a cache database into the checkout, and the user file turned it off"
        : undefined;
    case "telemetry.dir":
      return telemetryDirWidens(seg, below);
    case "lsp.daemon":
      return seg["lsp.daemon"] === "auto" ? "it starts a background process" : undefined;
    case "telemetry.level": {
      const rank = (l: string | undefined) => TELEMETRY_LEVEL_NAMES.findIndex((n) => n === l);
      const ceiling = below["telemetry.level"] ?? DEFAULT_TELEMETRY_LEVEL;
      return rank(seg["telemetry.level"]) > rank(ceiling)
        ? `it raises the level above ${ceiling}`
        : undefined;
    }
    default:
      return budgetRaise(key, seg, below);
  }
}

/**
 * `"state"` writes outside the segment; `"segment"` writes into the checkout,
 * which the user file may have moved away from.
 */
function telemetryDirWidens(seg: ConfigLayer, below: ConfigLayer): string | undefined {
  if (seg["telemetry.dir"] !== "segment") return "it writes outside the segment";
  return below["telemetry.dir"] === "state"
    ? 'it writes telemetry into the checkout, and the user file set "state"'
    : undefined;
}

function budgetRaise(key: ConfigKey, seg: ConfigLayer, below: ConfigLayer): string | undefined {
  const k = BUDGET_KEYS.find((b) => key === `budgets.${b}`);
  if (k === undefined) return undefined;
  const value = seg[`budgets.${k}`];
  const ceiling = below[`budgets.${k}`] ?? BUILTIN_BUDGETS[k];
  if (value === undefined || ceiling === null || value <= ceiling) return undefined;
  return `it raises the budget above ${ceiling}`;
}

/**
 * The segment file's layer as honoured: privileged keys dropped (with a
 * `CONFIG_KEY_UNTRUSTED` warning each) unless `trusted`. `below` is what
 * the user file sets (the ceiling a narrowing value is measured against).
 *
 * @example
 * ```ts
 * import { honouredLayer } from "./trust.ts";
 * import { deepEqual, equal } from "node:assert/strict";
 * const seg = { "lsp.servers": { pyright: ["/tmp/evil"] }, "cache.persist": false };
 * const { layer, warnings } = honouredLayer(seg, {}, { trusted: false, file: "trifecta.jsonc" });
 * deepEqual(layer, { "cache.persist": false });
 * equal(warnings[0]?.code, "CONFIG_KEY_UNTRUSTED");
 * ```
 */
export function honouredLayer(
  seg: ConfigLayer,
  below: ConfigLayer,
  options: { trusted: boolean; file: string },
): { layer: ConfigLayer; warnings: ConfigWarning[] } {
  if (options.trusted) return { layer: seg, warnings: [] };
  const layer: ConfigLayer = {};
  const warnings: ConfigWarning[] = [];
  for (const key of CONFIG_KEYS.filter((k) => seg[k] !== undefined)) {
    const why = privileged(key, seg, below);
    if (why === undefined) {
      Object.assign(layer, { [key]: seg[key] });
      continue;
    }
    warnings.push({
      code: "CONFIG_KEY_UNTRUSTED",
      key,
      message: `${options.file}: ${key} ignored: ${why}, and this segment is not in ` +
        `trusted_segments of the user config file (docs/config.md, "Trust")`,
    });
  }
  return { layer, warnings };
}
