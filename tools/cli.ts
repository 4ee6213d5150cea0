/**
 * Launcher of the `cli` task: runs `main.ts` in a child Deno whose
 * permissions are scoped to the segment named by `-s/--segment` (default:
 * the directory `deno task` was started from, `INIT_CWD`), so
 * `deno task cli …` works on any segment without granting more than it.
 * For `lsp` and `mcp` it also grants the language servers the CLI will
 * find (`serverExecutables`): run them, and read their paths. When the
 * effective `telemetry.dir` is `"state"` (docs/config.md) it grants write to
 * that one directory under the user's state directory, and nothing more.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { resolve } from "node:path";
import { optionalEnv } from "../lib/env.ts";
import { type EffectiveConfig, loadConfig, serverCommandEnv } from "../lib/config/mod.ts";
import { resolveSegment } from "../lib/segment/segment.ts";
import { TrifectaError } from "../lib/errors.ts";
import { permissionFlags, segmentArg, serverExecutables } from "./permissions.ts";

const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));
const LIB = fileURLToPath(new URL("../lib", import.meta.url));

/**
 * The effective config of the segment the CLI will run on, or undefined
 * when the segment or a config file is not usable (the CLI itself reports
 * that, with its error card).
 */
async function launcherConfig(segmentDir: string): Promise<EffectiveConfig | undefined> {
  try {
    return await loadConfig(await resolveSegment(segmentDir));
  } catch (err) {
    // A missing segment or an invalid config file: the CLI itself reports it.
    if (err instanceof TrifectaError) return undefined;
    throw err;
  }
}

/**
 * The state directory to grant write to: the effective telemetry directory
 * when the config files say `telemetry.dir: "state"` (honoured from the
 * segment file only for a trusted segment; lib/config applies that rule).
 */
export async function stateTelemetryGrant(segmentDir: string): Promise<string[]> {
  return stateGrantOf(await launcherConfig(segmentDir));
}

function stateGrantOf(config: EffectiveConfig | undefined): string[] {
  return config?.telemetry.dir.value === "state" ? [config.telemetry.path] : [];
}

/** Run the CLI for `args` and return its exit code. */
export async function launch(args: readonly string[]): Promise<number> {
  const cwd = optionalEnv("INIT_CWD") || Deno.cwd();
  const wantsDaemon = args[0] === "lsp" || args[0] === "mcp";
  const segment = segmentArg(args);
  const config = await launcherConfig(resolve(cwd, segment));
  // The config's lsp.servers count as their languages' variables (env wins).
  const env = serverCommandEnv(config?.lsp.servers.value ?? {}, optionalEnv);
  const flags = permissionFlags({
    segment,
    cwd,
    codeDirs: [LIB],
    extraWrite: stateGrantOf(config),
    daemon: wantsDaemon,
    servers: wantsDaemon ? await serverExecutables(env) : [],
  });
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...flags, MAIN, ...args],
    cwd,
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  return (await child.status).code;
}

if (import.meta.main) Deno.exit(await launch(Deno.args));
