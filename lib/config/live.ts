/**
 * The configuration of a long-lived process (`trifecta mcp`, `trifecta
 * watch`, the language-server daemon): a `deny` or `ignore` glob added to
 * `trifecta.jsonc` (or the user file) while it runs must apply before its
 * next read. {@linkcode LiveConfig.check} is cheap enough for every call: a
 * stat of the two files (device, inode, size, modification and change
 * times, kind; a symlink's target too). Only when that identity moved — or
 * the files were written so recently that a same-size rewrite could keep
 * it (the "racy" window, {@linkcode RACY_MS}) — are they read again, by the
 * same loader and rules as at start-up (`loadConfig`: trust, caps, the read
 * boundary for the segment file). A file that no longer loads (bad JSONC, a
 * FIFO, a link out, too large) changes nothing: the last configuration that
 * loaded stays, so a broken file never drops a deny glob; it is said once.
 *
 * @module
 */
import { toTrifectaError, TrifectaError } from "../errors.ts";
import { optionalEnv } from "../env.ts";
import { join } from "../path.ts";
import type { Segment } from "../segment/segment.ts";
import { type EnvReader, SEGMENT_CONFIG_FILE, userConfigPath } from "./files.ts";
import { loadConfig, withConfigGlobs } from "./mod.ts";
import type { ConfigFlags } from "./resolve.ts";
import type { ConfigWarning, EffectiveConfig } from "./types.ts";

/**
 * A file modified less than this long before its stat was taken (ms) may
 * be rewritten with the same stat (same size, a coarse clock): until the
 * stat is older than this, every check reads the files again.
 */
export const RACY_MS = 2000;

/** What one stat of the two config files gave. */
export interface ConfigStamp {
  /** The identity of both files, as one string (compared whole). */
  readonly key: string;
  /** True when a file was modified within {@linkcode RACY_MS} of the stat. */
  readonly racy: boolean;
}

function infoKey(info: Deno.FileInfo): string {
  const kind = info.isFile ? "f" : info.isDirectory ? "d" : info.isSymlink ? "l" : "o";
  return [kind, info.dev, info.ino, info.size, info.mtime?.getTime(), info.ctime?.getTime()]
    .join(":");
}

function recent(info: Deno.FileInfo, now: number): boolean {
  const times = [info.mtime?.getTime(), info.ctime?.getTime()];
  return times.some((t) => t === undefined || t > now - RACY_MS);
}

/** One path's identity: lstat, and the target's stat for a symlink; never opens it. */
function pathKey(path: string | undefined, now: number): { key: string; racy: boolean } {
  if (path === undefined) return { key: "none", racy: false };
  const stat = (follow: boolean) => {
    try {
      return follow ? Deno.statSync(path) : Deno.lstatSync(path);
    } catch (err) {
      // Absent, not granted, a dangling link: each is an identity of its own.
      return err instanceof Error ? err.name : "error";
    }
  };
  const own = stat(false);
  if (typeof own === "string") return { key: own, racy: false };
  const target = own.isSymlink ? stat(true) : undefined;
  const racy = recent(own, now) || (typeof target === "object" && recent(target, now));
  const tail = target === undefined
    ? ""
    : `>${typeof target === "string" ? target : infoKey(target)}`;
  return { key: infoKey(own) + tail, racy };
}

