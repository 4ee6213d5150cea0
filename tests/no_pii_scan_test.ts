/**
 * The no-PII scan (tools/pii_scan.ts) in the suite, independent of file
 * order: the real CLI and the real MCP server run over a segment planted
 * with secrets, e-mail addresses and absolute paths (in files, queries and
 * arguments), and every file they left in `_ctx/` and `.trifecta/` is
 * scanned. The scan of what every other e2e test left runs after the suite
 * (the `test` task's last step), not here.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CLI_FLAGS, MAIN_TS, runCli, tempExample } from "./e2e/helpers.ts";
import { secretSamples } from "./_secret_samples.ts";
import { CONTENT_MARKER, scanText, scanTree } from "../tools/pii_scan.ts";

/**
 * Rules whose masked form keeps words the scan takes for a value in content
 * (`Authorization: Basic <SECRET_REDACTED:…>`, `PASSWORD ?? "<…>"`): the pack
 * holds content, so their samples are not planted here; their masking is
 * tested in tests/telemetry and tests/context.
 */
const CONTEXT_RULES = ["authorization-credential", "secret-assignment", "azure-storage-key"];
const SAMPLES = secretSamples().filter((s) => !CONTEXT_RULES.includes(s.rule));
const ONE_LINE = SAMPLES.filter((s) => !s.text.includes("\n"));
const MULTI_LINE = SAMPLES.filter((s) => s.text.includes("\n"));
const EMAIL = "alice.smith@example.org";
const GITHUB = ONE_LINE.find((s) => s.rule === "github-token")?.secret ?? "";
const AWS = ONE_LINE.find((s) => s.rule === "aws-access-key-id")?.secret ?? "";

/** Plants secrets and an e-mail address in code, a doc and a refused key file. */
async function plant(seg: string): Promise<void> {
  await Deno.writeTextFile(
    join(seg, "src/inventory/settings.py"),
    [
      `"""Settings. Maintainer: ${EMAIL}"""`,
      ...ONE_LINE.map((s) => `# ${s.text}`),
      `def connect(token="${GITHUB}", key="${AWS}"):`,
      `    """Connect as ${EMAIL}."""`,
      "    return token",
      "",
    ].join("\n"),
  );
  await Deno.writeTextFile(
    join(seg, "docs/keys.md"),
    `# Keys\n\nAsk ${EMAIL}.\n\n${ONE_LINE.map((s) => s.text).join("\n\n")}\n`,
  );
  await Deno.writeTextFile(
    join(seg, "docs/private.md"),
    `# Private\n\n${MULTI_LINE.map((s) => s.text).join("\n\n")}\n`,
  );
}

/** The CLI over the planted segment: skeletons, symbols, pack, search, get, lsp, report. */
async function runCliCommands(seg: string): Promise<void> {
  const query = `${EMAIL} ${GITHUB} connect`;
  const runs: string[][] = [
    ["ast", "skeleton", join(seg, "src"), "--persist-cache", "--json"],
    ["ast", "symbols", "sym://python/mod/src.inventory.settings"],
    ["ast", "snippet", "sym://python/mod/src.inventory.settings", "--telemetry", "full"],
    ["ctx", "build"],
    ["ctx", "search", "-q", query, "--json"],
    ["ctx", "search", "-q", query, "--telemetry", "full"],
    ["ast", "skeleton", join(seg, "..", "elsewhere.py")],
    ["lsp", "hover", "src/inventory/settings.py:5:5"],
    ["telemetry", "report"],
  ];
  for (const args of runs) {
    await runCli([...args, "-s", seg], { env: { TRIFECTA_LSP: "0" } });
  }
  const hits = await runCli(["ctx", "search", "-q", "connect token", "-s", seg, "--json"]);
  const ids = (JSON.parse(hits.stdout).hits ?? []).map((h: { id: string }) => h.id);
  assert.ok(ids.length > 0, hits.stdout);
  await runCli(["ctx", "get", "-i", ids.join(","), "--mode", "raw", "-s", seg]);
}

