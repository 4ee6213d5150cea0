/**
 * A running `trifecta mcp` session re-reads its configuration before each
 * call (lib/config/live.ts, lib/mcp/live_session.ts): a `deny` or `ignore`
 * glob added to `trifecta.jsonc` mid-session applies to the next call of
 * every tool, whatever the session cached before; a config file replaced by
 * a link out, a FIFO, a huge file or broken JSONC keeps the deny globs in
 * force (and never hangs a call). Official SDK client, the real server
 * under the narrow flags.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { MAIN_TS, narrowFlags, removeSegment, REPO_ROOT, runCli } from "./helpers.ts";

/** Text only the denied file holds (its function's body). */
const BODY = "ZQPRIV_BODY_MARKER";

interface Answer {
  isError?: boolean;
  content?: { type: string; text?: string }[];
  structuredContent?: Record<string, unknown>;
}

/** A session on `seg` and what it printed on stderr so far. */
interface Session {
  call(name: string, args: Record<string, unknown>): Promise<Answer>;
  stderr(): string;
  close(): Promise<void>;
}

async function openSession(seg: string, extra: string[] = ["--no-watch"]): Promise<Session> {
  const args = ["mcp", "-s", seg, ...extra, "--telemetry", "off"];
  const transport = new StdioClientTransport({
    command: Deno.execPath(),
    args: ["run", ...narrowFlags(args, REPO_ROOT, {}), MAIN_TS, ...args],
    env: { ...Deno.env.toObject(), NO_COLOR: "1", TRIFECTA_LSP: "0" },
    stderr: "pipe",
  });
  let err = "";
  const client = new Client({ name: "trifecta-config-reload", version: "1.0.0" });
  await client.connect(transport);
  const stream = transport.stderr;
  const reading = (async () => {
    if (stream === null) return;
    for await (const chunk of stream) err += new TextDecoder().decode(chunk as Uint8Array);
  })();
  return {
    // A call that hangs fails the test after 30 s (the SDK's timeout), never the suite.
    call: async (name, a) =>
      await client.callTool({ name, arguments: a }, undefined, { timeout: 30_000 }) as Answer,
    stderr: () => err,
    close: async () => {
      await client.close();
      await reading.catch(() => {});
    },
  };
}

function text(a: Answer): string {
  return JSON.stringify(a);
}

async function makeSegment(): Promise<string> {
  const seg = await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-reload-mcp-" }));
  await Deno.writeTextFile(
    join(seg, "app.py"),
    "def serve():\n    return zqpriv_key()\n\n\ndef other():\n    return serve()\n",
  );
  await Deno.writeTextFile(
    join(seg, "secret_store.py"),
    `def zqpriv_key():\n    value = "${BODY}"\n    return value\n`,
  );
  await Deno.mkdir(join(seg, "gen"));
  await Deno.writeTextFile(join(seg, "gen", "made.py"), "def zqgen_made():\n    return 1\n");
  const built = await runCli(["ctx", "build", "-s", seg]);
  assert.equal(built.code, 0, built.stderr);
  return seg;
}

/** The sym:// URI of `zqpriv_key` from a skeleton of the file. */
async function secretUri(s: Session): Promise<string> {
  const sk = await s.call("skeleton", { path: "secret_store.py" });
  const uri = /sym:\/\/[^"\\]*zqpriv_key[^"\\]*/.exec(text(sk))?.[0];
  assert.ok(uri, `no URI in ${text(sk)}`);
  return uri;
}

const deny = (seg: string) =>
  Deno.writeTextFile(join(seg, "trifecta.jsonc"), '{ "deny": ["secret_*.py"] }\n');

function paths(a: Answer, key: string): string[] {
  const list = a.structuredContent?.[key];
  if (!Array.isArray(list)) return [];
  return list.map((x) => (x as { path?: string }).path ?? "");
}

Deno.test({
  name:
    "config reload MCP: a deny glob added mid-session applies to the next call of every tool, however warm",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const seg = await makeSegment();
    const s = await openSession(seg);
    try {
      // Warm everything first: outlines, the pack, the symbol index, the map.
      const uri = await secretUri(s);
      const found = await s.call("search", { query: BODY });
      const id = /code:secret_store\.py:[0-9a-f]+/.exec(text(found))?.[0] ?? "";
      assert.notEqual(id, "", text(found));
      assert.match(text(await s.call("snippet", { uri, mode: "raw" })), new RegExp(BODY));
      assert.match(text(await s.call("find_symbol", { pattern: "zqpriv_key" })), /secret_store/);
      assert.match(text(await s.call("map", {})), /secret_store/);
      assert.match(text(await s.call("skeleton", { path: "." })), /secret_store/);
      await s.call("symbol", { uri });
      await s.call("find_references", { uri });
      await deny(seg);
      const after: Record<string, Answer> = {
        get: await s.call("get", { ids: [id] }),
        search: await s.call("search", { query: BODY }),
        snippet: await s.call("snippet", { uri, mode: "raw" }),
        symbol: await s.call("symbol", { uri }),
        skeleton_file: await s.call("skeleton", { path: "secret_store.py" }),
        find_references: await s.call("find_references", { uri }),
        references: await s.call("references", { file: "secret_store.py", line: 1, column: 5 }),
      };
      for (const [name, a] of Object.entries(after)) {
        // search may echo its query: its hits are checked below instead.
        if (name !== "search") {
          assert.doesNotMatch(text(a), new RegExp(BODY), `${name}: ${text(a)}`);
        }
      }
      for (const name of ["snippet", "symbol", "skeleton_file", "find_references", "references"]) {
        assert.equal(after[name]?.isError, true, `${name} must refuse: ${text(after[name] ?? {})}`);
      }
      assert.doesNotMatch(text(after.search ?? {}), /secret_store|value = /);
      const skeleton = await s.call("skeleton", { path: "." });
      assert.ok(!paths(skeleton, "files").includes("secret_store.py"), text(skeleton));
      const fs = await s.call("find_symbol", { pattern: "zqpriv_key" });
      assert.ok(!paths(fs, "items").includes("secret_store.py"), text(fs));
      const map = await s.call("map", {});
      assert.ok(!paths(map, "entries").includes("secret_store.py"), text(map));
      assert.doesNotMatch(String(map.structuredContent?.map ?? ""), /secret_store/);
      assert.match(s.stderr(), /config changed \(deny\/ignore globs\)/);
      // Removing the glob re-allows the file (the built-in denylist is all that stays).
      await Deno.writeTextFile(join(seg, "trifecta.jsonc"), "{}\n");
      assert.match(text(await s.call("snippet", { uri, mode: "raw" })), new RegExp(BODY));
    } finally {
      await s.close();
      await removeSegment(seg);
    }
  },
});

