/**
 * A language server's process, the transport under the client's state
 * machine (lib/lsp/client.ts): spawned in its own process group with piped
 * stdio, its stderr drained into a bounded tail, its exit observed, and
 * ended within a grace period.
 *
 * @module
 */
import type { ServerCommand } from "./discovery.ts";

/** How a server process ended. */
export interface ExitStatus {
  /** Exit code. */
  code: number;
  /** The signal that ended it, if one did. */
  signal: string | null;
}

const STDERR_LINES_KEPT = 50;
/** Longest stderr line kept (characters): a server writing without newlines cannot grow memory. */
const STDERR_LINE_CHARS = 2000;

/** One spawned server process. */
export class ServerProcess {
  readonly #child: Deno.ChildProcess;
  #stderrTail: string[] = [];
  /** Resolves once the process has exited (after `onExit` ran). */
  readonly done: Promise<void>;

  /**
   * Spawn `server` in `cwd`, in its own process group so that ending it ends
   * whatever it spawned too. `onExit` is called once, when it exits.
   *
   * @throws {Deno.errors.NotFound} when the executable does not exist (and
   * whatever else `spawn` throws).
   */
  constructor(server: ServerCommand, cwd: string, onExit: (status: ExitStatus) => void) {
    this.#child = new Deno.Command(server.command, {
      args: server.args,
      cwd,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
      detached: true,
    }).spawn();
    this.#drainStderr(this.#child.stderr);
    this.done = this.#child.status.then((s) => onExit({ code: s.code, signal: s.signal }));
  }

  /** Process id. */
  get pid(): number {
    return this.#child.pid;
  }

  /** The server's stdout (messages to the client). */
  get stdout(): ReadableStream<Uint8Array> {
    return this.#child.stdout;
  }

  /** The server's stdin (messages from the client). */
  get stdin(): WritableStream<Uint8Array> {
    return this.#child.stdin;
  }

  /** The last lines the server wrote to stderr (for debugging; may hold paths). */
  get stderrTail(): readonly string[] {
    return this.#stderrTail;
  }

  /** Send a signal; a process that already exited is not an error. */
  kill(signal: Deno.Signal = "SIGKILL"): void {
    try {
      this.#child.kill(signal);
    } catch (err) {
      // Already exited: nothing to kill.
      if (!(err instanceof TypeError)) throw err;
    }
  }

  /** Wait up to `graceMs` for the process to exit, then kill it (SIGKILL) and wait. */
  async end(graceMs: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const exited = await Promise.race([
      this.done.then(() => true),
      new Promise<false>((r) => (timer = setTimeout(() => r(false), graceMs))),
    ]);
    clearTimeout(timer);
    if (!exited) {
      this.kill("SIGKILL");
      await this.done;
    }
  }

  #drainStderr(stream: ReadableStream<Uint8Array>): void {
    void (async () => {
      const dec = new TextDecoder();
      let partial = "";
      try {
        for await (const chunk of stream) {
          const lines = (partial + dec.decode(chunk, { stream: true })).split("\n");
          partial = (lines.pop() ?? "").slice(-STDERR_LINE_CHARS);
          this.#stderrTail.push(
            ...lines.slice(-STDERR_LINES_KEPT).map((l) => l.slice(0, STDERR_LINE_CHARS)),
          );
          if (this.#stderrTail.length > STDERR_LINES_KEPT) {
            this.#stderrTail.splice(0, this.#stderrTail.length - STDERR_LINES_KEPT);
          }
        }
      } catch (err) {
        // The pipe breaks when the server is killed; nothing is left to drain.
        if (!(err instanceof Error)) throw err;
      }
    })();
  }
}
