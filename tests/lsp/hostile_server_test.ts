/**
 * The client and performQuestion against fake servers that misbehave on
 * purpose (tests/lsp/fixtures/fake_server.ts): a flood behind a huge
 * Content-Length, children left behind, answers pointing at denied and
 * outside files, hover text with secrets and paths. Also the MCP session's
 * guard against a segment with an unsafe link.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { resolveSegment, type Segment } from "../../lib/segment/mod.ts";
import { LspClient, LspUnavailableError } from "../../lib/lsp/client.ts";
import type { ServerCommand } from "../../lib/lsp/discovery.ts";
import { HOVER_WITHHELD_NOTE, performQuestion } from "../../lib/lsp/perform.ts";
import { LspSession } from "../../lib/mcp/lsp_session.ts";
import { createAstCache } from "../../lib/cache/mod.ts";
import { lspConfig } from "../../lib/lsp/config.ts";

const FAKE = fileURLToPath(new URL("./fixtures/fake_server.ts", import.meta.url));

function fake(...args: string[]): ServerCommand {
  return {
    command: Deno.execPath(),
    args: ["run", "--no-config", "--allow-read", "--allow-write", "--allow-run", FAKE, ...args],
    backend: "lsp_custom",
    source: "env",
    label: "fake_server",
  };
}

/** True when `pid` has exited (no /proc entry, or a zombie). Read through `cat`. */
async function gone(pid: number): Promise<boolean> {
  const out = await new Deno.Command("cat", { args: [`/proc/${pid}/stat`], stderr: "null" })
    .output();
  if (out.code !== 0) return true;
  const stat = new TextDecoder().decode(out.stdout);
  return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
}

/** Polls `check` until it holds or 10 s pass; returns its last value. */
async function eventually(check: () => Promise<boolean>): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

interface Fixture {
  segment: Segment;
  outside: string;
  use: { abs: string; rel: string; text: string };
  script: string;
}