Deno.test({
  name: "config reload MCP: an ignore glob added mid-session leaves its files out of the next walk",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const seg = await makeSegment();
    const s = await openSession(seg);
    try {
      const before = await s.call("skeleton", { path: "." });
      assert.ok(paths(before, "files").includes("gen/made.py"), text(before));
      assert.match(text(await s.call("find_symbol", { pattern: "zqgen_made" })), /gen\/made\.py/);
      await Deno.writeTextFile(join(seg, "trifecta.jsonc"), '{ "ignore": ["gen/"] }\n');
      const after = await s.call("skeleton", { path: "." });
      assert.ok(!paths(after, "files").includes("gen/made.py"), text(after));
      const fs = await s.call("find_symbol", { pattern: "zqgen_made" });
      assert.ok(!paths(fs, "items").includes("gen/made.py"), text(fs));
    } finally {
      await s.close();
      await removeSegment(seg);
    }
  },
});

/** Replacements of trifecta.jsonc that must not load (and must not hang). */
const HOSTILE: { name: string; make: (file: string, outside: string) => Promise<void> }[] = [
  {
    name: "broken JSONC",
    make: (file) => Deno.writeTextFile(file, '{ "deny": [ \n'),
  },
  {
    name: "a symlink out of the segment to a config without the glob",
    make: async (file, outside) => {
      await Deno.writeTextFile(join(outside, "lax.jsonc"), "{}\n");
      await Deno.symlink(join(outside, "lax.jsonc"), file);
    },
  },
  {
    name: "a FIFO",
    make: async (file) => {
      const made = await new Deno.Command("mkfifo", { args: [file] }).output();
      assert.equal(made.code, 0);
    },
  },
  {
    name: "a huge file",
    make: (file) => Deno.writeTextFile(file, `{}${" ".repeat(2 * 1024 * 1024)}\n`),
  },
];

Deno.test({
  name:
    "config reload MCP: trifecta.jsonc replaced mid-session by broken JSONC, a link out, a FIFO or a huge file keeps the deny glob, hangs nothing, says so once",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const seg = await makeSegment();
    const outside = await Deno.makeTempDir({ prefix: "trifecta-reload-out-" });
    const s = await openSession(seg);
    try {
      const uri = await secretUri(s);
      await deny(seg);
      assert.equal((await s.call("snippet", { uri, mode: "raw" })).isError, true);
      const file = join(seg, "trifecta.jsonc");
      for (const hostile of HOSTILE) {
        await Deno.remove(file);
        await hostile.make(file, outside);
        for (let i = 0; i < 2; i++) {
          const a = await s.call("snippet", { uri, mode: "raw" });
          assert.equal(a.isError, true, `${hostile.name}: ${text(a)}`);
          assert.doesNotMatch(text(a), new RegExp(BODY), hostile.name);
          const sk = await s.call("skeleton", { path: "." });
          assert.ok(
            !paths(sk, "files").includes("secret_store.py"),
            `${hostile.name}: ${text(sk)}`,
          );
        }
      }
      const said = () =>
        s.stderr().split("\n").filter((l) => /configuration loaded before stays/.test(l)).length;
      // stderr is read as it comes: wait (bounded) for the last line to arrive.
      for (let i = 0; i < 50 && said() < HOSTILE.length; i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(said(), HOSTILE.length, s.stderr());
      // A config that loads again applies again: no glob, the file is served.
      await Deno.remove(file);
      await Deno.writeTextFile(file, "{}\n");
      assert.match(text(await s.call("snippet", { uri, mode: "raw" })), new RegExp(BODY));
    } finally {
      await s.close();
      await removeSegment(seg);
      await Deno.remove(outside, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "config reload MCP: with the session watcher on, a file denied mid-session is not re-read after an edit",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const seg = await makeSegment();
    const s = await openSession(seg, []);
    try {
      const uri = await secretUri(s);
      await deny(seg);
      // The call sees the change; the watcher restarts on the new globs.
      assert.equal((await s.call("snippet", { uri, mode: "raw" })).isError, true);
      await Deno.writeTextFile(
        join(seg, "secret_store.py"),
        `def zqpriv_key():\n    return "${BODY}_EDITED"\n`,
      );
      await Deno.writeTextFile(join(seg, "app.py"), "def serve():\n    return 2\n");
      // Let the watcher see both edits (a batch, maybe a pack sync).
      await new Promise((r) => setTimeout(r, 1500));
      const found = await s.call("search", { query: `${BODY}_EDITED` });
      assert.doesNotMatch(text(found), /secret_store|return "/, text(found));
      const sk = await s.call("skeleton", { path: "." });
      assert.ok(!paths(sk, "files").includes("secret_store.py"), text(sk));
    } finally {
      await s.close();
      await removeSegment(seg);
    }
  },
});
