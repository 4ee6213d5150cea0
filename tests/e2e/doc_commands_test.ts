/**
 * Every command shown in README.md and docs/*.md runs as written.
 *
 * The commands are read from the documents when this file loads, so a new
 * one is picked up without touching this test: every ```sh/bash/shell/console
 * block, and every inline code span that is a complete command. A bare ```
 * fence fails (the author says ```sh or ```text). Each block runs through
 * bash with `set -euo pipefail` from a copy of the checkout; one document's
 * blocks run in order as one terminal session (`REPO=…` and `FLAGS=…` of one
 * block serve the next). Only the placeholders of plan.ts are substituted
 * (`/path/to/repo`, `$REPO`, `host:port`, `/work/bench-corpus`, `/tmp/<name>`,
 * `src.pkg.mod`; `deno` is the Deno running this test); any other
 * placeholder fails. A command needing a tool that is not installed
 * (hyperfine, repomix, python3, jq, …) prints `SKIPPED <name>: <reason>` and
 * is reported as ignored; benchmark scripts run on a tiny corpus with the
 * smallest iteration counts. Each command must exit 0 without a stack trace,
 * and where the document states an outcome, that outcome must hold.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { REPO_ROOT } from "./helpers.ts";
import {
  commandName,
  type DocCommand,
  documents,
  planAll,
  planDocument,
} from "./doc_commands/plan.ts";
import {
  closeSession,
  ensureCorpus,
  openSession,
  runShell,
  serve,
  type Served,
  type Session,
  type ShellResult,
  substitute,
  TINY_MCP_CALLS,
} from "./doc_commands/session.ts";

/** Iteration counts for the benchmark scripts when a command leaves them unset. */
const SMALLEST_ITERATIONS = { RUNS: "2", COLD_RUNS: "2", WARM_RUNS: "2", READY_RUNS: "1" };

/** What a user should never see, whatever the command. */
const CRASH =
  /error: Uncaught|Stack backtrace|INTERNAL_ERROR|Traceback \(most recent call last\)|panicked at/;

/** An outcome a document states for a command. */
interface Outcome {
  /** Commands it applies to. */
  applies: RegExp;
  /** Whether a non-zero exit is the documented outcome. */
  acceptsFailure?: (r: ShellResult) => boolean;
  /** Check it. */
  check: (r: ShellResult, s: Session) => Promise<void>;
}

const OUTCOMES: Outcome[] = [
  {
    // README: "deno task bundle  # -> dist/trifecta.js (grammars inlined)".
    applies: /\bdeno task bundle\b/,
    check: async (_r, s) => {
      const info = await Deno.stat(join(s.checkout, "dist", "trifecta.js"));
      assert.ok(info.isFile && info.size > 0, "deno task bundle left no dist/trifecta.js");
    },
  },
  {
    // README: builds dist/trifecta; without denort "it stops with a COMPILE_FAILED card that says so".
    applies: /\bdeno task compile\b/,
    acceptsFailure: (r) => r.code === 1 && /TRIFECTA_ERROR_CODE: COMPILE_FAILED/.test(r.stderr),
    check: async (r, s) => {
      if (r.code !== 0) {
        assert.match(r.stderr, /DENORT_BIN/, "the COMPILE_FAILED card names DENORT_BIN");
        return;
      }
      const v = await new Deno.Command(join(s.checkout, "dist", "trifecta"), {
        args: ["--version"],
        stdout: "piped",
      }).output();
      assert.match(new TextDecoder().decode(v.stdout), /^trifecta \d+\.\d+\.\d+/);
    },
  },
  {
    // README: "`deno task cli --help` lists the command groups".
    applies: /\bdeno task cli --help\b/,
    check: (r) => {
      for (const group of ["ast", "cache", "lsp", "ctx", "telemetry", "mcp"]) {
        assert.match(r.stdout, new RegExp(`^\\s+${group}\\b`, "m"), `--help lists ${group}`);
      }
      return Promise.resolve();
    },
  },
  {
    // benchmarks.md and telemetry_concurrency.md: 0 lost, 0 corrupt.
    applies: /bench\/telemetry_concurrency\.ts/,
    check: (r) => {
      assert.match(r.stdout, /"lost": 0\b/, "no event lost");
      assert.match(r.stdout, /"corrupt": 0\b/, "no corrupt line");
      return Promise.resolve();
    },
  },
];

function onPath(name: string): boolean {
  if (name.startsWith("/")) return exists(name);
  return (Deno.env.get("PATH") ?? "").split(":").some((d) => d !== "" && exists(join(d, name)));
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory) {
      return false;
    }
    throw err;
  }
}

