/**
 * Ending what a language server left behind: the server runs in its own
 * process group (`detached`), so whatever it spawned goes with the group.
 *
 * @module
 */

/**
 * End every process left in a server's process group. `Deno.kill` on a
 * group needs `--allow-run` without a list; under the documented
 * `--allow-run=<deno>` a `deno eval` with a fixed kill does it (running Deno
 * is what that grant allows). Returns false when neither is permitted.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { killProcessGroup } from "./process_group.ts";
 * const child = new Deno.Command(Deno.execPath(), {
 *   args: ["eval", "setTimeout(() => {}, 60_000)"],
 *   detached: true, // its own process group, as a server runs
 *   stdout: "null",
 *   stderr: "null",
 * }).spawn();
 * equal(await killProcessGroup(child.pid), true);
 * equal((await child.status).signal, "SIGKILL");
 * equal(await killProcessGroup(1), false); // never init's group, nor a bad pid
 * ```
 */
export async function killProcessGroup(pgid: number): Promise<boolean> {
  if (!Number.isInteger(pgid) || pgid <= 1) return false;
  if (Deno.permissions.querySync({ name: "run" }).state === "granted") {
    try {
      Deno.kill(-pgid, "SIGKILL");
    } catch (err) {
      // ESRCH: the group is already empty.
      if (!(err instanceof Deno.errors.NotFound || err instanceof TypeError)) throw err;
    }
    return true;
  }
  const deno = Deno.execPath();
  if (Deno.permissions.querySync({ name: "run", command: deno }).state !== "granted") return false;
  const code = `try { Deno.kill(-${pgid}, "SIGKILL"); } catch { /* group already empty */ }`;
  const out = await new Deno.Command(deno, {
    args: ["eval", "--no-config", code],
    stdin: "null",
    stdout: "null",
    stderr: "null",
    env: { NO_COLOR: "1" },
  }).output();
  return out.success;
}
