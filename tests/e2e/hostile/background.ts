/**
 * Helper scripts that run beside trifecta (tests/e2e/hostile/fixtures/).
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { FIXTURE_DIR } from "./world.ts";

/**
 * A helper script (tests/e2e/hostile/fixtures/) running beside trifecta: it
 * prints `ready` once set up, stops when its stop file appears (or on its own
 * time limit), then prints a count.
 */
export class Background {
  #child: Deno.ChildProcess;
  #out: Promise<string>;

  private constructor(child: Deno.ChildProcess, out: Promise<string>) {
    this.#child = child;
    this.#out = out;
  }

  /** Start `fixtures/<script>` with `args` and wait for its `ready` line. */
  static async start(script: string, args: readonly string[]): Promise<Background> {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--no-config", join(FIXTURE_DIR, script), ...args],
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    assert.match(text, /^ready/, `${script} did not start: ${text}`);
    const out = (async () => {
      let rest = text.slice(text.indexOf("\n") + 1);
      while (true) {
        const { value, done } = await reader.read();
        if (done) return rest;
        rest += value;
      }
    })();
    return new Background(child, out);
  }

  /** Create `stopFile`, then wait for the script to end (killed after 30 s); its output. */
  async stop(stopFile?: string): Promise<string> {
    if (stopFile) await Deno.writeTextFile(stopFile, "");
    try {
      await this.#child.stdin.close();
    } catch (err) {
      // Already closed.
      void err;
    }
    const t = setTimeout(() => {
      try {
        this.#child.kill("SIGKILL");
      } catch (err) {
        // It ended meanwhile.
        void err;
      }
    }, 30_000);
    await this.#child.status;
    clearTimeout(t);
    return (await this.#out).trim();
  }
}
