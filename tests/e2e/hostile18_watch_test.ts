/**
 * Attacker's review of the live configuration in `trifecta watch`
 * (lib/watch/watcher.ts, lib/config/live.ts). The repository owns
 * `trifecta.jsonc`; the user owns their own config file. A deny glob must
 * take the file out of the pack (checked with a real `ctx search -q`, not a
 * usage error), a glob the USER adds must apply whatever the repository's
 * file holds, and a config replaced by a link to a FIFO must hang nothing.
 * The real CLI (`watch --json`) as a subprocess: it is killed at the end
 * whatever happened, and every wait has a deadline (a hang guard, never a
 * timing).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { CLI_FLAGS, MAIN_TS, removeSegment, REPO_ROOT, runCli } from "./helpers.ts";

const DEADLINE_MS = 20_000;

interface Line {
  event: string;
  added?: string[];
  changed?: string[];
  deleted?: string[];
  rescan?: string;
}

/** `trifecta watch --json` with broad flags (the user's config file must be readable). */
class Watch {
  readonly lines: Line[] = [];
  readonly child: Deno.ChildProcess;
  stderr = "";
  #reading: Promise<void>;

  constructor(seg: string, env: Record<string, string>) {
    const args = ["watch", "-s", seg, "--json", "--debounce-ms", "100", "--telemetry", "off"];
    this.child = new Deno.Command(Deno.execPath(), {
      args: ["run", ...CLI_FLAGS, MAIN_TS, ...args],
      cwd: REPO_ROOT,
      env: { ...Deno.env.toObject(), NO_COLOR: "1", ...env },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#reading = Promise.all([this.#out(), this.#err()]).then(() => {});
  }

  async #out(): Promise<void> {
    let rest = "";
    for await (const chunk of this.child.stdout.pipeThrough(new TextDecoderStream())) {
      rest += chunk;
      for (let nl = rest.indexOf("\n"); nl >= 0; nl = rest.indexOf("\n")) {
        this.lines.push(JSON.parse(rest.slice(0, nl)));
        rest = rest.slice(nl + 1);
      }
    }
  }

  async #err(): Promise<void> {
    for await (const chunk of this.child.stderr.pipeThrough(new TextDecoderStream())) {
      this.stderr += chunk;
    }
  }

  seen(list: "added" | "changed" | "deleted"): string[] {
    return this.lines.flatMap((l) => l[list] ?? []);
  }

  /** Wait until `pred` holds; false at the deadline (the caller asserts). */
  async waitFor(pred: () => boolean): Promise<boolean> {
    const until = Date.now() + DEADLINE_MS;
    while (!pred()) {
      if (Date.now() > until) return false;
      await new Promise((r) => setTimeout(r, 20));
    }
    return true;
  }

  async kill(): Promise<void> {
    try {
      this.child.kill("SIGKILL");
    } catch {
      // Already exited.
    }
    await this.child.status;
    await this.#reading.catch(() => {});
  }
}

async function makeSegment(): Promise<string> {
  const seg = await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-h18-watch-" }));
  await Deno.writeTextFile(join(seg, "app.py"), "def serve():\n    return 1\n");
  await Deno.writeTextFile(join(seg, "secret_store.py"), "def zqh18w_keep():\n    return 'a'\n");
  await Deno.writeTextFile(join(seg, "trifecta.jsonc"), "{}\n");
  const built = await runCli(["ctx", "build", "-s", seg]);
  assert.equal(built.code, 0, built.stderr);
  return seg;
}

function baseEnv(home: string): Record<string, string> {
  // Only the config directory moves: HOME stays (Deno's own cache lives under it).
  return { XDG_CONFIG_HOME: join(home, "config") };
}

async function searchHits(seg: string): Promise<string> {
  const r = await runCli(["ctx", "search", "-s", seg, "-q", "zqh18w_keep", "--json"]);
  // A usage error would make any "not found" vacuous.
  assert.doesNotMatch(r.stdout, /USAGE_ERROR/, r.stdout);
  return r.stdout;
}

Deno.test({
  name:
    "h18 watch: a deny glob the user adds to their own config while the repository's trifecta.jsonc is broken takes the file out of the pack",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const seg = await makeSegment();
    const home = await Deno.makeTempDir({ prefix: "trifecta-h18-home-" });
    await Deno.mkdir(join(home, "config", "trifecta"), { recursive: true });
    const userFile = join(home, "config", "trifecta", "config.jsonc");
    await Deno.writeTextFile(userFile, "{}\n");
    const w = new Watch(seg, baseEnv(home));
    try {
      assert.ok(await w.waitFor(() => w.lines.some((l) => l.event === "ready")), w.stderr);
      assert.match(await searchHits(seg), /secret_store/, "in the pack before any glob");
      await Deno.writeTextFile(join(seg, "trifecta.jsonc"), '{ "deny": [ \n');
      await Deno.writeTextFile(userFile, '{ "deny": ["secret_*.py"] }\n');
      await Deno.writeTextFile(join(seg, "app.py"), "def serve():\n    return 2\n");
      assert.ok(await w.waitFor(() => w.seen("changed").includes("app.py")), w.stderr);
      const dropped = await w.waitFor(() => w.seen("deleted").includes("secret_store.py"));
      const hits = await searchHits(seg);
      assert.ok(
        dropped && !/secret_store/.test(hits),
        "the user's deny glob is not applied while the repository's file is broken: " +
          `${JSON.stringify(w.lines)}\n${w.stderr}`,
      );
    } finally {
      await w.kill();
      await removeSegment(seg);
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "h18 watch: a deny glob added while watching leaves the file out of a real ctx search; a link to a FIFO as trifecta.jsonc then hangs nothing and keeps the glob",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const seg = await makeSegment();
    const home = await Deno.makeTempDir({ prefix: "trifecta-h18-home-" });
    const w = new Watch(seg, baseEnv(home));
    try {
      assert.ok(await w.waitFor(() => w.lines.some((l) => l.event === "ready")), w.stderr);
      await Deno.writeTextFile(join(seg, "trifecta.jsonc"), '{ "deny": ["secret_*.py"] }\n');
      assert.ok(
        await w.waitFor(() => w.seen("deleted").includes("secret_store.py")),
        JSON.stringify(w.lines) + w.stderr,
      );
      assert.doesNotMatch(await searchHits(seg), /secret_store/);
      const made = await new Deno.Command("mkfifo", { args: [join(seg, "pipe.fifo")] }).output();
      assert.equal(made.code, 0);
      await Deno.remove(join(seg, "trifecta.jsonc"));
      await Deno.symlink("pipe.fifo", join(seg, "trifecta.jsonc"));
      await Deno.writeTextFile(
        join(seg, "secret_store.py"),
        "def zqh18w_keep():\n    return 'b'\n",
      );
      await Deno.writeTextFile(join(seg, "new.py"), "def fresh():\n    return 3\n");
      assert.ok(
        await w.waitFor(() => w.seen("added").includes("new.py")),
        `watch stopped answering after the FIFO link: ${JSON.stringify(w.lines)}\n${w.stderr}`,
      );
      const back = w.lines.filter((l) =>
        (l.added ?? []).includes("secret_store.py") || (l.changed ?? []).includes("secret_store.py")
      );
      assert.deepEqual(back, [], "the denied file came back");
      assert.doesNotMatch(await searchHits(seg), /secret_store/);
    } finally {
      await w.kill();
      await removeSegment(seg);
      await Deno.remove(home, { recursive: true });
    }
  },
});
