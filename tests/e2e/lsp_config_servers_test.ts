/**
 * `lsp.servers` of the config end to end: the real CLI as a subprocess asks
 * the server the user's (trusted) config names, the fake language server of
 * tests/lsp/fixtures/fake_server.ts in `answer` mode; a server variable set
 * in the environment still wins over the file.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { CLI_FLAGS, MAIN_TS, removeSegment, REPO_ROOT, tempExample } from "./helpers.ts";

const FAKE = fileURLToPath(new URL("../lsp/fixtures/fake_server.ts", import.meta.url));
const LOC = "src/inventory/service.py:11:25"; // `Inventory` in restock's signature

interface Setup {
  dir: string;
  home: string;
  env: Record<string, string>;
}

/** A segment, a user config naming the fake server for python, and a script answering `line`. */
async function setup(line: number): Promise<Setup> {
  const dir = await Deno.realPath(await tempExample());
  const home = await Deno.makeTempDir({ prefix: "trifecta-cfg-" });
  const script = join(home, "script.json");
  const range = { start: { line, character: 6 }, end: { line, character: 15 } };
  await Deno.writeTextFile(
    script,
    JSON.stringify({ definition: [{ uri: "file://${ROOT}/src/inventory/models.py", range }] }),
  );
  const fake = [Deno.execPath(), "run", "--no-config", "--allow-read", FAKE, "answer", script];
  await Deno.mkdir(join(home, "trifecta"), { recursive: true });
  const user = { trusted_segments: [dir], lsp: { servers: { python: fake } } };
  await Deno.writeTextFile(join(home, "trifecta", "config.jsonc"), JSON.stringify(user));
  const env = { XDG_CONFIG_HOME: home, TRIFECTA_NO_TELEMETRY: "1", NO_COLOR: "1" };
  return { dir, home, env };
}

async function definition(s: Setup, env: Record<string, string>): Promise<Record<string, unknown>> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...CLI_FLAGS, MAIN_TS, "lsp", "definition", LOC, "-s", s.dir, "--json"],
    cwd: REPO_ROOT,
    env: { ...s.env, ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, stderr);
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

Deno.test("lsp.servers of the user's config file names the server a one-shot query asks", async () => {
  // Line 8 of models.py: not where `Inventory` is (31), so no other server gives it.
  const s = await setup(7);
  try {
    const json = await definition(s, {});
    assert.equal(json.served_by, "oneshot");
    assert.equal(json.capability_state, "FULL");
    assert.match(JSON.stringify(json), /models\.py/);
    assert.match(JSON.stringify(json), /"line":8\b|:8:7/, "the configured server's answer");
  } finally {
    await removeSegment(s.dir);
    await Deno.remove(s.home, { recursive: true });
  }
});

Deno.test("a server variable in the environment wins over lsp.servers of the config", async () => {
  const s = await setup(7);
  const other = join(s.home, "other.json");
  const range = { start: { line: 4, character: 0 }, end: { line: 4, character: 5 } };
  await Deno.writeTextFile(
    other,
    JSON.stringify({ definition: [{ uri: "file://${ROOT}/src/inventory/models.py", range }] }),
  );
  const fake = [Deno.execPath(), "run", "--no-config", "--allow-read", FAKE, "answer", other];
  try {
    const json = await definition(s, { TRIFECTA_LSP_COMMAND: JSON.stringify(fake) });
    assert.equal(json.served_by, "oneshot");
    assert.match(JSON.stringify(json), /"line":5\b|:5:1/, "the environment's server answered");
    assert.doesNotMatch(JSON.stringify(json), /"line":8\b/);
  } finally {
    await removeSegment(s.dir);
    await Deno.remove(s.home, { recursive: true });
  }
});