/** The MCP server over the planted segment, one raw JSON-RPC session on stdio. */
async function runMcpSession(seg: string): Promise<void> {
  const req = (id: number, method: string, params: unknown) =>
    JSON.stringify({ jsonrpc: "2.0", id, method, params }) + "\n";
  const call = (id: number, name: string, args: unknown) =>
    req(id, "tools/call", { name, arguments: args });
  const lines = [
    req(0, "initialize", {
      protocolVersion: "2025-06-18",
      capabilities: {},
      clientInfo: { name: "pii", version: "1" },
    }),
    '{"jsonrpc":"2.0","method":"notifications/initialized"}\n',
    call(1, "skeleton", { path: "src/inventory/settings.py" }),
    call(2, "skeleton", { path: join(seg, "src") }),
    call(3, "symbol", { uri: "sym://python/mod/src.inventory.settings" }),
    call(4, "search", { query: `${EMAIL} ${AWS}` }),
    call(5, "definition", { file: "src/inventory/settings.py", line: 5, column: 12 }),
    call(6, "snippet", { uri: "sym://python/mod/src.inventory.settings", mode: "raw" }),
    call(7, "telemetry_report", {}),
  ];
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...CLI_FLAGS, MAIN_TS, "mcp", "-s", seg],
    env: { NO_COLOR: "1", TRIFECTA_LSP: "0" },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const w = child.stdin.getWriter();
  for (const l of lines) await w.write(new TextEncoder().encode(l));
  await w.close();
  const out = await child.output();
  const replies = new TextDecoder().decode(out.stdout).split("\n").filter((l) => l !== "");
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  assert.equal(replies.length, lines.length - 1, "one reply per request");
}

/** Every file under a directory, as text (latin1, as the scan reads them). */
async function allText(dir: string): Promise<string> {
  const parts: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    const p = join(dir, e.name);
    if (e.isDirectory) parts.push(await allText(p));
    else if (e.isFile) parts.push(new TextDecoder("latin1").decode(await Deno.readFile(p)));
  }
  return parts.join("\n");
}

Deno.test("no PII: the CLI and the MCP server over planted secrets, e-mail addresses and absolute paths leave none in _ctx/ or .trifecta/", async () => {
  const seg = await Deno.realPath(await tempExample());
  try {
    await plant(seg);
    await runCliCommands(seg);
    await runMcpSession(seg);
    const events = await Deno.readTextFile(join(seg, "_ctx/telemetry/events.jsonl"));
    for (const cmd of ["ast.skeleton", "ctx.search", "ctx.get", "mcp.search", "mcp.skeleton"]) {
      assert.ok(events.includes(`"cmd":"${cmd}"`), `telemetry holds ${cmd} events`);
    }
    let files = 0;
    const problems: string[] = [];
    for (const name of ["_ctx", ".trifecta"]) {
      const found = await scanTree(join(seg, name));
      files += found.files;
      problems.push(...found.problems.map((p) => `${name}/${p}`));
    }
    assert.ok(files >= 4, `${files} files scanned`);
    assert.deepEqual(problems, []);
    const stored = await allText(join(seg, "_ctx")) + await allText(join(seg, ".trifecta"));
    for (const s of SAMPLES) {
      const part = s.secret.split("\n")[0] ?? "";
      assert.ok(!stored.includes(part), `${s.rule} sample stored as is`);
    }
    assert.ok(!(await allText(join(seg, "_ctx/telemetry"))).includes(EMAIL));
  } finally {
    await Deno.remove(seg, { recursive: true });
  }
});

