/**
 * Optional environment variables. A variable trifecta may lack the grant for
 * reads as unset: the permission is queried first, so Deno neither throws
 * `NotCapable` (under `--no-prompt`) nor stops to prompt the user (without
 * it). Imports nothing.
 *
 * @module
 */

/**
 * The value of an optional environment variable, or `undefined` when it is
 * unset or `--allow-env` does not cover it.
 *
 * @example
 * ```ts
 * import { optionalEnv } from "./env.ts";
 * import { equal } from "node:assert/strict";
 * Deno.env.set("TRIFECTA_EXAMPLE_FLAG", "1");
 * equal(optionalEnv("TRIFECTA_EXAMPLE_FLAG"), "1");
 * Deno.env.delete("TRIFECTA_EXAMPLE_FLAG");
 * equal(optionalEnv("TRIFECTA_EXAMPLE_FLAG"), undefined);
 * ```
 */
export function optionalEnv(name: string): string | undefined {
  if (Deno.permissions.querySync({ name: "env", variable: name }).state !== "granted") {
    return undefined;
  }
  return Deno.env.get(name);
}
