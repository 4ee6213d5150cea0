/**
 * performQuestion's hover with the documentation trace
 * (lib/lsp/hover_trace.ts) against the scripted fake server
 * (tests/lsp/fixtures/fake_server.ts): which requests the trace sends,
 * what it opens and closes, and what it keeps. The real servers'
 * inheritance is in tests/e2e/hostile19_lsp_test.ts.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { resolveSegment, type Segment } from "../../lib/segment/mod.ts";
import { LspClient } from "../../lib/lsp/client.ts";
import type { ServerCommand } from "../../lib/lsp/discovery.ts";
import { HOVER_DOC_WITHHELD_NOTE, performQuestion } from "../../lib/lsp/perform.ts";

const FAKE = fileURLToPath(new URL("./fixtures/fake_server.ts", import.meta.url));

const SIGNATURE = "```python\ndef run(self) -> int\n```";

interface Fixture {
  segment: Segment;
  outside: string;
  /** Writes the fake's script: the hover's documentation and where the definition points. */
  script: (doc: string, definitionUri: string, line: number) => Promise<void>;
  /**
   * Methods the fake received, in order, up to now: a definition request is
   * answered first (the fake handles messages in order, so every
   * notification sent before it is logged by then).
   */
  methods: () => Promise<string[]>;
  /** Asks a hover at use.py:5:13 (`run` of `A().run()`). */
  hover: () => Promise<{ contents?: string; note?: string }>;
  client: LspClient;
}

const USE = "from mod import M\n\nclass A(M):\n    def run(self):\n        return A().run()\n";

async function withFake(fn: (f: Fixture) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-trace-" });
  const outside = await Deno.makeTempDir({ prefix: "trifecta-trace-out-" });
  const scriptPath = join(outside, "script.json");
  const logPath = join(outside, "log.txt");
  await Deno.writeTextFile(join(dir, "use.py"), USE);
  await Deno.writeTextFile(
    join(dir, "mod.py"),
    'class M(Base):\n    def run(self):\n        """DOCMARK found in mod.py, written here."""\n',
  );
  await Deno.writeTextFile(scriptPath, "{}");
  const segment = await resolveSegment(dir);
  const server: ServerCommand = {
    command: Deno.execPath(),
    args: [
      "run",
      "--no-config",
      "--allow-read",
      "--allow-write",
      FAKE,
      "answer",
      scriptPath,
      logPath,
    ],
    backend: "lsp_custom",
    source: "env",
    label: "fake_server",
  };
  const client = new LspClient(server, { root: segment.root, language: "python" });
  const use = { abs: join(segment.root, "use.py"), rel: "use.py", text: USE };
  try {
    client.start(use);
    assert.equal(await client.waitReady(60_000), "READY");
    await fn({
      segment,
      outside,
      client,
      script: async (doc, uri, line) => {
        const range = { start: { line, character: 4 }, end: { line, character: 7 } };
        const hover = { contents: { kind: "markdown", value: `${SIGNATURE}\n---\n${doc}` } };
        await Deno.writeTextFile(
          scriptPath,
          JSON.stringify({ hover, definition: [{ uri, range }] }),
        );
      },
      methods: async () => {
        const position = { line: 0, character: 0 };
        await client.request("textDocument/definition", {
          textDocument: { uri: "file:///x" },
          position,
        });
        const all = (await Deno.readTextFile(logPath)).trim().split("\n");
        return all.slice(0, -1);
      },
      hover: () => performQuestion(client, segment, { ...use, method: "hover", line: 5, col: 13 }),
    });
  } finally {
    await client.shutdown(500);
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(outside, { recursive: true });
  }
}

const count = (all: string[], method: string) => all.filter((m) => m === method).length;

Deno.test("hover: documentation found in the definition file is kept, and no request is sent beyond the hover's own", async () => {
  await withFake(async ({ script, hover, methods }) => {
    await script("DOCMARK found in mod.py, written *here*.", "file://${ROOT}/mod.py", 1);
    const data = await hover();
    assert.equal(data.contents, `${SIGNATURE}\n---\nDOCMARK found in mod.py, written *here*.`);
    assert.equal(data.note, undefined);
    assert.equal(count(await methods(), "textDocument/definition"), 1);
  });
});

Deno.test("hover: documentation found in no file trifecta reads is withheld, the signature kept, and a note says why", async () => {
  await withFake(async ({ script, hover, methods, segment, client }) => {
    // The definition is the override in use.py; the header's `M` is asked
    // (the fake answers use.py again: the class already walked), then the walk ends.
    await script("SECRETDOC from a base nobody reads.", "file://${ROOT}/use.py", 3);
    const data = await hover();
    assert.equal(data.contents, SIGNATURE);
    assert.equal(data.note, HOVER_DOC_WITHHELD_NOTE);
    const all = await methods();
    assert.equal(count(all, "textDocument/definition"), 2);
    assert.equal(count(all, "textDocument/didOpen"), 1, "use.py is open already");
    assert.equal(client.isOpen(join(segment.root, "use.py")), true);
  });
});

Deno.test("hover: the trace opens the file of the definition's class when the server had not, asks for its header's base, and closes it", async () => {
  await withFake(async ({ script, hover, methods, segment, client }) => {
    // The definition lands in mod.py's class M(Base) without the documentation.
    await script("NOWHEREDOC in no file.", "file://${ROOT}/mod.py", 1);
    const data = await hover();
    assert.equal(data.note, HOVER_DOC_WITHHELD_NOTE);
    const all = await methods();
    // The hover's own, and `Base` in `class M(Base)`; the fake's answer (mod.py again) ends the walk.
    assert.equal(count(all, "textDocument/definition"), 2, all.join(","));
    assert.equal(count(all, "textDocument/didOpen"), 2, all.join(","));
    assert.equal(count(all, "textDocument/didClose"), 1, all.join(","));
    assert.equal(client.isOpen(join(segment.root, "mod.py")), false);
  });
});

Deno.test("hover: a definition in a language library keeps the documentation without tracing it (as before)", async () => {
  await withFake(async ({ script, hover, methods, outside }) => {
    const lib = join(outside, "lib", "python3.12", "site-packages", "pkg", "base.py");
    await script("LIBDOC from an installed package.", `file://${lib}`, 0);
    const data = await hover();
    assert.match(data.contents ?? "", /LIBDOC from an installed package\.$/);
    assert.equal(data.note, undefined);
    assert.equal(count(await methods(), "textDocument/definition"), 1);
  });
});
