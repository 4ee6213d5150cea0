/**
 * The `config` commands (see `commands.ts`): the effective configuration of
 * a segment (docs/config.md).
 *
 * @module
 */
import type { CommandSpec } from "./command_types.ts";

/** `config show [-s DIR] [--json]`. */
export const CONFIG_SHOW = {
  group: "config",
  name: "show",
  description: "each effective setting, its value and where it came from",
  arguments: [],
  options: [],
  helpAfter: "\nSources: flag, env, file (trifecta.jsonc), user (the user config file), default." +
    "\nWarnings (untrusted or unknown keys) are listed after the settings. Docs: docs/config.md",
} as const satisfies CommandSpec;