/**
 * The identity of the segment's `trifecta.jsonc` and the user file, by
 * stat only (a FIFO or a huge file is never opened here).
 *
 * @example
 * ```ts
 * import { configStamp } from "./live.ts";
 * import { equal, notEqual } from "node:assert/strict";
 * const dir = Deno.makeTempDirSync();
 * const seg = { root: dir, id: "00000000", input: dir };
 * const env = (_: string) => undefined;
 * const absent = configStamp(seg, env);
 * equal(configStamp(seg, env).key, absent.key);
 * Deno.writeTextFileSync(`${dir}/trifecta.jsonc`, '{"deny": ["*.key"]}');
 * notEqual(configStamp(seg, env).key, absent.key);
 * equal(configStamp(seg, env).racy, true); // just written
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function configStamp(segment: Segment, env: EnvReader = optionalEnv): ConfigStamp {
  const now = Date.now();
  const seg = pathKey(join(segment.root, SEGMENT_CONFIG_FILE), now);
  const user = pathKey(userConfigPath(env), now);
  return { key: `${seg.key}|${user.key}`, racy: seg.racy || user.racy };
}

/** The segment without the config's globs: what the config files are read through. */
function baseOf(segment: Segment): Segment {
  return { root: segment.root, id: segment.id, input: segment.input };
}

/** What decides what may be read and walked: the extra `deny` and `ignore` globs. */
export function globsKey(config: Pick<EffectiveConfig, "deny" | "ignore">): string {
  return JSON.stringify([[...config.deny.value].sort(), [...config.ignore.value].sort()]);
}

/** Options for {@linkcode LiveConfig.open}. */
export interface LiveConfigOptions {
  /** The command line's flags, as at start-up. */
  flags?: ConfigFlags;
  /** The environment (default: the process's, where granted). */
  env?: EnvReader;
  /**
   * Where a new warning or a config that no longer loads is said, once
   * (one line each). The warnings of the load in `open` are taken as said:
   * the command's start-up printed them.
   */
  warn?: (notice: ConfigNotice) => void;
}

/** Something said once about the config files: a new warning, or a file that no longer loads. */
export interface ConfigNotice {
  /** The warning's code, or the error's (`CONFIG_INVALID`). */
  code: string;
  /** One line. */
  message: string;
}

/** A reload that changed the configuration. */
export interface ConfigReload {
  /** The configuration now in force. */
  config: EffectiveConfig;
  /** The segment with its globs (`withConfigGlobs`). */
  segment: Segment;
  /** The one it replaces. */
  previous: EffectiveConfig;
  /** True when the `deny` or `ignore` globs changed (what may be read changed). */
  globsChanged: boolean;
}

const UNCHANGED: Promise<undefined> = Promise.resolve(undefined);

/**
 * `last` with the `deny` and `ignore` globs of `others` added: globs only
 * add up, so a broken file never takes one away, and the other file's new
 * ones apply.
 */
export function withGlobsOf(
  last: EffectiveConfig,
  others: readonly Pick<EffectiveConfig, "deny" | "ignore">[],
): EffectiveConfig {
  const union = (
    mine: readonly string[],
    pick: (c: Pick<EffectiveConfig, "deny" | "ignore">) => readonly string[],
  ) => [
    ...new Set([...mine, ...others.flatMap(pick)]),
  ];
  return {
    ...last,
    deny: { ...last.deny, value: union(last.deny.value, (c) => c.deny.value) },
    ignore: { ...last.ignore, value: union(last.ignore.value, (c) => c.ignore.value) },
  };
}

function warningKey(w: ConfigWarning): string {
  return `${w.code}\u0000${w.key}\u0000${w.message}`;
}

/** The configuration of a long-lived process, re-read when its files change (see the module doc). */
export class LiveConfig {
  #base: Segment;
  #opts: LiveConfigOptions;
  #config: EffectiveConfig;
  #segment: Segment;
  #stamp: ConfigStamp;
  #said = new Set<string>();
  #chain: Promise<unknown> = Promise.resolve();
  #running = 0;

  private constructor(
    base: Segment,
    first: { config: EffectiveConfig; stamp: ConfigStamp },
    options: LiveConfigOptions,
  ) {
    this.#base = base;
    this.#opts = options;
    this.#config = first.config;
    this.#stamp = first.stamp;
    this.#segment = withConfigGlobs(base, first.config);
    for (const w of first.config.warnings) this.#said.add(warningKey(w));
  }

