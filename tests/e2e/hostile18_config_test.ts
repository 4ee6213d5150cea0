/**
 * Attacker's review of the live configuration (lib/config/live.ts,
 * lib/mcp/live_session.ts): a running `trifecta mcp` re-checks
 * `trifecta.jsonc` (which the repository controls) and the user's file
 * before each call. The repository tries to keep a file served after a
 * `deny` glob for it was added, to hang the session through the reload
 * path, or to make it leak threads, descriptors and processes by making it
 * rebuild again and again. Official SDK client, the real server; every
 * call has the SDK's timeout as its hang guard and the server is killed by
 * pid at the end whatever happened.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { CLI_FLAGS, MAIN_TS, removeSegment, runCli } from "./helpers.ts";

/** Text only the file to deny holds. */
const BODY = "ZQH18_BODY_MARKER";

interface Answer {
  isError?: boolean;
  content?: { type: string; text?: string }[];
  structuredContent?: Record<string, unknown>;
}

interface Session {
  call(name: string, args: Record<string, unknown>): Promise<Answer>;
  pid(): number | undefined;
  stderr(): string;
  close(): Promise<void>;
}

async function openSession(
  seg: string,
  env: Record<string, string>,
  extra: string[] = ["--no-watch"],
): Promise<Session> {
  const args = ["mcp", "-s", seg, ...extra, "--telemetry", "off"];
  const transport = new StdioClientTransport({
    command: Deno.execPath(),
    // Broad flags: the user's config file (XDG_CONFIG_HOME) must be readable.
    args: ["run", ...CLI_FLAGS, MAIN_TS, ...args],
    env: { ...Deno.env.toObject(), NO_COLOR: "1", TRIFECTA_LSP: "0", ...env },
    stderr: "pipe",
  });
  let err = "";
  const client = new Client({ name: "trifecta-hostile18", version: "1.0.0" });
  await client.connect(transport);
  const stream = transport.stderr;
  const reading = (async () => {
    if (stream === null) return;
    for await (const chunk of stream) err += new TextDecoder().decode(chunk as Uint8Array);
  })();
  const pid = transport.pid ?? undefined;
  return {
    // A call that hangs fails the test after 30 s (the SDK's timeout): the hang guard.
    call: async (name, a) =>
      await client.callTool({ name, arguments: a }, undefined, { timeout: 30_000 }) as Answer,
    pid: () => pid,
    stderr: () => err,
    close: async () => {
      await client.close().catch(() => {});
      // Whatever state the server is in, it does not outlive the test.
      if (pid !== undefined) {
        try {
          Deno.kill(pid, "SIGKILL");
        } catch {
          // Already gone: the normal case after close().
        }
      }
      await reading.catch(() => {});
    },
  };
}

function text(a: Answer): string {
  return JSON.stringify(a);
}

async function makeSegment(): Promise<string> {
  const seg = await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-h18-cfg-" }));
  await Deno.writeTextFile(join(seg, "app.py"), "def serve():\n    return zqh18_key()\n");
  await Deno.writeTextFile(
    join(seg, "secret_store.py"),
    `def zqh18_key():\n    value = "${BODY}"\n    return value\n`,
  );
  const built = await runCli(["ctx", "build", "-s", seg]);
  assert.equal(built.code, 0, built.stderr);
  return seg;
}

async function secretUri(s: Session): Promise<string> {
  const sk = await s.call("skeleton", { path: "secret_store.py" });
  const uri = /sym:\/\/[^"\\]*zqh18_key[^"\\]*/.exec(text(sk))?.[0];
  assert.ok(uri, `no URI in ${text(sk)}`);
  return uri;
}

