/**
 * The progress line end to end: the real CLI under a real pseudo-terminal
 * (`script` from util-linux) shows it on stderr and erases it; the same
 * command on a pipe shows none; `--json` on stdout stays one JSON object
 * while stderr is the terminal. `TRIFECTA_PROGRESS_DELAY_MS=0` lets a
 * small segment show it (the default waits a second, which a small run
 * never reaches).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { MAIN_TS, narrowFlags, removeSegment, REPO_ROOT, runCli, tempExample } from "./helpers.ts";

const SCRIPT = "/usr/bin/script";
const HAS_SCRIPT = (() => {
  try {
    return Deno.statSync(SCRIPT).isFile;
  } catch (err) {
    // Not installed (util-linux): the terminal tests are skipped, said below.
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
})();
if (!HAS_SCRIPT) {
  console.log(`skipping the terminal progress tests: ${SCRIPT} (util-linux) is absent`);
}

const ENV = { TRIFECTA_NO_TELEMETRY: "1", TRIFECTA_PROGRESS_DELAY_MS: "0", NO_COLOR: "1" };

function quote(arg: string): string {
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** Run the CLI with stderr (and stdout, unless redirected by `tail`) on a pseudo-terminal. */
async function onTerminal(
  args: readonly string[],
  options: { tail?: string; env?: Record<string, string> } = {},
): Promise<{ code: number; screen: string }> {
  const cli = [Deno.execPath(), "run", ...narrowFlags(args), MAIN_TS, ...args].map(quote).join(" ");
  const out = await new Deno.Command(SCRIPT, {
    args: ["-qfec", `${cli}${options.tail ?? ""}`, "/dev/null"],
    cwd: REPO_ROOT,
    env: { ...ENV, ...options.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, screen: new TextDecoder().decode(out.stdout) };
}

Deno.test({
  name:
    "e2e progress: ast skeleton of a directory on a terminal shows the line, then erases it before the outline",
  ignore: !HAS_SCRIPT,
  async fn() {
    const dir = await tempExample();
    try {
      const { code, screen } = await onTerminal(["ast", "skeleton", "src", "-s", dir]);
      assert.equal(code, 0, screen);
      const line = screen.indexOf("ast skeleton: ");
      assert.ok(line >= 0, `a progress line: ${JSON.stringify(screen.slice(0, 400))}`);
      assert.match(screen, /ast skeleton: \d+\/\d+ files \(\d+%\)/);
      const erased = screen.lastIndexOf("\r\x1b[K");
      const outline = screen.indexOf("src/inventory/");
      assert.ok(erased > line && erased < outline, "erased before the outline prints");
    } finally {
      await removeSegment(dir);
    }
  },
});

Deno.test({
  name: "e2e progress: map on a terminal shows the line; --json to a file stays one JSON object",
  ignore: !HAS_SCRIPT,
  async fn() {
    const dir = await tempExample();
    const json = join(dir, "map.json");
    try {
      const args = ["map", "-s", dir, "--json"];
      const { code, screen } = await onTerminal(args, { tail: ` > ${quote(json)}` });
      assert.equal(code, 0, screen);
      assert.match(screen, /map: \d+\/\d+ files/);
      const parsed = JSON.parse(await Deno.readTextFile(json));
      assert.equal(parsed.status, "ok");
      assert.ok(!(await Deno.readTextFile(json)).includes("\x1b"), "no control sequence on stdout");
    } finally {
      await removeSegment(dir);
    }
  },
});

Deno.test({
  name:
    "e2e progress: ctx build and ctx sync on a terminal show their stages, erased before the report",
  ignore: !HAS_SCRIPT,
  async fn() {
    const dir = await tempExample();
    try {
      for (const command of ["build", "sync"]) {
        const { code, screen } = await onTerminal(["ctx", command, "-s", dir]);
        assert.equal(code, 0, screen);
        const line = screen.indexOf(`ctx ${command}: `);
        assert.ok(line >= 0, `a progress line: ${JSON.stringify(screen.slice(0, 400))}`);
        assert.match(screen, new RegExp(`ctx ${command}: (walk|chunk|index|commit) \\d+/\\d+`));
        const erased = screen.lastIndexOf("\r\x1b[K");
        const report = screen.search(/Built |Synced /);
        assert.ok(erased > line && erased < report, "erased before the report prints");
      }
    } finally {
      await removeSegment(dir);
    }
  },
});

Deno.test("e2e progress: a pipe gets no progress line, only the answer", async () => {
  const dir = await tempExample();
  try {
    const runs = [["ast", "skeleton", "src", "-s", dir], ["map", "-s", dir], [
      "ctx",
      "build",
      "-s",
      dir,
    ]];
    for (const args of runs) {
      const r = await runCli(args, { env: ENV });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, "", `${args[0]}: nothing on stderr`);
      assert.ok(!r.stdout.includes("\x1b"), `${args[0]}: no control sequence`);
    }
  } finally {
    await removeSegment(dir);
  }
});

Deno.test({
  name: "e2e progress: TRIFECTA_PROGRESS=0 keeps a terminal quiet",
  ignore: !HAS_SCRIPT,
  async fn() {
    const dir = await tempExample();
    try {
      const args = ["ast", "skeleton", "src", "-s", dir];
      const { code, screen } = await onTerminal(args, { env: { TRIFECTA_PROGRESS: "0" } });
      assert.equal(code, 0, screen);
      assert.ok(screen.includes("src/inventory/"), "the outline printed");
      assert.ok(!screen.includes("ast skeleton: "), "no progress line");
    } finally {
      await removeSegment(dir);
    }
  },
});
