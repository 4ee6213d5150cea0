/**
 * Hostile names and file types (issue 12, classes 7 and 12): invalid UTF-8,
 * escape and newline bytes, a path longer than PATH_MAX, a FIFO, a character
 * device and a socket with source-file names (the last two in their own
 * tests, ignored with a printed reason where they cannot be made). Commands
 * finish (exit 0), skip and count what they cannot read, never crash or
 * hang, and never print a raw control byte that could forge an output line.
 */
import assert from "node:assert/strict";
import {
  assertOk,
  Checks,
  CLI_MODES,
  disposeWorld,
  makeWorld,
  McpSession,
  type Mode,
  newMarker,
  type Run,
  sh,
  shown,
  trifecta,
  type World,
} from "./helpers.ts";

const PY = 'def quokkacanary_fn() -> str:\n    """quokkacanary zebrawhistle"""\n    return \'x\'\n';

interface NamesWorld extends World {
  /** Text of a forged output line hidden in a file name after a newline. */
  forged: string;
}

async function namesWorld(): Promise<NamesWorld> {
  const w = await makeWorld();
  const forged = newMarker("forged").value;
  // Control bytes in names: ESC sequences, a newline that starts a fake line, CR.
  await w.write("\x1b[2J\x1b[31mred.py", PY);
  await w.write(`x\n${forged}: ok.py`, PY);
  await w.write(`cr\r${forged}.md`, "# quokkacanary\n");
  await w.write("docs/\x07bell\x1b]0;title\x07.md", "# quokkacanary zebrawhistle\n");
  // Invalid UTF-8 (a file and a directory); Deno paths are strings, so bash names them.
  await w.write("bad_tmp.py", PY);
  await w.write("dir_tmp/in.py", "x = 1\n");
  await sh(
    `mv bad_tmp.py "$(printf 'bad\\xff\\xfe.py')" && mv dir_tmp "$(printf 'dir\\xc3\\x28')"`,
    w.seg,
  );
  // Deeper than PATH_MAX (4096): 24 levels of 200-character names.
  await sh(
    `d=$(printf 'd%.0s' $(seq 1 200)); for i in $(seq 1 24); do mkdir "$d" && cd "$d" || exit 1; done; ` +
      `printf 'def deep() -> int:\\n    return 1\\n' > deep.py`,
    w.seg,
  );
  // Not regular files with source names: a FIFO (a reader would block). The
  // device and the socket need a capability: their own tests, below.
  await sh(`mkfifo mod.py && mkdir -p pkg2 && mkfifo pkg2/fifo.md`, w.seg);
  return Object.assign(w, { forged });
}

/** A not-regular file with a source name whose creation needs a capability. */
interface Special {
  /** Its name in the segment. */
  file: string;
  /** What it is, for the test name. */
  what: string;
  /** The bash line that creates it in the current directory. */
  make: string;
  /** What is needed, for the SKIPPED line. */
  needs: string;
}

const SPECIALS: Special[] = [
  {
    file: "null.py",
    what: "a character device (/dev/null's)",
    make: "mknod null.py c 1 3",
    needs: "mknod needs root",
  },
  {
    file: "sock.py",
    what: "a Unix socket",
    make: `python3 -c "import socket; s=socket.socket(socket.AF_UNIX); s.bind('sock.py')"`,
    needs: "binding the socket needs python3",
  },
];

/**
 * Why `special` cannot be created here, or undefined when it can: probed
 * once, in a scratch directory, before the tests are declared.
 */