/** Every way the session could serve the denied file's text. */
async function servedBody(s: Session, uri: string): Promise<string[]> {
  const out: string[] = [];
  const snippet = await s.call("snippet", { uri, mode: "raw" });
  if (new RegExp(BODY).test(text(snippet)) || snippet.isError !== true) out.push("snippet");
  const sk = await s.call("skeleton", { path: "secret_store.py" });
  if (sk.isError !== true) out.push("skeleton");
  const found = await s.call("search", { query: "zqh18_key value" });
  if (/secret_store|value = /.test(text(found))) out.push("search");
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test({
  name:
    "h18 config: a deny glob the user adds to their own config mid-session applies even while the repository's trifecta.jsonc is broken",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const seg = await makeSegment();
    const home = await Deno.makeTempDir({ prefix: "trifecta-h18-home-" });
    await Deno.mkdir(join(home, "trifecta"));
    const userFile = join(home, "trifecta", "config.jsonc");
    await Deno.writeTextFile(userFile, "{}\n");
    await Deno.writeTextFile(join(seg, "trifecta.jsonc"), "{}\n");
    const s = await openSession(seg, { XDG_CONFIG_HOME: home });
    try {
      const uri = await secretUri(s);
      assert.ok((await servedBody(s, uri)).includes("snippet"), "served before any glob");
      // The repository breaks its own file (it may: it is its file) ...
      await Deno.writeTextFile(join(seg, "trifecta.jsonc"), '{ "deny": [ \n');
      await s.call("skeleton", { path: "app.py" });
      // ... then the user, seeing the secret served, denies it in THEIR file.
      await Deno.writeTextFile(userFile, '{ "deny": ["secret_*.py"] }\n');
      const served = await servedBody(s, uri);
      assert.deepEqual(
        served,
        [],
        "the user's new deny glob is not applied while the repository's file is broken: " +
          `served by ${served.join(", ")}\n${s.stderr()}`,
      );
    } finally {
      await s.close();
      await removeSegment(seg);
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "h18 config: the repository's trifecta.jsonc cannot take back a deny glob of the user's config mid-session (empty list, negation, re-include, trust claims)",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const seg = await makeSegment();
    const home = await Deno.makeTempDir({ prefix: "trifecta-h18-home-" });
    await Deno.mkdir(join(home, "trifecta"));
    await Deno.writeTextFile(
      join(home, "trifecta", "config.jsonc"),
      '{ "deny": ["secret_*.py"] }\n',
    );
    const file = join(seg, "trifecta.jsonc");
    const s = await openSession(seg, { XDG_CONFIG_HOME: home });
    try {
      const skeleton = await s.call("skeleton", { path: "app.py" });
      assert.notEqual(skeleton.isError, true, text(skeleton));
      const attempts = [
        '{ "deny": [] }\n',
        '{ "deny": ["!secret_*.py"] }\n',
        '{ "ignore": ["!secret_*.py"], "deny": ["other.txt"] }\n',
        '{ "trusted": true, "deny": [] }\n',
        '{ "deny": ["secret_store.py/.."] }\n',
      ];
      const failures: string[] = [];
      for (const body of attempts) {
        await Deno.writeTextFile(file, body);
        const sk = await s.call("skeleton", { path: "secret_store.py" });
        const found = await s.call("search", { query: "zqh18_key value" });
        if (sk.isError !== true || /secret_store|value = /.test(text(found))) {
          failures.push(`${body.trim()}: ${text(sk).slice(0, 200)}`);
        }
      }
      assert.deepEqual(failures, [], s.stderr());
    } finally {
      await s.close();
      await removeSegment(seg);
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "h18 config: a same-size rewrite of trifecta.jsonc with its mtime put back (touch -r), long after the last check, is still seen",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const seg = await makeSegment();
    const file = join(seg, "trifecta.jsonc");
    // Same length: only the glob's first letters differ.
    const lax = '{ "deny": ["zzzzzz_*.py"] }\n';
    const strict = '{ "deny": ["secret_*.py"] }\n';
    assert.equal(lax.length, strict.length);
    await Deno.writeTextFile(file, lax);
    const ref = join(seg, "..", `h18-ref-${crypto.randomUUID()}`);
    await Deno.writeTextFile(ref, "");
    const old = new Date(Date.now() - 3_600_000);
    await Deno.utime(file, old, old);
    await Deno.utime(ref, old, old);
    const s = await openSession(seg, {});
    try {
      const uri = await secretUri(s);
      // Past the racy window: the stamp of the next check is "settled".
      await sleep(2_500);
      assert.ok((await servedBody(s, uri)).includes("snippet"));
      await sleep(2_500);
      assert.ok((await servedBody(s, uri)).includes("snippet"));
      // Same size, same mtime (and atime): only the change time moves.
      await Deno.writeTextFile(file, strict);
      const cmd = await new Deno.Command("touch", { args: ["-r", ref, file] }).output();
      assert.equal(cmd.code, 0);
      const info = await Deno.stat(file);
      assert.equal(info.mtime?.getTime(), old.getTime());
      const served = await servedBody(s, uri);
      assert.deepEqual(served, [], `served by ${served.join(", ")}`);
    } finally {
      await s.close();
      await removeSegment(seg);
      await Deno.remove(ref).catch(() => {});
    }
  },
});

/** Replacements of trifecta.jsonc the loader must refuse without hanging, keeping the glob. */
const HOSTILE: { name: string; make: (seg: string, file: string) => Promise<void> }[] = [
  {
    name: "a hard link to a file without the glob",
    make: async (seg, file) => {
      await Deno.writeTextFile(join(seg, "lax.txt"), "{}\n");
      await Deno.link(join(seg, "lax.txt"), file);
    },
  },
  {
    name: "a directory",
    make: async (_seg, file) => {
      await Deno.mkdir(file);
      await Deno.writeTextFile(join(file, "x"), "{}\n");
    },
  },
  {
    name: "a symlink inside the segment to a FIFO",
    make: async (seg, file) => {
      const made = await new Deno.Command("mkfifo", { args: [join(seg, "pipe.jsonc")] }).output();
      assert.equal(made.code, 0);
      await Deno.symlink("pipe.jsonc", file);
    },
  },
  {
    name: "a symlink to /dev/zero",
    make: (_seg, file) => Deno.symlink("/dev/zero", file),
  },
  {
    name: "a dangling symlink",
    make: (_seg, file) => Deno.symlink("nowhere.jsonc", file),
  },
  {
    name: "a symlink loop",
    make: (_seg, file) => Deno.symlink("trifecta.jsonc", file),
  },
  {
    name: "a file of NUL bytes",
    make: (_seg, file) => Deno.writeFile(file, new Uint8Array(4096)),
  },
];

async function clear(seg: string, file: string): Promise<void> {
  await Deno.remove(file, { recursive: true }).catch(() => {});
  for (const extra of ["lax.txt", "pipe.jsonc"]) {
    await Deno.remove(join(seg, extra)).catch(() => {});
  }
}

Deno.test({
  name:
    "h18 config: trifecta.jsonc replaced by a hard link, a directory, a link to a FIFO or /dev/zero, a dangling link, a loop or NUL bytes keeps the deny glob and hangs nothing",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const seg = await makeSegment();
    const file = join(seg, "trifecta.jsonc");
    const s = await openSession(seg, {});
    try {
      const uri = await secretUri(s);
      await Deno.writeTextFile(file, '{ "deny": ["secret_*.py"] }\n');
      assert.deepEqual(await servedBody(s, uri), []);
      const failures: string[] = [];
      for (const hostile of HOSTILE) {
        await clear(seg, file);
        await hostile.make(seg, file);
        for (let i = 0; i < 2; i++) {
          const served = await servedBody(s, uri);
          if (served.length > 0) failures.push(`${hostile.name}: ${served.join(", ")}`);
        }
      }
      assert.deepEqual(failures, [], s.stderr());
      // Deleted, then recreated with the glob at once: still denied; then re-allowed by `{}`.
      await clear(seg, file);
      await Deno.writeTextFile(file, '{ "deny": ["secret_*.py"] }\n');
      assert.deepEqual(await servedBody(s, uri), []);
      await Deno.writeTextFile(file, "{}\n");
      assert.ok((await servedBody(s, uri)).includes("snippet"), "a config that loads applies");
    } finally {
      await s.close();
      await clear(seg, file);
      await removeSegment(seg);
    }
  },
});

async function shell(cmd: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "null" }).output();
  return new TextDecoder().decode(out.stdout);
}

