/**
 * A running `trifecta watch --json` (the real CLI with the documented narrow
 * flags) and the lines it printed so far: shared by the watch tests.
 *
 * @module
 */
import { MAIN_TS, narrowFlags, REPO_ROOT } from "./helpers.ts";

/** One `--json` line of `trifecta watch`. */
export interface SyncLine {
  event: string;
  added?: string[];
  changed?: string[];
  deleted?: string[];
  ms?: number;
  pack?: { added: number; changed: number; deleted: number; mode?: string };
}

/** A running `trifecta watch --json` and the lines it printed so far. */
export class WatchProcess {
  readonly lines: SyncLine[] = [];
  readonly child: Deno.ChildProcess;
  #stderr = "";
  #reading: Promise<void>;

  constructor(dir: string) {
    const args = ["watch", "-s", dir, "--json", "--debounce-ms", "100"];
    this.child = new Deno.Command(Deno.execPath(), {
      args: ["run", ...narrowFlags(args), MAIN_TS, ...args],
      cwd: REPO_ROOT,
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#reading = Promise.all([this.#readOut(), this.#readErr()]).then(() => {});
  }

  async #readOut(): Promise<void> {
    let rest = "";
    for await (const chunk of this.child.stdout.pipeThrough(new TextDecoderStream())) {
      rest += chunk;
      let nl: number;
      while ((nl = rest.indexOf("\n")) >= 0) {
        this.lines.push(JSON.parse(rest.slice(0, nl)));
        rest = rest.slice(nl + 1);
      }
    }
  }

  async #readErr(): Promise<void> {
    for await (const chunk of this.child.stderr.pipeThrough(new TextDecoderStream())) {
      this.#stderr += chunk;
    }
  }

  /** Every path of `list` reported so far. */
  seen(list: "added" | "changed" | "deleted"): string[] {
    return this.lines.flatMap((l) => l[list] ?? []);
  }

  async waitFor(pred: () => boolean, what: string, deadlineMs: number): Promise<void> {
    const until = Date.now() + deadlineMs;
    while (!pred()) {
      if (Date.now() > until) {
        throw new Error(
          `${what}: not reported within ${deadlineMs} ms; lines ${
            JSON.stringify(this.lines)
          }; stderr ${this.#stderr}`,
        );
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** A signal (SIGINT by default), then the exit code and stderr. */
  async stop(signal: Deno.Signal = "SIGINT"): Promise<{ code: number; stderr: string }> {
    this.child.kill(signal);
    const status = await this.child.status;
    await this.#reading;
    return { code: status.code, stderr: this.#stderr };
  }
}