  /**
   * Stat, then load the configuration (so a change after the stat is seen
   * by the next check). `segment` may carry globs already: they are
   * replaced by the files'.
   *
   * @throws {TrifectaError} `CONFIG_INVALID` as `loadConfig` (at start-up a
   * broken file stops the command).
   */
  static async open(segment: Segment, options: LiveConfigOptions = {}): Promise<LiveConfig> {
    const base = baseOf(segment);
    const stamp = configStamp(base, options.env);
    const config = await loadConfig(base, { flags: options.flags, env: options.env });
    return new LiveConfig(base, { config, stamp }, options);
  }

  /** The configuration in force. */
  get config(): EffectiveConfig {
    return this.#config;
  }

  /** The segment with the globs in force. */
  get segment(): Segment {
    return this.#segment;
  }

  /**
   * True when the files' identity moved since the last check (a stat
   * only; nothing is read or changed: {@linkcode LiveConfig.check} does that).
   */
  moved(): boolean {
    return configStamp(this.#base, this.#opts.env).key !== this.#stamp.key;
  }

  /**
   * Re-read the files when their identity moved (or is racy); resolves
   * with what changed, or undefined when nothing did (or a file no longer
   * loads: the last configuration stays). Checks run one at a time.
   */
  check(): Promise<ConfigReload | undefined> {
    // The common case, nothing moved and no check running: no promise chain.
    if (this.#running === 0 && !this.#stamp.racy && !this.moved()) return UNCHANGED;
    this.#running += 1;
    const run = this.#chain.then(() => this.#check()).finally(() => {
      this.#running -= 1;
    });
    this.#chain = run.catch(() => undefined);
    return run;
  }

  async #check(): Promise<ConfigReload | undefined> {
    const stamp = configStamp(this.#base, this.#opts.env);
    if (stamp.key === this.#stamp.key && !this.#stamp.racy) return undefined;
    this.#stamp = stamp;
    let config: EffectiveConfig;
    try {
      config = await loadConfig(this.#base, { flags: this.#opts.flags, env: this.#opts.env });
    } catch (err) {
      // Broken now: keep the last configuration that loaded (its deny globs
      // stay), plus the globs the other file adds now.
      const e = toTrifectaError(err);
      this.#sayOnce(`${e.code}\u0000${e.message}`, {
        code: e.code,
        message: `${e.message}; the configuration loaded before stays in force ` +
          `(its deny and ignore globs, plus any the other config file adds) until the file loads again`,
      });
      config = withGlobsOf(this.#config, await this.#loadableLayers());
    }
    this.#sayNew(config.warnings);
    const previous = this.#config;
    if (
      JSON.stringify({ ...config, warnings: [] }) === JSON.stringify({ ...previous, warnings: [] })
    ) {
      return undefined;
    }
    this.#config = config;
    const globsChanged = globsKey(config) !== globsKey(previous);
    if (globsChanged) this.#segment = withConfigGlobs(this.#base, config);
    return { config, segment: this.#segment, previous, globsChanged };
  }

  /** The configurations of each file alone that still load (one file broke). */
  async #loadableLayers(): Promise<EffectiveConfig[]> {
    const out: EffectiveConfig[] = [];
    for (const skip of ["segment", "user"] as const) {
      try {
        out.push(
          await loadConfig(this.#base, { flags: this.#opts.flags, env: this.#opts.env, skip }),
        );
      } catch (err) {
        // This one holds the broken file: the last good globs stand for it.
        if (!(err instanceof TrifectaError)) throw err;
      }
    }
    return out;
  }

  #sayNew(warnings: readonly ConfigWarning[]): void {
    for (const w of warnings) this.#sayOnce(warningKey(w), { code: w.code, message: w.message });
  }

  #sayOnce(key: string, notice: ConfigNotice): void {
    if (this.#said.has(key)) return;
    this.#said.add(key);
    this.#opts.warn?.(notice);
  }
}
