/**
 * Helpers for the multi-process tests: spawn writer processes and read every
 * event line back.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { join } from "node:path";

/** Path of the writer script. */
export const WRITER: string = fileURLToPath(new URL("./writer_fixture.ts", import.meta.url));

/** Options for {@linkcode runWriters}. */
export interface WriterOptions {
  /** Rotate at this size. */
  maxBytes?: number;
  /** Rotated files kept. */
  keep?: number;
  /** Flush every N events (0 = once). */
  flushEvery?: number;
  /** Extra environment. */
  env?: Record<string, string>;
}

/** Spawn `procs` writers of `events` events each into `segment`; all at once. Returns the run ids. */
export async function runWriters(
  segment: string,
  counts: { procs: number; events: number },
  options: WriterOptions = {},
): Promise<string[]> {
  const children = Array.from({ length: counts.procs }, () =>
    new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-read",
        "--allow-write",
        "--allow-env",
        WRITER,
        segment,
        String(counts.events),
        String(options.maxBytes ?? ""),
        String(options.keep ?? ""),
        String(options.flushEvery ?? 0),
      ],
      env: options.env,
      stdout: "piped",
      stderr: "piped",
    }).spawn());
  const outs = await Promise.all(children.map((c) => c.output()));
  const dec = new TextDecoder();
  return outs.map((o) => {
    if (o.code !== 0) throw new Error(`writer failed: ${dec.decode(o.stderr)}`);
    const m = /^done (\S+)$/m.exec(dec.decode(o.stdout));
    const runId = m?.[1];
    if (runId === undefined) throw new Error("writer printed no run id");
    return runId;
  });
}

/** Every non-empty line of every event file (`events*.jsonl`) in `dir`. */
export async function allEventLines(dir: string): Promise<{ lines: string[]; files: string[] }> {
  const files: string[] = [];
  const lines: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && /^events(\.\d+)?\.jsonl$/.test(e.name)) files.push(e.name);
  }
  files.sort();
  for (const f of files) {
    for (const l of (await Deno.readTextFile(join(dir, f))).split("\n")) {
      if (l !== "") lines.push(l);
    }
  }
  return { lines, files };
}