/** Why a command cannot run here, if it cannot. */
function missingTools(c: DocCommand): string | undefined {
  const missing = c.needs.filter((tool) => {
    if (tool === "repomix") {
      const peers = Deno.env.get("PEERS") ?? "/work/peers";
      return !exists(join(peers, "node_modules", ".bin", "repomix"));
    }
    return !onPath(tool);
  });
  if (missing.length === 0) return undefined;
  return `${missing.join(", ")} not installed`;
}

const commands = planAll(documents(REPO_ROOT), REPO_ROOT);
const sessions = new Map<string, Promise<Session>>();
const done = new Set<DocCommand>();
const failed = new Set<DocCommand>();
const pending = new Map<string, number>();

/** Roots of open sessions, removed on unload if a filtered run never closed them. */
const openRoots = new Set<string>();

function sessionFor(doc: string): Promise<Session> {
  let s = sessions.get(doc);
  if (!s) {
    s = openSession().then((x) => (openRoots.add(x.root), x));
    sessions.set(doc, s);
  }
  return s;
}

/** Remove a document's session once its last registered command ran. */
async function finished(doc: string): Promise<void> {
  const left = (pending.get(doc) ?? 1) - 1;
  pending.set(doc, left);
  const s = sessions.get(doc);
  if (left === 0 && s) {
    sessions.delete(doc);
    const x = await s;
    openRoots.delete(x.root);
    await closeSession(x);
  }
}

/** Run one command in its document's session. */
async function execute(c: DocCommand, s: Session): Promise<ShellResult> {
  let served: Served | undefined;
  const env: Record<string, string> = { ...SMALLEST_ITERATIONS };
  if (/\/work\/bench-corpus\b/.test(c.script)) {
    await ensureCorpus(s);
    env.MCP_BENCH_CALLS = TINY_MCP_CALLS;
  }
  if (c.script.includes("host:port")) served = await serve(s);
  try {
    const script = substitute(c.script, s, served?.port);
    return await runShell(s, script, { keepState: c.kind === "block", env });
  } finally {
    await served?.stop();
  }
}

function report(c: DocCommand, r: ShellResult): string {
  const tail = (t: string, n: number) => t.trimEnd().split("\n").slice(-n).join("\n");
  // Error cards and crashes anywhere in the output (a demo prints them mid-way).
  const errors = `${r.stdout}\n${r.stderr}`.split("\n").filter((l) =>
    CRASH.test(l) || /TRIFECTA_ERROR_CODE|^CAUSE:/.test(l)
  );
  return `${c.doc}:${c.line} exited ${r.code}\n--- command as written:\n${c.written}\n` +
    (errors.length > 0 ? `--- error lines:\n${errors.slice(0, 12).join("\n")}\n` : "") +
    `--- stderr (end):\n${tail(r.stderr, 30)}\n--- stdout (end):\n${tail(r.stdout, 15)}`;
}

/** Shell variables a script assigns. */
function assigned(script: string): Set<string> {
  const names = script.matchAll(/(?:^|[;&|]\s*|\bexport\s+)([A-Za-z_]\w*)=/gm);
  return new Set([...names].map((m) => m[1] ?? ""));
}

