/**
 * Launcher of the `cli` task: runs `main.ts` in a child Deno whose
 * permissions are scoped to the segment named by `-s/--segment` (default:
 * the directory `deno task` was started from, `INIT_CWD`), so
 * `deno task cli …` works on any segment without granting more than it.
 * For `lsp` and `mcp` it also grants the language servers the CLI will
 * find (`serverExecutables`): run them, and read their paths.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { optionalEnv } from "../lib/env.ts";
import { permissionFlags, segmentArg, serverExecutables } from "./permissions.ts";

const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));
const LIB = fileURLToPath(new URL("../lib", import.meta.url));

/** Run the CLI for `args` and return its exit code. */
export async function launch(args: readonly string[]): Promise<number> {
  const cwd = optionalEnv("INIT_CWD") || Deno.cwd();
  const wantsDaemon = args[0] === "lsp" || args[0] === "mcp";
  const flags = permissionFlags({
    segment: segmentArg(args),
    cwd,
    codeDirs: [LIB],
    daemon: wantsDaemon,
    servers: wantsDaemon ? await serverExecutables() : [],
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
