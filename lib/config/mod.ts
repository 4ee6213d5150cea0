/**
 * trifecta's configuration: `trifecta.jsonc` at the segment root and the
 * user file `$XDG_CONFIG_HOME/trifecta/config.jsonc`, merged with the flags
 * and the environment into one {@linkcode EffectiveConfig} where every
 * setting says where it came from. The segment file is untrusted input (see
 * trust.ts and docs/config.md, "Trust"). Sits just above `segment`: it reads
 * the segment file through the segment's read boundary.
 *
 * @module
 */
import { optionalEnv } from "../env.ts";
import { join } from "../path.ts";
import type { Segment } from "../segment/segment.ts";
import {
  type EnvReader,
  type FileText,
  readSegmentFile,
  readUserFile,
  SEGMENT_CONFIG_FILE,
} from "./files.ts";
import { parseConfigText } from "./parse.ts";
import { type ConfigFlags, resolveSettings } from "./resolve.ts";
import { type ReadLayer, readLayer } from "./schema.ts";
import { honouredLayer, isTrusted } from "./trust.ts";
import type { ConfigWarning, EffectiveConfig } from "./types.ts";
import { capWarnings } from "./warnings.ts";

export * from "./types.ts";
export { BUILTIN_BUDGETS } from "./defaults.ts";
export { capWarnings, MAX_WARNINGS_PER_CODE } from "./warnings.ts";
export { type ConfigFlags, TRUTHY_ENV } from "./resolve.ts";
export { type EnvReader, SEGMENT_CONFIG_FILE, stateTelemetryDir, userConfigPath } from "./files.ts";
export { CONFIG_INVALID_CODE, MAX_CONFIG_BYTES, MAX_CONFIG_DEPTH } from "./parse.ts";

/**
 * The segment with the config's extra `deny` and `ignore` globs attached,
 * where the read boundary and the walker apply them (the built-in denylist
 * always applies too). The same segment when there are none.
 *
 * @example
 * ```ts
 * import { loadConfig, withConfigGlobs } from "./mod.ts";
 * import { readInsideSync, resolveSegment } from "../segment/mod.ts";
 * import { throws } from "node:assert/strict";
 * const dir = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${dir}/trifecta.jsonc`, '{"deny": ["*.sqlite"]}');
 * Deno.writeTextFileSync(`${dir}/data.sqlite`, "rows\n");
 * const seg = await resolveSegment(dir);
 * const config = await loadConfig(seg, { env: () => undefined });
 * throws(() => readInsideSync(withConfigGlobs(seg, config), "data.sqlite"), { code: "PATH_DENIED" });
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function withConfigGlobs(segment: Segment, config: EffectiveConfig): Segment {
  const deny = config.deny.value;
  const ignore = config.ignore.value;
  if (deny.length === 0 && ignore.length === 0) return segment;
  return { ...segment, extraDeny: deny, extraIgnore: ignore };
}

/** Options for {@linkcode loadConfig}. */
export interface LoadConfigOptions {
  /** The common flags given on the command line. */
  flags?: ConfigFlags;
  /** The environment (default: the process's, where granted). */
  env?: EnvReader;
  /**
   * Leave one file out, as if absent: a long-lived process whose other file
   * no longer loads still takes up the globs of this one (lib/config/live.ts).
   * Without the user file the segment is not trusted.
   */
  skip?: "segment" | "user";
}

const EMPTY: ReadLayer = { layer: {}, trusted: [], warnings: [] };

async function layerOf(found: FileText, file: string, userFile: boolean): Promise<ReadLayer> {
  if (found.text === undefined) return EMPTY;
  const src = { file, text: found.text };
  return readLayer(await parseConfigText(src), src, { userFile });
}

/**
 * The effective configuration for a segment. Reads both files (each
 * optional), applies the trust rule to the segment file, then the
 * precedence flag > env > segment file > user file > default.
 *
 * @example
 * ```ts
 * import { loadConfig } from "./mod.ts";
 * import { resolveSegment } from "../segment/mod.ts";
 * import { equal } from "node:assert/strict";
 * const dir = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${dir}/trifecta.jsonc`, '// team defaults\n{"cache": {"persist": false}}\n');
 * const env = (_: string) => undefined;
 * const config = await loadConfig(await resolveSegment(dir), { env });
 * equal(config.cache.persist.value, false);
 * equal(config.cache.persist.source, "file");
 * equal(config.lsp.daemon.value, "off");
 * const flagged = await loadConfig(await resolveSegment(dir), { env, flags: { persistCache: true } });
 * equal(flagged.cache.persist.source, "flag");
 * Deno.removeSync(dir, { recursive: true });
 * ```
 *
 * @throws {TrifectaError} `CONFIG_INVALID` (line and column in the message
 * and details) when a file is not valid JSONC, has a wrong value, is too
 * large, too deep, or cannot be read safely.
 */
export async function loadConfig(
  segment: Segment,
  options: LoadConfigOptions = {},
): Promise<EffectiveConfig> {
  const env = options.env ?? optionalEnv;
  const userFound: FileText = options.skip === "user"
    ? { info: { path: null, state: "absent" } }
    : readUserFile(env);
  const user = await layerOf(userFound, userFound.info.path ?? "config.jsonc", true);
  const segFound: FileText = options.skip === "segment"
    ? { info: { path: join(segment.root, SEGMENT_CONFIG_FILE), state: "absent" } }
    : readSegmentFile(segment);
  const seg = await layerOf(segFound, SEGMENT_CONFIG_FILE, false);
  const trusted = isTrusted(segment, user.trusted);
  const honoured = honouredLayer(seg.layer, user.layer, { trusted, file: SEGMENT_CONFIG_FILE });
  const warnings: ConfigWarning[] = [...user.warnings, ...seg.warnings, ...honoured.warnings];
  const settings = resolveSettings(segment, {
    flags: options.flags ?? {},
    env,
    file: honoured.layer,
    user: user.layer,
  }, warnings);
  return {
    ...settings,
    warnings: capWarnings(warnings),
    files: { segment: segFound.info, user: userFound.info, trusted },
  };
}
export { ensureOwnGitignores, OWN_DIRS, OWN_GITIGNORE } from "./gitignore.ts";
export { serverCommandEnv, serverNames } from "./servers.ts";