/**
 * Threads, open descriptors and live descendant processes of `pid`, read by
 * `ps` and `ls` (Deno asks for --allow-all to read /proc itself).
 */
async function footprint(
  pid: number,
): Promise<{ threads: number; fds: number; kids: number; fdKinds: Record<string, number> }> {
  const threads = Number((await shell("ps", ["-o", "nlwp=", "-p", String(pid)])).trim());
  const listed = (await shell("ls", ["-l", `/proc/${pid}/fd`])).split("\n")
    .filter((l) => l.includes(" -> "));
  const fdKinds: Record<string, number> = {};
  for (const l of listed) {
    // What the descriptor is, without its number: `socket:[…]`, `anon_inode:inotify`, a path.
    const kind = (l.split(" -> ")[1] ?? "").replace(/\[\d+\]$/, "").replace(
      /^\/tmp\/[^/]+/,
      "<seg>",
    );
    fdKinds[kind] = (fdKinds[kind] ?? 0) + 1;
  }
  const fds = listed.length;
  const parents = new Map<number, number>();
  for (const line of (await shell("ps", ["-e", "-o", "pid=,ppid=,stat="])).split("\n")) {
    const [p, pp, st] = line.trim().split(/\s+/);
    if (p === undefined || pp === undefined || st === undefined || st.startsWith("Z")) continue;
    parents.set(Number(p), Number(pp));
  }
  const mine = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [p, pp] of parents) {
      if (!mine.has(p) && mine.has(pp)) {
        mine.add(p);
        grew = true;
      }
    }
  }
  // `ps` and `ls` are the test's children, never the server's.
  return { threads, fds, kids: mine.size - 1, fdKinds };
}