async function withFixture(fn: (f: Fixture) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-hostile-" });
  const outside = await Deno.makeTempDir({ prefix: "trifecta-outside-" });
  try {
    const text = "from mod import f\nf()\n";
    await Deno.writeTextFile(join(dir, "use.py"), text);
    await Deno.writeTextFile(join(dir, "mod.py"), "def f():\n    pass\n");
    await Deno.writeTextFile(join(dir, ".env"), "ENV_MARKER=1\n");
    await Deno.writeTextFile(join(outside, "o.py"), "def f():\n    'OUTSIDE_MARKER'\n");
    const segment = await resolveSegment(dir);
    await fn({
      segment,
      outside,
      use: { abs: join(segment.root, "use.py"), rel: "use.py", text },
      script: join(outside, "script.json"),
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(outside, { recursive: true });
  }
}

async function ready(client: LspClient, use: Fixture["use"]): Promise<void> {
  client.start(use);
  assert.equal(await client.waitReady(60_000), "READY");
}

const range = { start: { line: 0, character: 4 }, end: { line: 0, character: 5 } };

Deno.test("a server announcing Content-Length: 99999999999 and streaming is stopped: lsp_frame_too_large, FAILED", async () => {
  await withFixture(async ({ segment, use }) => {
    const client = new LspClient(fake("flood"), { root: segment.root, language: "python" });
    try {
      await ready(client, use);
      await assert.rejects(
        performQuestion(client, segment, { ...use, method: "definition", line: 2, col: 1 }),
        (e) => e instanceof LspUnavailableError && e.reason === "lsp_frame_too_large",
      );
      assert.equal(client.state, "FAILED");
      assert.equal(client.failReason, "frame_too_large");
      await client.exited; // the flooding server was killed
    } finally {
      await client.shutdown(500);
    }
  });
});

Deno.test("stopping a client ends the server's whole process group (no orphaned children)", async () => {
  await withFixture(async ({ segment, use, outside }) => {
    const pidFile = join(outside, "child.pid");
    const client = new LspClient(fake("child", pidFile), {
      root: segment.root,
      language: "python",
    });
    await ready(client, use);
    const child = Number(await Deno.readTextFile(pidFile));
    assert.equal(await gone(child), false, "the server's child runs");
    await client.shutdown(500);
    // SIGKILL was sent; on a loaded machine the kernel may take a moment to end it.
    assert.equal(await eventually(() => gone(child)), true, "the child was ended with its group");
  });
});

Deno.test("definition answers: locations on .env, through a link out of the segment, or outside are not shown as such", async () => {
  await withFixture(async ({ segment, use, outside, script }) => {
    await Deno.symlink(join(outside, "o.py"), join(segment.root, "link.py"));
    await Deno.writeTextFile(
      script,
      JSON.stringify({
        definition: [
          { uri: "file://${ROOT}/mod.py", range },
          { uri: "file://${ROOT}/.env", range },
          { uri: "file://${ROOT}/link.py", range },
          { uri: `file://${outside}/o.py`, range },
          {
            uri: "file://${ROOT}/mod.py",
            range: { start: { line: -3, character: 0 }, end: range.end },
          },
        ],
      }),
    );
    const client = new LspClient(fake("answer", script), {
      root: segment.root,
      language: "python",
    });
    try {
      await ready(client, use);
      const data = await performQuestion(client, segment, {
        ...use,
        method: "definition",
        line: 2,
        col: 1,
      });
      assert.deepEqual(data.locations!.map((l) => l.path.replace(/[0-9a-f]{8}/, "H")), [
        "external/H-o.py",
        "mod.py",
      ]);
      assert.match(data.note!, /2 location\(s\) in files trifecta does not read/);
      assert.match(data.note!, /1 item\(s\) with an invalid position/);
      assert.doesNotMatch(JSON.stringify(data), new RegExp(`${outside}|\\.env|link\\.py`));
    } finally {
      await client.shutdown(500);
    }
  });
});

Deno.test("hover: text of a symbol declared in a refused file is withheld, other text is scrubbed", async () => {
  await withFixture(async ({ segment, use, script }) => {
    const hover = {
      contents: {
        kind: "markdown",
        // The signature, fenced: the code part of a hover, shown (scrubbed) wherever the
        // documentation came from.
        value:
          "```python\ndef f() -> ENV_MARKER AKIAIOSFODNN7EXAMPLE file:///home/ann/x.py y: Literal['OUTSIDE_VALUE']\n```",
      },
    };
    const client = new LspClient(fake("answer", script), {
      root: segment.root,
      language: "python",
    });
    try {
      await Deno.writeTextFile(
        script,
        JSON.stringify({ hover, definition: [{ uri: "file://${ROOT}/.env", range }] }),
      );
      await ready(client, use);
      const q = { ...use, method: "hover" as const, line: 2, col: 1 };
      const withheld = await performQuestion(client, segment, q);
      assert.equal(withheld.contents, "");
      assert.equal(withheld.note, HOVER_WITHHELD_NOTE);

      await Deno.writeTextFile(
        script,
        JSON.stringify({ hover, definition: [{ uri: "file://${ROOT}/mod.py", range }] }),
      );
      const shown = await performQuestion(client, segment, q);
      assert.match(shown.contents!, /def f\(\)/);
      assert.doesNotMatch(shown.contents!, /AKIAIOSFODNN7EXAMPLE|\/home\/ann|file:|OUTSIDE_VALUE/);
      assert.match(shown.contents!, /Literal\['…'\]/);
    } finally {
      await client.shutdown(500);
    }
  });
});

Deno.test("MCP session: with a symlink leaving the segment the server is not asked (unsafe_links), and is once it is removed", async () => {
  await withFixture(async ({ segment, use, outside, script }) => {
    const log = join(outside, "requests.log");
    await Deno.writeTextFile(
      script,
      JSON.stringify({ definition: [{ uri: "file://${ROOT}/mod.py", range }] }),
    );
    await Deno.symlink(join(outside, "o.py"), join(segment.root, "linked.py"));
    const previous = Deno.env.get("TRIFECTA_LSP_COMMAND");
    Deno.env.set(
      "TRIFECTA_LSP_COMMAND",
      JSON.stringify([...[fake().command], ...fake("answer", script, log).args]),
    );
    const cache = createAstCache({ persist: false, segment });
    const session = new LspSession(segment, {
      openCache: () => Promise.resolve(cache),
      config: { ...lspConfig(), readyTimeoutMs: 60_000 },
    });
    try {
      const q = {
        method: "definition" as const,
        file: { abs: use.abs, rel: use.rel },
        line: 2,
        col: 1,
      };
      const refused = await session.answer(q);
      assert.equal(refused.response.fallback_reason, "unsafe_links");
      assert.match(refused.response.data!.note!, /1 symlink in the segment/);
      assert.doesNotMatch(JSON.stringify(refused), /OUTSIDE_MARKER/);
      assert.equal(session.pids.length, 0, "no server was started");

      await Deno.remove(join(segment.root, "linked.py"));
      const answered = await session.answer(q);
      assert.equal(answered.response.capability_state, "FULL");
      assert.match(await Deno.readTextFile(log), /textDocument\/definition/);
    } finally {
      await session.close();
      cache.close();
      if (previous === undefined) Deno.env.delete("TRIFECTA_LSP_COMMAND");
      else Deno.env.set("TRIFECTA_LSP_COMMAND", previous);
    }
  });
});
