/**
 * trifecta's command-line entry point. `--version` is answered before the CLI
 * (and its npm dependencies) load, so it costs little more than Deno's start.
 *
 * @module
 */
import { VERSION } from "./lib/cli/version.ts";

if (import.meta.main) {
  const args = Deno.args;
  if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
    Deno.stdout.writeSync(new TextEncoder().encode(`trifecta ${VERSION}\n`));
    Deno.exit(0);
  }
  const { run } = await import("./lib/cli/mod.ts");
  Deno.exit(await run(args));
}
