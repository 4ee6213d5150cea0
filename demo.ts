/**
 * `deno task demo`: runs trifecta on a temporary copy of the example project
 * in `fixtures/example` and shows each command with its output, ending with the
 * telemetry report. Every step runs the real CLI as a subprocess with the
 * documented permission flags.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { permissionFlags } from "./tools/permissions.ts";

const root = fileURLToPath(new URL(".", import.meta.url));
const source = fileURLToPath(new URL("./fixtures/example", import.meta.url));
// A fresh copy each run, so "cold" is cold and the checkout stays clean.
const example = await Deno.makeTempDir({ prefix: "trifecta-demo-" });
await copyTree(source, example);
// A second segment: the small projects of other registry languages, side by side.
const POLYGLOT_LANGUAGES = ["go", "rust", "java", "ruby"];
const polyglot = await Deno.makeTempDir({ prefix: "trifecta-demo-polyglot-" });
for (const lang of POLYGLOT_LANGUAGES) {
  await copyTree(
    fileURLToPath(new URL(`./fixtures/${lang}`, import.meta.url)),
    `${polyglot}/${lang}`,
  );
}
// The documented narrow flags: read the segment (and the AST worker's code),
// write its _ctx/ and .trifecta/ only, run Deno (pyright runs under it);
// `lsp` commands also get the daemon's runtime directory and socket.
function flagsFor(args: readonly string[], segment = example): string[] {
  return permissionFlags({ segment, codeDirs: [`${root}lib`], daemon: args[0] === "lsp" });
}

async function copyTree(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    if (entry.name === "_ctx" || entry.name === ".trifecta") continue; // state of earlier runs
    if (entry.isDirectory) await copyTree(`${from}/${entry.name}`, `${to}/${entry.name}`);
    else if (entry.isFile) await Deno.copyFile(`${from}/${entry.name}`, `${to}/${entry.name}`);
  }
}

interface Step {
  /** What the step shows. */
  title: string;
  /** CLI arguments (the segment is added). */
  args: string[];
  /** Show at most this many lines of output. */
  maxLines?: number;
  /** Run on the polyglot segment instead of the example. */
  polyglot?: boolean;
}

const steps: Step[] = [
  {
    title: "Skeleton of the example project (fills the persistent AST cache)",
    args: ["ast", "skeleton", "src", "web", "--persist-cache"],
    maxLines: 60,
  },
  // Other registry languages: one grammar and query file each, the same pipeline.
  ...POLYGLOT_LANGUAGES.map((lang): Step => ({
    title: `The same for ${lang} (a copy of fixtures/${lang}): one registry of languages as data`,
    args: ["ast", "skeleton", lang],
    maxLines: 22,
    polyglot: true,
  })),
  {
    title: "Resolve a method by sym:// URI (served from the cache)",
    args: [
      "ast",
      "symbols",
      "sym://python/type/src/inventory/models/Inventory#add",
      "--persist-cache",
    ],
  },
  {
    title: "A class, skeleton mode: signature, doc line, members",
    args: [
      "ast",
      "snippet",
      "sym://python/type/src/inventory/models/Inventory",
      "--mode",
      "skeleton",
    ],
  },
  {
    title: "A function, excerpt mode",
    args: [
      "ast",
      "snippet",
      "sym://python/type/src/inventory/service.restock",
      "--mode",
      "excerpt",
    ],
  },
  {
    title: "Where is `get` (service.py line 13, column 22) defined? (pyright, one-shot)",
    args: ["lsp", "definition", "src/inventory/service.py:13:22"],
  },
  { title: "AST cache statistics", args: ["cache", "stats"] },
  { title: "Build the context pack", args: ["ctx", "build"] },
  { title: "Search the pack", args: ["ctx", "search", "-q", "restock inventory", "-l", "3"] },
  {
    title: "Read the best hit, skeleton mode, with the PD_REPORT line",
    args: ["ctx", "get", "-i", "@first-hit", "-m", "skeleton", "--pd-report"],
  },
  { title: "Telemetry report", args: ["telemetry", "report"], maxLines: 40 },
  { title: "Telemetry health", args: ["telemetry", "health"] },
];

const decoder = new TextDecoder();
const write = (s: string) => Deno.stdout.writeSync(new TextEncoder().encode(s));
let failures = 0;
/** The id of the first hit of the demo's search (for the `ctx get` step). */
async function firstHitId(): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...flagsFor(["ctx"]),
      `${root}main.ts`,
      "ctx",
      "search",
      "-q",
      "restock inventory",
      "-l",
      "1",
      "--json",
      "--telemetry",
      "off",
      "-s",
      example,
    ],
    stdout: "piped",
    stderr: "null",
  }).output();
  const hits = JSON.parse(decoder.decode(out.stdout)).hits as { id: string }[];
  const first = hits[0];
  if (first === undefined) throw new Error("the demo search found nothing to get");
  return first.id;
}

for (const step of steps) {
  if (step.args.includes("@first-hit")) {
    const id = await firstHitId();
    step.args = step.args.map((a) => (a === "@first-hit" ? id : a));
  }
  const segment = step.polyglot ? polyglot : example;
  const shown = step.polyglot ? "<copies of fixtures/{go,rust,java,ruby}>" : "fixtures/example";
  write(`\n=== ${step.title}\n$ trifecta ${step.args.join(" ")} -s ${shown}\n`);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...flagsFor(step.args, segment), `${root}main.ts`, ...step.args, "-s", segment],
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
await Deno.remove(example, { recursive: true });
await Deno.remove(polyglot, { recursive: true });
Deno.exit(failures === 0 ? 0 : 1);
