/**
 * What watch mode costs, on a copy of a corpus (never in place):
 *
 * - A: from a file write to the `trifecta watch --json` line that reports it
 *   (debounce, scan of the touched directory, AST pre-parse and the pack's
 *   incremental sync included), and the batch's own `ms` (finding the
 *   changes);
 * - B, the peer: `trifecta ctx sync` as a CLI call after the same kind of
 *   one-file change (what keeps the pack fresh without watch);
 * - C: a full re-scan (walk + a stat per file, `scanDir`) against the walk
 *   alone (`walkFiles`), in process, interleaved.
 *
 * Medians of RUNS each; prints the load average before and after. Usage:
 * `deno run -A bench/watch_bench.ts CORPUS [RUNS]`.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { resolveSegment, walkFiles } from "../lib/segment/mod.ts";
import { scanDir } from "../lib/watch/mod.ts";

const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));
const corpus = Deno.args[0];
const runs = Number(Deno.args[1] ?? "7");
if (!corpus) throw new Error("usage: watch_bench.ts CORPUS [RUNS]");

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] ?? 0 : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

function load(): string {
  return Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");
}

function cli(args: string[]): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--unstable-raw-imports", MAIN, ...args],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  });
}

async function touch(abs: string, i: number): Promise<void> {
  await Deno.writeTextFile(abs, `\n# watch bench ${i}\n`, { append: true });
}

/** A: write → reported line, with the watcher running. */
async function watchLatency(
  dir: string,
  files: string[],
): Promise<{ ms: number[]; batch: number[] }> {
  const child = cli(["watch", "-s", dir, "--json"]).spawn();
  const lines: { event: string; changed?: string[]; ms?: number }[] = [];
  const reading = (async () => {
    let rest = "";
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      rest += chunk;
      let nl: number;
      while ((nl = rest.indexOf("\n")) >= 0) {
        lines.push(JSON.parse(rest.slice(0, nl)));
        rest = rest.slice(nl + 1);
      }
    }
  })();
  const drain = child.stderr.pipeTo(new WritableStream());
  const until = async (pred: () => boolean) => {
    while (!pred()) await new Promise((r) => setTimeout(r, 2));
  };
  await until(() => lines.some((l) => l.event === "ready"));
  const ms: number[] = [];
  const batch: number[] = [];
  for (const [i, rel] of files.entries()) {
    const began = performance.now();
    await touch(`${dir}/${rel}`, i);
    await until(() => lines.some((l) => l.changed?.includes(rel)));
    ms.push(performance.now() - began);
    batch.push(lines.find((l) => l.changed?.includes(rel))?.ms ?? 0);
    await new Promise((r) => setTimeout(r, 300));
  }
  child.kill("SIGINT");
  await child.status;
  await reading;
  await drain;
  return { ms, batch };
}

/** B: one changed file, then `ctx sync` as a CLI call. */
async function syncLatency(dir: string, files: string[]): Promise<number[]> {
  const out: number[] = [];
  for (const [i, rel] of files.entries()) {
    await touch(`${dir}/${rel}`, 1000 + i);
    const began = performance.now();
    const r = await cli(["ctx", "sync", "-s", dir]).output();
    if (!r.success) throw new Error(new TextDecoder().decode(r.stderr));
    out.push(performance.now() - began);
  }
  return out;
}

/** C: full re-scan against the walk alone, interleaved. */
async function rescanCost(dir: string): Promise<{ walk: number[]; scan: number[]; files: number }> {
  const seg = await resolveSegment(dir);
  const walk: number[] = [];
  const scan: number[] = [];
  let files = 0;
  for (let i = 0; i < runs; i++) {
    let t = performance.now();
    files = (await walkFiles(seg, seg.root)).files.length;
    walk.push(performance.now() - t);
    t = performance.now();
    await scanDir(seg, "");
    scan.push(performance.now() - t);
  }
  return { walk, scan, files };
}

const dir = await Deno.makeTempDir({ prefix: "trifecta-watch-bench-" });
try {
  const cp = await new Deno.Command("cp", { args: ["-r", `${corpus}/.`, dir] }).output();
  if (!cp.success) throw new Error("copy failed");
  const loadBefore = load();
  const built = await cli(["ctx", "build", "-s", dir]).output();
  if (!built.success) throw new Error(new TextDecoder().decode(built.stderr));
  const seg = await resolveSegment(dir);
  const py = (await walkFiles(seg, seg.root, { extensions: [".py"] })).files.map((f) => f.rel);
  const pick = (from: number) => py.filter((_, i) => i % 37 === 0).slice(from, from + runs);
  const a = await watchLatency(dir, pick(0));
  const b = await syncLatency(dir, pick(runs));
  const c = await rescanCost(dir);
  const f = (x: number) => x.toFixed(1);
  console.log(`corpus ${corpus}: ${c.files} files walked; runs ${runs}`);
  console.log(
    `A watch: write -> reported line, median ${f(median(a.ms))} ms (batch ms ${
      f(median(a.batch))
    })`,
  );
  console.log(`B ctx sync CLI after one change: median ${f(median(b))} ms`);
  console.log(`A/B ${(median(a.ms) / median(b)).toFixed(2)}`);
  console.log(
    `C full re-scan ${f(median(c.scan))} ms, walk alone ${f(median(c.walk))} ms, ratio ${
      (median(c.scan) / median(c.walk)).toFixed(2)
    }`,
  );
  console.log(`load before ${loadBefore}, after ${load()}`);
} finally {
  await Deno.remove(dir, { recursive: true });
}