async function cannotMake(special: Special): Promise<string | undefined> {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-hostile-special-probe-" });
  try {
    const out = await new Deno.Command("bash", {
      args: ["-c", special.make],
      cwd: dir,
      stdout: "null",
      stderr: "piped",
    }).output();
    if (out.success) return undefined;
    const err = new TextDecoder().decode(out.stderr).trim();
    return `${special.needs} (${err || `exit ${out.code}`})`;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** No raw C0 control byte but newline and tab, and no line that is the forged one. */
function assertClean(r: Run, forged: string): void {
  const all = r.stdout + r.stderr;
  // deno-lint-ignore no-control-regex
  const ctl = /[\x00-\x08\x0b-\x1f\x7f]/.exec(all);
  assert.equal(
    ctl,
    null,
    `raw control byte 0x${ctl?.[0].charCodeAt(0).toString(16)} printed: ${shown(r)}`,
  );
  const forgedLine = all.split("\n").find((l) => l.startsWith(forged));
  assert.equal(
    forgedLine,
    undefined,
    `a file name forged the output line ${forgedLine}: ${shown(r)}`,
  );
}

/** What the build must report, by reason. */
const REASONS = ["invalid_name", "path_too_long", "not_regular_file"];

for (const mode of [...CLI_MODES, "bundle"] as Mode[]) {
  Deno.test(`hostile names [${mode}]: bad names and file types are skipped and counted, nothing hangs, crashes or forges a line`, async () => {
    const w = await namesWorld();
    const c = new Checks();
    try {
      const runs: Run[] = [];
      const run = async (args: string[]) => {
        const r = await trifecta(w, args, { mode, timeoutMs: 60_000 });
        runs.push(r);
        return r;
      };
      for (const args of [["ast", "skeleton", "."], ["ast", "skeleton", ".", "--json"]]) {
        const r = await run(args);
        c.check(() => assertOk(r));
      }
      const build = await run(["ctx", "build", "--json"]);
      const j = c.check(() => assertOk(build));
      c.check(() => {
        const skipped = (j?.skipped ?? []) as { path: string; reason: string }[];
        const reasons = new Set(skipped.map((s) => s.reason));
        const missing = REASONS.filter((x) => !reasons.has(x));
        assert.deepEqual(
          missing,
          [],
          `[${mode}] ctx build reports no ${missing.join(", ")} skip: ${
            JSON.stringify(skipped).slice(0, 600)
          }`,
        );
        const s = skipped.find((x) => x.path === "mod.py");
        assert.equal(s?.reason, "not_regular_file", `[${mode}] mod.py skip reason`);
      });
      const text = await run(["ctx", "build"]);
      c.check(() => assertOk(text));
      const search = await run(["ctx", "search", "-q", "quokkacanary zebrawhistle", "-l", "50"]);
      c.check(() => assertOk(search));
      const sj = await run([
        "ctx",
        "search",
        "-q",
        "quokkacanary zebrawhistle",
        "-l",
        "50",
        "--json",
      ]);
      c.check(() => assertOk(sj));
      const ids = c.check(() =>
        (JSON.parse(sj.stdout).hits as { id: string }[]).map((h) => h.id)
      ) ?? [];
      if (ids.length > 0) {
        const g = await run(["ctx", "get", "-i", ids.join(","), "-m", "raw", "-b", "100000"]);
        c.check(() => assertOk(g));
      }
      for (const r of runs) if (!r.args.includes("--json")) c.check(() => assertClean(r, w.forged));
      c.done();
    } finally {
      await disposeWorld(w);
    }
  });
}

for (const special of SPECIALS) {
  const why = await cannotMake(special);
  for (const mode of [...CLI_MODES, "bundle"] as Mode[]) {
    const name = `hostile names [${mode}]: ${special.what} named ${special.file} is skipped ` +
      `as not_regular_file, nothing hangs or crashes`;
    if (why !== undefined) console.log(`SKIPPED ${name}: ${why}`);
    Deno.test({ name, ignore: why !== undefined, fn: () => specialCase(special, mode) });
  }
}

async function specialCase(special: Special, mode: Mode): Promise<void> {
  const w = await makeWorld();
  const c = new Checks();
  try {
    await sh(special.make, w.seg);
    const runs: Run[] = [];
    const run = async (args: string[]) => {
      const r = await trifecta(w, args, { mode, timeoutMs: 60_000 });
      runs.push(r);
      return r;
    };
    for (const args of [["ast", "skeleton", "."], ["ast", "skeleton", ".", "--json"]]) {
      const r = await run(args);
      c.check(() => assertOk(r));
    }
    const build = await run(["ctx", "build", "--json"]);
    const j = c.check(() => assertOk(build));
    c.check(() => {
      const skipped = (j?.skipped ?? []) as { path: string; reason: string }[];
      const s = skipped.find((x) => x.path === special.file);
      assert.equal(s?.reason, "not_regular_file", `[${mode}] ${special.file} skip reason`);
    });
    const search = await run(["ctx", "search", "-q", "inventory", "-l", "50"]);
    c.check(() => assertOk(search));
    c.done();
  } finally {
    await disposeWorld(w);
  }
}

Deno.test({
  name:
    "hostile names [mcp]: skeleton, search and get of a segment with bad names answer without raw control bytes",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const w = await namesWorld();
    const c = new Checks();
    let s: McpSession | undefined;
    try {
      const b = await trifecta(w, ["ctx", "build", "--json"], { timeoutMs: 60_000 });
      c.check(() => assertOk(b));
      s = await McpSession.start(w);
      const answers = [
        await s.call("skeleton", { path: ".", budget_tokens: 200_000 }),
        await s.call("search", { query: "quokkacanary zebrawhistle", limit: 50 }),
      ];
      const ids = ((answers[1]?.structured.hits ?? []) as { id: string }[]).map((h) => h.id);
      if (ids.length > 0) answers.push(await s.call("get", { ids, mode: "raw" }));
      for (const a of answers) {
        c.check(() => {
          assert.ok(!a.isError, a.text.slice(0, 400));
          // deno-lint-ignore no-control-regex
          const ctl = /[\x00-\x08\x0b-\x1f\x7f]/.exec(a.text);
          assert.equal(
            ctl,
            null,
            `raw control byte in an MCP answer: ${JSON.stringify(a.text.slice(0, 400))}`,
          );
          assert.ok(
            !a.text.split("\n").some((l) => l.startsWith(w.forged)),
            `a forged line in an MCP answer: ${
              JSON.stringify(a.text.split("\n").find((l) => l.startsWith(w.forged)))
            } in ${JSON.stringify(a.text.slice(0, 300))}`,
          );
        });
      }
      await s.close();
      c.check(() => assert.deepEqual(s!.junk, []));
      c.done();
    } finally {
      await s?.close();
      await disposeWorld(w);
    }
  },
});
