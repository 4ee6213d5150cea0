/**
 * trifecta's command-line entry point.
 *
 * @module
 */
import { run } from "./lib/cli/mod.ts";

if (import.meta.main) {
  Deno.exit(await run(Deno.args));
}
