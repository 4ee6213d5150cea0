/**
 * The version, read from `deno.json` (inlined by the bundler).
 *
 * @module
 */
import config from "../../deno.json" with { type: "json" };

/** trifecta's version. */
export const VERSION: string = config.version;