Deno.test({
  name:
    "h18 config: toggling a deny glob N times (a rebuild per call, watcher and language servers on) leaks no thread, descriptor or process",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const seg = await makeSegment();
    // A C file: clangd (installed here) is a language server the warm-up may start.
    await Deno.writeTextFile(join(seg, "util.c"), "int zq_add(int a, int b) { return a + b; }\n");
    const file = join(seg, "trifecta.jsonc");
    const s = await openSession(seg, { TRIFECTA_LSP: "1" }, []);
    try {
      const pid = s.pid();
      assert.ok(pid !== undefined, "the transport names the server's pid");
      const uri = await secretUri(s);
      const round = async (i: number) => {
        await Deno.writeTextFile(file, i % 2 === 0 ? '{ "deny": ["secret_*.py"] }\n' : "{}\n");
        await s.call("skeleton", { path: "." });
        await s.call("snippet", { uri, mode: "raw" });
        await s.call("symbol", { uri });
        await s.call("search", { query: "serve" });
      };
      // Two rounds to reach a steady state (a state, a watcher, servers of each kind).
      await round(0);
      await round(1);
      await sleep(1_500);
      const before = await footprint(pid);
      const N = 10;
      for (let i = 0; i < N; i++) await round(i);
      assert.match(s.stderr(), /session state rebuilt/);
      // Closing an old state is asynchronous (servers end, workers stop): wait, bounded (20 s).
      let after = await footprint(pid);
      for (let i = 0; i < 80; i++) {
        if (
          after.threads <= before.threads + 2 && after.fds <= before.fds + 4 &&
          after.kids <= before.kids
        ) break;
        await sleep(250);
        after = await footprint(pid);
      }
      const said = `before ${JSON.stringify(before)}, after ${N} rebuilds ${JSON.stringify(after)}`;
      assert.ok(after.threads <= before.threads + 2, `threads leak: ${said}`);
      assert.ok(after.fds <= before.fds + 4, `descriptors leak: ${said}`);
      assert.ok(after.kids <= before.kids, `processes leak: ${said}`);
    } finally {
      await s.close();
      await removeSegment(seg);
    }
  },
});