/** Shell variables a script reads. */
function used(script: string): Set<string> {
  return new Set([...script.matchAll(/\$\{?([A-Za-z_]\w*)/g)].map((m) => m[1] ?? ""));
}

/**
 * The earlier blocks of `c`'s document that set variables it reads (and
 * what those build on), in order: what a reader pasted before it.
 */
function earlierBlocks(c: DocCommand): DocCommand[] {
  const before = commands.filter((o) =>
    o.doc === c.doc && o.kind === "block" && o.line < c.line && runnable(o)
  );
  const needed = new Set<DocCommand>();
  let wants = used(c.script);
  for (const b of before.toReversed()) {
    const sets = assigned(b.script);
    if (![...wants].some((v) => sets.has(v))) continue;
    needed.add(b);
    wants = new Set([...wants, ...used(b.script)]);
  }
  return before.filter((b) => needed.has(b));
}

function runnable(c: DocCommand): boolean {
  return c.problems.length === 0 && c.notRun === undefined && missingTools(c) === undefined;
}

for (const c of commands) {
  const name = commandName(c);
  if (c.problems.length > 0) {
    Deno.test(name, () => {
      assert.fail(`${c.doc}:${c.line}: ${c.problems.join("; ")}\n--- as written:\n${c.written}`);
    });
    continue;
  }
  if (c.notRun !== undefined) {
    // Shown more than once: it runs where it is named first.
    if (/^(?:run as part of|same command as) /.test(c.notRun)) continue;
    console.log(`SKIPPED ${name}: ${c.notRun}`);
    Deno.test({ name, ignore: true, fn: () => {} });
    continue;
  }
  const missing = missingTools(c);
  if (missing !== undefined) {
    console.log(`SKIPPED ${name}: ${missing}`);
    Deno.test({ name, ignore: true, fn: () => {} });
    continue;
  }
  for (const note of c.notes) console.log(`NOTE ${name}: ${note}`);
  pending.set(c.doc, (pending.get(c.doc) ?? 0) + 1);
  Deno.test(name, async () => {
    try {
      const s = await sessionFor(c.doc);
      // A block builds on the blocks before it; under a test filter they may not have run.
      for (const before of c.kind === "block" ? earlierBlocks(c) : []) {
        if (done.has(before)) continue;
        assert.ok(!failed.has(before), `builds on ${commandName(before)}, which failed`);
        const r = await execute(before, s);
        assert.equal(r.code, 0, `an earlier block this one builds on failed: ${report(before, r)}`);
        done.add(before);
      }
      failed.add(c);
      const r = await execute(c, s);
      const outcome = OUTCOMES.find((o) => o.applies.test(c.script));
      if (r.code !== 0 && !outcome?.acceptsFailure?.(r)) assert.fail(report(c, r));
      assert.doesNotMatch(r.stderr, CRASH, report(c, r));
      assert.doesNotMatch(r.stdout, CRASH, report(c, r));
      await outcome?.check(r, s);
      failed.delete(c);
      done.add(c);
    } finally {
      await finished(c.doc);
    }
  });
}

globalThis.addEventListener("unload", () => {
  // A filtered run leaves sessions whose last command never ran.
  for (const root of openRoots) Deno.removeSync(root, { recursive: true });
});

// The machinery itself: each of these would let a broken doc command pass.

Deno.test("doc commands: a bare fence, an unknown placeholder and a missing script are problems", () => {
  const md = [
    "Run:",
    "```",
    "deno task demo",
    "```",
    "```sh",
    "deno run main.ts ast skeleton src -s /path/to/project",
    "deno run -A bench/no_such_bench.ts <segment>",
    "```",
  ].join("\n");
  const [bare, sh] = planDocument("x.md", md, REPO_ROOT);
  assert.match(bare?.problems.join() ?? "", /bare ``` fence/);
  const problems = sh?.problems.join() ?? "";
  assert.match(problems, /unknown placeholder `\/path\/to\/project`/);
  assert.match(problems, /unknown placeholder `<segment>`/);
  assert.match(problems, /bench\/no_such_bench\.ts, which does not exist/);
});

Deno.test("doc commands: inline spans run only when they are complete commands", () => {
  const md = "Use `deno task demo`, not `deno task`, `deno task cli lsp hover`, " +
    "`trifecta ctx build`, `deno run <flags> main.ts`, `hyperfine -N -r 10` or `-s DIR`.";
  assert.deepEqual(planDocument("x.md", md, REPO_ROOT).map((c) => c.written), ["deno task demo"]);
});

Deno.test("doc commands: a block sees the variables and directory of the block before it", async () => {
  const s = await openSession();
  try {
    const first = await runShell(s, 'FLAGS="--a \\\n  --b=$REPO"\ncd lib', { keepState: true });
    assert.equal(first.code, 0, first.stderr);
    const second = await runShell(s, 'echo "$FLAGS|$PWD|${NO_COLOR-unset}"', { keepState: true });
    assert.equal(second.stdout, `--a   --b=${s.segment}|${s.checkout}/lib|unset\n`);
  } finally {
    await closeSession(s);
  }
});

Deno.test("doc commands: a failing line or an unset variable stops the block", async () => {
  const s = await openSession();
  try {
    const failing = await runShell(s, "false\necho reached", { keepState: true });
    assert.equal(failing.code, 1);
    assert.equal(failing.stdout, "");
    assert.match(failing.stderr, /line 1 of the block failed/);
    const unset = await runShell(s, "echo $NOT_SET_ANYWHERE", { keepState: true });
    assert.notEqual(unset.code, 0);
    const piped = await runShell(s, "false | cat\necho reached", { keepState: true });
    assert.notEqual(piped.code, 0);
  } finally {
    await closeSession(s);
  }
});
