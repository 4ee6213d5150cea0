/**
 * The shape of trifecta's effective configuration: every setting with the
 * value in force and where it came from, the warnings, and the files read.
 * See docs/config.md for every key, its default and who may set it.
 *
 * @module
 */

/** Where a setting's value came from, highest precedence first. */
export type ConfigSource = "flag" | "env" | "file" | "user" | "default";

/** Every source, highest precedence first. */
export const CONFIG_SOURCES: readonly ConfigSource[] = ["flag", "env", "file", "user", "default"];

/** One effective setting: its value and its source. */
export interface Setting<T> {
  /** The value in force. */
  readonly value: T;
  /** Where it came from. */
  readonly source: ConfigSource;
}

/** Telemetry level: `off` writes nothing, `lite` is the default, `full` keeps more detail. */
export type TelemetryLevel = "off" | "lite" | "full";

/** The accepted telemetry levels, least first (telemetry re-exports this list). */
export const TELEMETRY_LEVEL_NAMES: readonly TelemetryLevel[] = ["off", "lite", "full"];

/** `lsp.daemon`: `off` (one-shot servers) or `auto` (start the daemon on the first query). */
export type LspDaemonMode = "off" | "auto";

/** The accepted `lsp.daemon` values. */
export const LSP_DAEMON_MODES: readonly LspDaemonMode[] = ["off", "auto"];

/** `telemetry.dir` in a file: inside the segment, or under the user's state directory. */
export type TelemetryDirChoice = "segment" | "state";

/** The accepted `telemetry.dir` values of a file. */
export const TELEMETRY_DIR_CHOICES: readonly TelemetryDirChoice[] = ["segment", "state"];

/** The budget keys (`budgets.<key>`), in token estimates. */
export const BUDGET_KEYS = ["ctx_get", "snippet", "map", "mcp"] as const;

/** One budget key. */
export type BudgetKey = typeof BUDGET_KEYS[number];

/** Language-server command overrides: server name → argv. */
export type ServerCommands = Readonly<Record<string, readonly string[]>>;

/**
 * The values one file (or the flags and env) sets; every key optional. The
 * keys are the file's dotted keys (`cache.persist`).
 */
export interface ConfigLayer {
  /** `cache.persist`. */
  "cache.persist"?: boolean;
  /** `telemetry.level`. */
  "telemetry.level"?: TelemetryLevel;
  /** `telemetry.dir`: a choice in files, an absolute path from `TRIFECTA_TELEMETRY_DIR`. */
  "telemetry.dir"?: string;
  /** `budgets.ctx_get`. */
  "budgets.ctx_get"?: number;
  /** `budgets.snippet`. */
  "budgets.snippet"?: number;
  /** `budgets.map`. */
  "budgets.map"?: number;
  /** `budgets.mcp`. */
  "budgets.mcp"?: number;
  /** `ignore`: extra ignore globs. */
  "ignore"?: readonly string[];
  /** `deny`: extra denylist globs. */
  "deny"?: readonly string[];
  /** `lsp.daemon`. */
  "lsp.daemon"?: LspDaemonMode;
  /** `lsp.servers`. */
  "lsp.servers"?: ServerCommands;
}

/** A dotted setting key. */
export type ConfigKey = keyof ConfigLayer;

/** Every setting key, in `config show` order. */
export const CONFIG_KEYS: readonly ConfigKey[] = [
  "cache.persist",
  "telemetry.level",
  "telemetry.dir",
  "budgets.ctx_get",
  "budgets.snippet",
  "budgets.map",
  "budgets.mcp",
  "ignore",
  "deny",
  "lsp.daemon",
  "lsp.servers",
];

/** A named problem with a config file that did not stop the command. */
export interface ConfigWarning {
  /** `CONFIG_KEY_UNTRUSTED`, `CONFIG_KEY_UNKNOWN`, `CONFIG_VALUE_IGNORED`, `CONFIG_FILE_UNREADABLE`. */
  readonly code: string;
  /** The dotted key (or the file) it is about. */
  readonly key: string;
  /** One line for people. */
  readonly message: string;
  /** On the summary after a code's first 20 (key `…`): how many were left out. */
  readonly omitted?: number;
}

/** How one config file was found. */
export interface ConfigFileInfo {
  /** Absolute path looked at (null when it cannot be known, e.g. no HOME). */
  readonly path: string | null;
  /** `loaded`, `absent`, or `not_granted` (Deno's permissions do not let trifecta read it). */
  readonly state: "loaded" | "absent" | "not_granted";
}

/** The effective configuration of one command run. */
export interface EffectiveConfig {
  /** The AST cache. */
  readonly cache: {
    /** Persistent SQLite cache (memory when false, or when the segment is not writable). */
    readonly persist: Setting<boolean>;
  };
  /** Telemetry. */
  readonly telemetry: {
    /** Level (`TRIFECTA_NO_TELEMETRY` and `TRIFECTA_TELEMETRY_LEVEL` rank above the flag). */
    readonly level: Setting<TelemetryLevel>;
    /** `segment`, `state`, or an absolute path (`TRIFECTA_TELEMETRY_DIR`). */
    readonly dir: Setting<string>;
    /** The resolved directory telemetry writes to. */
    readonly path: string;
  };
  /** Default token budgets; null = the command's built-in default. */
  readonly budgets: { readonly [K in BudgetKey]: Setting<number | null> };
  /** Extra ignore globs (on top of `.gitignore` and the built-in skips). */
  readonly ignore: Setting<readonly string[]>;
  /** Extra denylist globs (on top of the built-in denylist, which stays). */
  readonly deny: Setting<readonly string[]>;
  /** Language servers. */
  readonly lsp: {
    /** Start the daemon on the first query (`auto`) or not (`off`). */
    readonly daemon: Setting<LspDaemonMode>;
    /** Command overrides per server name. */
    readonly servers: Setting<ServerCommands>;
  };
  /** Problems that did not stop the command (also printed on stderr). */
  readonly warnings: readonly ConfigWarning[];
  /** The files read. */
  readonly files: {
    /** `<segment>/trifecta.jsonc`. */
    readonly segment: ConfigFileInfo;
    /** `$XDG_CONFIG_HOME/trifecta/config.jsonc`. */
    readonly user: ConfigFileInfo;
    /** The segment is listed in the user file's `trusted_segments`. */
    readonly trusted: boolean;
  };
}
