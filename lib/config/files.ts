/**
 * Where the config files are and how they are read. The segment's
 * `trifecta.jsonc` comes with an untrusted checkout: it is read through the
 * segment's read boundary (no link out, no hard link, no FIFO, size-capped,
 * secrets masked). The user file (`$XDG_CONFIG_HOME/trifecta/config.jsonc`,
 * default `~/.config/trifecta/config.jsonc`) is the user's own: read
 * directly, size-capped, a regular file only. Each is optional; one that
 * Deno's permissions do not let trifecta see counts as absent and says so.
 *
 * @module
 */
import { optionalEnv } from "../env.ts";
import { TrifectaError } from "../errors.ts";
import { isAbsolute, join } from "../path.ts";
import { lstatOrUndefined } from "../safe_dir.ts";
import { readInsideSync } from "../segment/boundary.ts";
import type { Segment } from "../segment/segment.ts";
import { CONFIG_INVALID_CODE, MAX_CONFIG_BYTES } from "./parse.ts";
import type { ConfigFileInfo } from "./types.ts";

/** The segment's config file name, at the segment root. */
export const SEGMENT_CONFIG_FILE = "trifecta.jsonc";

/** Reads one environment variable; `undefined` when unset or not granted. */
export type EnvReader = (name: string) => string | undefined;

/** A file's text, or why there is none. */
export interface FileText {
  /** How it was found. */
  info: ConfigFileInfo;
  /** The text, when loaded. */
  text?: string;
}

/** An absolute directory from an XDG variable, else `$HOME/<fallback>`; undefined without either. */
function xdgDir(env: EnvReader, variable: string, fallback: string): string | undefined {
  const xdg = env(variable);
  // The XDG spec: a relative value is invalid and is ignored.
  if (xdg !== undefined && isAbsolute(xdg)) return xdg;
  const home = env("HOME");
  return home !== undefined && isAbsolute(home) ? join(home, fallback) : undefined;
}

/**
 * The user config file: `$XDG_CONFIG_HOME/trifecta/config.jsonc`, else
 * `$HOME/.config/trifecta/config.jsonc`; undefined when neither is set.
 *
 * @example
 * ```ts
 * import { userConfigPath } from "./files.ts";
 * import { equal } from "node:assert/strict";
 * const env = (n: string) => ({ HOME: "/home/u" } as Record<string, string>)[n];
 * equal(userConfigPath(env), "/home/u/.config/trifecta/config.jsonc");
 * ```
 */
export function userConfigPath(env: EnvReader = optionalEnv): string | undefined {
  const dir = xdgDir(env, "XDG_CONFIG_HOME", ".config");
  return dir === undefined ? undefined : join(dir, "trifecta", "config.jsonc");
}

/**
 * The state directory of a segment's telemetry under the user's state
 * directory: `$XDG_STATE_HOME/trifecta/<segment id>/telemetry`, else
 * `$HOME/.local/state/trifecta/<segment id>/telemetry`.
 *
 * @example
 * ```ts
 * import { stateTelemetryDir } from "./files.ts";
 * import { equal } from "node:assert/strict";
 * const env = (n: string) => ({ XDG_STATE_HOME: "/s" } as Record<string, string>)[n];
 * equal(stateTelemetryDir("ab12cd34", env), "/s/trifecta/ab12cd34/telemetry");
 * ```
 */
export function stateTelemetryDir(
  segmentId: string,
  env: EnvReader = optionalEnv,
): string | undefined {
  const dir = xdgDir(env, "XDG_STATE_HOME", join(".local", "state"));
  return dir === undefined ? undefined : join(dir, "trifecta", segmentId, "telemetry");
}

function unreadable(file: string, why: string, cause?: unknown): TrifectaError {
  return new TrifectaError(CONFIG_INVALID_CODE, `${file}:1:1: ${why}`, {
    cause,
    details: { file, line: 1, column: 1, reason: why },
    nextSteps: [`Fix or remove ${file} (docs/config.md)`],
  });
}

/**
 * The segment's `trifecta.jsonc` through the read boundary.
 *
 * @throws {TrifectaError} `CONFIG_INVALID` when it exists but may not be
 * read (a link out of the segment, a hard link, a FIFO, too large, binary).
 */
export function readSegmentFile(segment: Segment): FileText {
  const path = join(segment.root, SEGMENT_CONFIG_FILE);
  let found: Deno.FileInfo | undefined;
  try {
    found = lstatOrUndefined(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotCapable) return { info: { path, state: "not_granted" } };
    throw err;
  }
  if (found === undefined) return { info: { path, state: "absent" } };
  try {
    const read = readInsideSync(segment, SEGMENT_CONFIG_FILE, { maxBytes: MAX_CONFIG_BYTES });
    return { info: { path, state: "loaded" }, text: read.text };
  } catch (err) {
    // The boundary refused it: a config that cannot be read safely is unusable.
    if (err instanceof TrifectaError) {
      throw unreadable(SEGMENT_CONFIG_FILE, `${err.code}: ${err.message}`, err);
    }
    throw err;
  }
}

/** Read at most `max` bytes of an open file; undefined when it holds more. */
function readCapped(file: Deno.FsFile, max: number): Uint8Array | undefined {
  const buf = new Uint8Array(max + 1);
  let total = 0;
  for (;;) {
    const n = file.readSync(buf.subarray(total));
    if (n === null || n === 0) break;
    total += n;
    if (total > max) return undefined;
  }
  return buf.subarray(0, total);
}

/**
 * The user config file, if there is one and it may be read.
 *
 * @throws {TrifectaError} `CONFIG_INVALID` when it is not a regular file or too large.
 */
export function readUserFile(env: EnvReader = optionalEnv): FileText {
  const path = userConfigPath(env) ?? null;
  if (path === null) return { info: { path, state: "absent" } };
  let file: Deno.FsFile;
  try {
    // Checked before the open: opening a FIFO would block.
    if (!Deno.statSync(path).isFile) throw unreadable(path, "is not a regular file");
    file = Deno.openSync(path, { read: true });
  } catch (err) {
    if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory) {
      return { info: { path, state: "absent" } };
    }
    if (err instanceof Deno.errors.NotCapable) return { info: { path, state: "not_granted" } };
    if (err instanceof TrifectaError) throw err;
    throw unreadable(path, "cannot be opened", err);
  }
  try {
    if (!file.statSync().isFile) throw unreadable(path, "is not a regular file");
    const bytes = readCapped(file, MAX_CONFIG_BYTES);
    if (bytes === undefined) throw unreadable(path, `larger than ${MAX_CONFIG_BYTES} bytes`);
    return { info: { path, state: "loaded" }, text: new TextDecoder().decode(bytes) };
  } finally {
    file.close();
  }
}
