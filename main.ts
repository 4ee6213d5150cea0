/**
 * trifecta's command-line entry point. `--version` is answered before the CLI
 * (and its npm dependencies) load, so it costs little more than Deno's start;
 * hot commands go through the commander-free fast path (lib/cli/fast.ts).
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
  const fast = await (await import("./lib/cli/fast.ts")).runFast(args);
  if (fast !== undefined) Deno.exit(fast);
  const { run } = await import("./lib/cli/mod.ts");
  Deno.exit(await run(args));
}
