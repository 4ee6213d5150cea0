/**
 * `deno task demo`: runs trifecta on the example project in
 * `fixtures/example` and shows each command with its output, ending with the
 * telemetry report. Every step runs the real CLI as a subprocess with the
 * documented permission flags.
 *
 * @module
 */
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL(".", import.meta.url));
const example = fileURLToPath(new URL("./fixtures/example", import.meta.url));
const flags = [
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-run",
  "--allow-sys",
  "--unstable-raw-imports",
];

interface Step {
  /** What the step shows. */
  title: string;
  /** CLI arguments (the segment is added). */
  args: string[];
  /** Show at most this many lines of output. */
  maxLines?: number;
}

const steps: Step[] = [
  { title: "Skeleton of the example project", args: ["ast", "skeleton", "src", "web"], maxLines: 60 },
  {
    title: "Resolve a symbol by sym:// URI",
    args: ["ast", "symbols", "sym://python/type/src/inventory/models/Inventory#add"],
  },
  {
    title: "A symbol's code, excerpt mode",
    args: ["ast", "snippet", "sym://python/type/src/inventory/service/restock", "--mode", "excerpt"],
  },
  { title: "Cache statistics", args: ["cache", "stats", "--persist-cache"] },
  { title: "Build the context pack", args: ["ctx", "build"] },
  { title: "Search the pack", args: ["ctx", "search", "-q", "restock inventory", "-l", "3"] },
  { title: "Telemetry report", args: ["telemetry", "report"], maxLines: 60 },
];

const decoder = new TextDecoder();
const write = (s: string) => Deno.stdout.writeSync(new TextEncoder().encode(s));
let failures = 0;
for (const step of steps) {
  write(`\n=== ${step.title}\n$ trifecta ${step.args.join(" ")} -s fixtures/example\n`);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...flags, `${root}main.ts`, ...step.args, "-s", example],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = decoder.decode(out.stdout) + decoder.decode(out.stderr);
  if (text.includes("TRIFECTA_ERROR_CODE: NOT_IMPLEMENTED")) {
    write("(not implemented in this version yet)\n");
    continue;
  }
  const lines = text.trimEnd().split("\n");
  const max = step.maxLines ?? 40;
  write(lines.slice(0, max).join("\n") + "\n");
  if (lines.length > max) write(`… (${lines.length - max} more lines)\n`);
  if (out.code !== 0) {
    failures++;
    write(`(exit code ${out.code})\n`);
  }
}
Deno.exit(failures === 0 ? 0 : 1);
