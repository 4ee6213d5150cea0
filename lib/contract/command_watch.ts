/**
 * The `watch` command (see `commands.ts`): keep the AST cache and the
 * context pack fresh from file-system events until interrupted.
 *
 * @module
 */
import { DEFAULT_DEBOUNCE_MS, DEFAULT_RESCAN_INTERVAL_MS } from "../watch/defaults.ts";
import type { CommandSpec } from "./command_types.ts";

/** `watch [--debounce-ms N] [--rescan-interval S]`. */
export const WATCH = {
  group: "",
  name: "watch",
  description: "keep the AST cache and the context pack fresh as files change (until Ctrl-C)",
  arguments: [],
  options: [
    {
      flag: "debounce-ms",
      type: "positiveInt",
      valueName: "ms",
      default: DEFAULT_DEBOUNCE_MS,
      help: "quiet time after the last file event before the changes are processed",
    },
    {
      flag: "rescan-interval",
      type: "nonNegativeInt",
      valueName: "s",
      default: DEFAULT_RESCAN_INTERVAL_MS / 1000,
      help: "seconds between full re-scans that catch lost events (0: none)",
    },
  ],
  helpAfter: "\nPrints one line per batch of changes (--json: one JSON object per line,\n" +
    '{"event":"sync","added":[…],"changed":[…],"deleted":[…],"ms":N}); stops on\n' +
    "SIGINT or SIGTERM with exit 0. The pack is synced only when one exists.",
} as const satisfies CommandSpec;