Deno.test("no PII: the scan finds each kind of leak and passes placeholders and counts", () => {
  const tel = "x/_ctx/telemetry/events.jsonl";
  const leaks = [
    ["/tmp/trifecta-e2e-1/src/a.py", "temp dir path"],
    ["/home/bob/code/a.py", "home directory"],
    ["/root/a.py", "home directory"],
    ["file:///srv/a.py", "file:// URI"],
    [`token=${GITHUB}`, "secret matching"],
    [CONTENT_MARKER, "file content in telemetry"],
    [EMAIL, "e-mail address in telemetry"],
  ];
  for (const [text = "", what = ""] of leaks) {
    const found = scanText(tel, `{"args":"${text}"}`);
    assert.ok(found.some((p) => p.includes(what)), `${what} in ${text}: ${found}`);
  }
  assert.deepEqual(scanText("x/_ctx/context_pack.json", `${EMAIL} ${CONTENT_MARKER}`), []);
  assert.deepEqual(
    scanText(tel, '{"q":"token=<SECRET_REDACTED:github-token>","github-token":1,"p":"src/a.py"}'),
    [],
  );
  const cut = `"preview": "ACCESS_KEY: '<SECRET_REDACTED:aws-secret...",\n"next": "-> str"\n`;
  assert.deepEqual(scanText("x/_ctx/context_pack.json", cut), []);
  const after = scanText("x/_ctx/context_pack.json", `${cut}"k": "token=${GITHUB}"\n`);
  assert.ok(after.some((p) => p.includes(`secret matching`) && p.includes("token=")), `${after}`);
  const sqlite = "ACCESS_KEY: '<SECRET_REDACTED:aws-secret...\u0002\u00d5\u0000,\u0006G)Q\u0000'";
  assert.deepEqual(scanText("x/_ctx/context_index.db", sqlite), []);
  // A cut preview followed by the next SQLite record: names and digests of
  // another field are not the rest of a secret value.
  const record =
    'TOKEN = "<SECRET_REDACTED:gi...Y\u0006\u0081<\t\u000c\u0000M\u0019))\u0000\u0081e\u0001\t\u0001config:pyproject.toml:4460da1238configpy';
  assert.deepEqual(scanText("x/_ctx/context_index.db", record), []);
  // A typed parameter's masked default (stored JSON escapes its quotes): the type is no value.
  const typed = 'connect(token: string = \\"<SECRET_REDACTED:openai-api-key>\\", kind: \\"x\\")';
  assert.deepEqual(scanText("x/.trifecta/cache/ast_cache.db", typed), []);
  const typedLeak = scanText(
    "x/.trifecta/cache/ast_cache.db",
    'connect(token: string = "hunter2-longvalue")',
  );
  assert.ok(typedLeak.some((p) => p.includes("secret matching")), `${typedLeak}`);
  // ...but a value before the binary bytes is still a leak.
  const leak = scanText("x/_ctx/context_index.db", `TOKEN = "hunter2-longvalue"\u0006\u0000`);
  assert.ok(leak.some((p) => p.includes("secret matching")), `${leak}`);
});

Deno.test("no PII: the post-suite scan tool fails on a leak and keeps the directory, passes a clean one and removes it", async () => {
  const tool = fileURLToPath(new URL("../tools/pii_scan.ts", import.meta.url));
  const run = async (dir: string) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", `--allow-read`, `--allow-write=${dir}`, tool, dir],
      stdout: "piped",
      stderr: "piped",
    }).output();
    return { code: out.code, text: new TextDecoder().decode(out.stdout) };
  };
  const dir = await Deno.makeTempDir({ prefix: "trifecta-pii-tool-" });
  try {
    await Deno.mkdir(join(dir, "1/_ctx/telemetry"), { recursive: true });
    const file = join(dir, "1/_ctx/telemetry/events.jsonl");
    await Deno.writeTextFile(file, `{"cmd":"ctx.search","args":{"q":"${EMAIL}"}}\n`);
    const bad = await run(dir);
    assert.equal(bad.code, 1, bad.text);
    assert.match(bad.text, /e-mail address in telemetry/);
    assert.match(bad.text, /^no-PII scan: FAILED, 1 leaks in 1 files/m);
    await Deno.writeTextFile(file, `{"cmd":"ctx.search","args":{"q":"<EMAIL_REDACTED>"}}\n`);
    const good = await run(dir);
    assert.equal(good.code, 0, good.text);
    assert.equal(good.text, "no-PII scan: ok, 1 files\n");
    assert.equal(await Deno.stat(dir).then(() => true, () => false), false, "removed");
    await Deno.mkdir(dir);
    const empty = await run(dir);
    assert.equal(empty.code, 1);
    assert.match(empty.text, /left no file to scan/);
  } finally {
    await Deno.remove(dir, { recursive: true }).catch((err) => {
      // The clean run removed it already.
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    });
  }
});

Deno.test("no PII: the scan reads inside an SQLite file's compressed values (the pack's chunk texts)", async () => {
  const { DatabaseSync } = await import("node:sqlite");
  const { deflateRawSync } = await import("node:zlib");
  const dir = await Deno.makeTempDir({ prefix: "trifecta-pii-db-" });
  try {
    const db = new DatabaseSync(join(dir, "context_pack.db"));
    db.exec("CREATE TABLE source_files (path TEXT, texts BLOB)");
    const leak = new TextEncoder().encode("see /home/bob/code/a.py for details");
    db.prepare("INSERT INTO source_files VALUES (?, ?)").run("a.py", deflateRawSync(leak));
    db.close();
    const raw = await Deno.readFile(join(dir, "context_pack.db"));
    assert.ok(!new TextDecoder("latin1").decode(raw).includes("/home/bob"), "hidden from bytes");
    const found = await scanTree(dir);
    assert.ok(
      found.problems.some((p) => p.includes("(rows)") && p.includes("home directory")),
      `${found.problems}`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
