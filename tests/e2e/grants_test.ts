/**
 * Every grant trifecta may lack degrades or names its flag (issue 12, class
 * 11): `--help` under the narrowest documented flags and with no
 * `--allow-env` at all, commands without `--allow-env`, and the `cli` task's
 * launcher granting the language server the CLI will use.
 *
 * These tests spawn the CLI with a cleared environment (only `PATH` and
 * `HOME`): a `NO_COLOR` in the test runner's environment once hid that
 * commander read `CLICOLOR_FORCE` through `process.env`.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { launcherFlags, permissionFlags } from "../../tools/permissions.ts";
import { LIB_DIR, MAIN_TS, removeSegment, REPO_ROOT, tempExample } from "./helpers.ts";

const decoder = new TextDecoder();
const LAUNCHER = join(REPO_ROOT, "tools", "cli.ts");

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

async function spawn(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<Ran> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [...args],
    cwd: REPO_ROOT,
    clearEnv: true,
    env: {
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      HOME: Deno.env.get("HOME") ?? "/",
      ...env,
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

/** The narrowest documented flags: read the segment and lib/, write its _ctx and .trifecta. */
function narrow(seg: string): string[] {
  return permissionFlags({ segment: seg, codeDirs: [LIB_DIR] });
}

/** No --allow-env, no --allow-sys, no --allow-run: only reads and writes. */
function readWriteOnly(seg: string): string[] {
  return [
    "--no-prompt",
    `--allow-read=${seg},${LIB_DIR}`,
    `--allow-write=${seg}/_ctx,${seg}/.trifecta`,
    "--unstable-raw-imports",
  ];
}

const HELP_TARGETS: readonly string[][] = [
  [],
  ["ast"],
  ["ast", "skeleton"],
  ["ast", "symbols"],
  ["cache"],
  ["cache", "prune"],
  ["lsp"],
  ["lsp", "definition"],
  ["lsp", "daemon"],
  ["ctx"],
  ["ctx", "search"],
  ["telemetry"],
  ["telemetry", "report"],
  ["mcp"],
];

for (
  const [label, flagsFor] of [["narrow flags", narrow], ["no --allow-env", readWriteOnly]] as const
) {
  Deno.test(`grants: --help of every group exits 0 under ${label}, without NotCapable`, async () => {
    const seg = await tempExample();
    try {
      for (const target of HELP_TARGETS) {
        const r = await spawn(["run", ...flagsFor(seg), MAIN_TS, ...target, "--help"]);
        const what = `${target.join(" ") || "(top)"} --help: ${r.stderr}`;
        assert.equal(r.code, 0, what);
        assert.match(r.stdout, /Usage: trifecta/, what);
        assert.doesNotMatch(
          r.stdout + r.stderr,
          /NotCapable|PERMISSION_NOT_GRANTED|CLICOLOR/,
          what,
        );
      }
    } finally {
      await removeSegment(seg);
    }
  });
}

Deno.test("grants: the --help an error card suggests runs under the narrow flags", async () => {
  const seg = await tempExample();
  try {
    const bad = await spawn(["run", ...narrow(seg), MAIN_TS, "ast", "skeletn", "-s", seg]);
    assert.equal(bad.code, 2, bad.stderr);
    const suggested = /Run `trifecta ([^`]*)--help`/.exec(bad.stderr);
    assert.ok(suggested, bad.stderr);
    const words = (suggested[1] ?? "").trim().split(/\s+/).filter((w) => w !== "");
    const help = await spawn(["run", ...narrow(seg), MAIN_TS, ...words, "--help"]);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /Usage: trifecta/);
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("grants: ast skeleton, ast symbols, cache stats and telemetry report work without --allow-env", async () => {
  const seg = await tempExample();
  try {
    const flags = readWriteOnly(seg);
    for (
      const args of [
        ["ast", "skeleton", "src", "-s", seg],
        ["ast", "symbols", "sym://python/mod/src.inventory.service", "-s", seg],
        ["ast", "skeleton", "src", "-s", seg, "--persist-cache"],
        ["cache", "stats", "-s", seg],
        ["telemetry", "report", "-s", seg],
      ]
    ) {
      // TRIFECTA_NO_FAST_PATH is set: it must read as unset, not throw.
      const r = await spawn(["run", ...flags, MAIN_TS, ...args], { TRIFECTA_NO_FAST_PATH: "1" });
      assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /NotCapable|PERMISSION_NOT_GRANTED/, args.join(" "));
    }
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("grants: ctx build and ctx search work without --allow-env", async () => {
  const seg = await tempExample();
  try {
    const flags = readWriteOnly(seg);
    for (const args of [["ctx", "build", "-s", seg], ["ctx", "search", "-q", "stock", "-s", seg]]) {
      const r = await spawn(["run", ...flags, MAIN_TS, ...args]);
      assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /NotCapable|PERMISSION_NOT_GRANTED/, args.join(" "));
    }
  } finally {
    await removeSegment(seg);
  }
});

/**
 * A language server that answers `initialize`, publishes no diagnostics and
 * answers `definition` with line 3, col 18 of the same file; the wrapper
 * script leaves a marker so the test sees that it was started.
 */
const FAKE_SERVER = `
const enc = new TextEncoder();
const dec = new TextDecoder();
let buf = new Uint8Array(0);
function send(msg) {
  const body = enc.encode(JSON.stringify(msg));
  const all = new Uint8Array([...enc.encode("Content-Length: " + body.length + "\\r\\n\\r\\n"), ...body]);
  let off = 0;
  while (off < all.length) off += Deno.stdout.writeSync(all.subarray(off));
}
function handle(msg) {
  if (msg.method === "initialize") {
    send({ jsonrpc: "2.0", id: msg.id, result: { capabilities: { definitionProvider: true, textDocumentSync: 1 } } });
  } else if (msg.method === "textDocument/didOpen") {
    const d = msg.params.textDocument;
    send({ jsonrpc: "2.0", method: "textDocument/publishDiagnostics", params: { uri: d.uri, version: d.version, diagnostics: [] } });
  } else if (msg.method === "textDocument/definition") {
    const uri = msg.params.textDocument.uri;
    send({ jsonrpc: "2.0", id: msg.id, result: [{ uri, range: { start: { line: 2, character: 17 }, end: { line: 2, character: 24 } } }] });
  } else if (msg.method === "exit") {
    Deno.exit(0);
  } else if (msg.id !== undefined && msg.method) {
    send({ jsonrpc: "2.0", id: msg.id, result: null });
  }
}
for await (const chunk of Deno.stdin.readable) {
  const next = new Uint8Array(buf.length + chunk.length);
  next.set(buf);
  next.set(chunk, buf.length);
  buf = next;
  for (;;) {
    const head = dec.decode(buf.subarray(0, Math.min(buf.length, 256)));
    const end = head.indexOf("\\r\\n\\r\\n");
    if (end < 0) break;
    const len = Number(/Content-Length: (\\d+)/i.exec(head.slice(0, end))?.[1] ?? 0);
    const start = end + 4;
    if (buf.length < start + len) break;
    handle(JSON.parse(dec.decode(buf.subarray(start, start + len))));
    buf = buf.slice(start + len);
  }
}
`;

/** A temp dir with `bin/typescript-language-server` (the fake) and where its marker goes. */
async function fakeServerDir(): Promise<{ dir: string; bin: string; marker: string }> {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-fake-tsls-" });
  const bin = join(dir, "bin");
  await Deno.mkdir(bin);
  await Deno.writeTextFile(join(dir, "server.js"), FAKE_SERVER);
  const marker = join(dir, "started");
  const exe = join(bin, "typescript-language-server");
  await Deno.writeTextFile(
    exe,
    `#!/bin/sh\ntouch '${marker}'\nexec '${Deno.execPath()}' run -A '${
      join(dir, "server.js")
    }' "$@"\n`,
  );
  await Deno.chmod(exe, 0o755);
  return { dir, bin, marker };
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

Deno.test("grants: the cli launcher grants the TypeScript server found on PATH, which then answers FULL", async () => {
  const seg = await tempExample();
  const fake = await fakeServerDir();
  try {
    const r = await spawn(
      [
        "run",
        ...launcherFlags(),
        LAUNCHER,
        "lsp",
        "definition",
        "web/api.ts:38:34",
        "-s",
        seg,
        "--json",
      ],
      {
        PATH: `${fake.bin}:${Deno.env.get("PATH") ?? ""}`,
        INIT_CWD: REPO_ROOT,
        TRIFECTA_LSP_DAEMON: "0",
      },
    );
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.equal(json.fallback_reason, undefined, r.stdout);
    assert.equal(json.capability_state, "FULL", r.stdout);
    assert.equal(json.backend, "lsp_typescript");
    assert.deepEqual(json.data.locations[0], {
      path: "web/api.ts",
      line: 3,
      col: 18,
      end_line: 3,
      end_col: 25,
    });
    assert.ok(await exists(fake.marker), "the fake server was started");
  } finally {
    await removeSegment(seg);
    await Deno.remove(fake.dir, { recursive: true });
  }
});

Deno.test("grants: the launcher's flags grant the server's path to run and read, nothing broader", async () => {
  const seg = await tempExample();
  const fake = await fakeServerDir();
  try {
    // The launcher prints nothing of its flags: ask permissions.ts in a child
    // with the launcher's own grants and the fake on PATH.
    const code = `
      import { permissionFlags, serverExecutables } from ${
      JSON.stringify(join(REPO_ROOT, "tools", "permissions.ts"))
    };
      const servers = await serverExecutables();
      console.log(JSON.stringify(permissionFlags({ segment: Deno.args[0], servers })));
    `;
    const script = join(fake.dir, "flags.ts");
    await Deno.writeTextFile(script, code);
    // The fake alone on PATH: a server installed on this machine (clangd) would be granted too.
    const r = await spawn(["run", ...launcherFlags(), script, seg], { PATH: fake.bin });
    assert.equal(r.code, 0, r.stderr);
    const flags = JSON.parse(r.stdout) as string[];
    const exe = join(fake.bin, "typescript-language-server");
    const run = flags.find((f) => f.startsWith("--allow-run="))!.slice("--allow-run=".length);
    const read = flags.find((f) => f.startsWith("--allow-read="))!.slice("--allow-read=".length);
    assert.deepEqual(run.split(","), [Deno.execPath(), exe]);
    assert.ok(read.split(",").includes(exe), read);
    assert.ok(!flags.includes("--allow-run"), "never an unscoped --allow-run");
  } finally {
    await removeSegment(seg);
    await Deno.remove(fake.dir, { recursive: true });
  }
});

Deno.test("grants: the launcher grants every registry server found on PATH (clangd, gopls), not only pyright's and TypeScript's", async () => {
  const seg = await tempExample();
  const dir = await Deno.makeTempDir({ prefix: "trifecta-fake-servers-" });
  try {
    // Never started: discovery only needs executables by these names.
    const exes = ["clangd", "gopls"].map((name) => join(dir, name));
    for (const exe of exes) {
      await Deno.writeTextFile(exe, "#!/bin/sh\nexit 1\n");
      await Deno.chmod(exe, 0o755);
    }
    const script = join(dir, "flags.ts");
    await Deno.writeTextFile(
      script,
      `import { permissionFlags, serverExecutables } from ${
        JSON.stringify(join(REPO_ROOT, "tools", "permissions.ts"))
      };
      const servers = await serverExecutables();
      console.log(JSON.stringify(permissionFlags({ segment: Deno.args[0], servers })));`,
    );
    const r = await spawn(["run", ...launcherFlags(), script, seg], { PATH: dir });
    assert.equal(r.code, 0, r.stderr);
    const flags = JSON.parse(r.stdout) as string[];
    const run = flags.find((f) => f.startsWith("--allow-run="))?.slice("--allow-run=".length);
    assert.deepEqual(run?.split(","), [Deno.execPath(), ...exes]);
  } finally {
    await removeSegment(seg);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("grants: deno.json's cli task gives the launcher the flags launcherFlags() names", async () => {
  const config = JSON.parse(await Deno.readTextFile(join(REPO_ROOT, "deno.json"))) as {
    tasks: Record<string, string>;
  };
  const task = config.tasks.cli ?? "";
  assert.ok(task !== "", "deno.json has a cli task");
  for (const flag of launcherFlags()) {
    if (flag.startsWith("--allow-run=")) {
      assert.match(task, /--allow-run=\$\(deno eval 'console\.log\(Deno\.execPath\(\)\)'\)/);
    } else assert.ok(task.split(/\s+/).includes(flag), `deno.json cli task lacks ${flag}: ${task}`);
  }
});

Deno.test("grants: the bundle runs --help, ast, ctx, cache and telemetry with only read and write grants", async () => {
  const seg = await tempExample();
  const out = await Deno.makeTempDir({ prefix: "trifecta-bundle-grants-" });
  try {
    const bundle = join(out, "trifecta.js");
    const built = await spawn([
      "bundle",
      "--unstable-raw-imports",
      "--platform=deno",
      "-o",
      bundle,
      MAIN_TS,
    ]);
    assert.equal(built.code, 0, built.stderr);
    const flags = [
      "--no-prompt",
      `--allow-read=${seg}`,
      `--allow-write=${seg}/_ctx,${seg}/.trifecta`,
    ];
    for (
      const args of [
        ["--help"],
        ["ast", "--help"],
        ["ast", "skeleton", "src", "-s", seg],
        ["ctx", "build", "-s", seg],
        ["ctx", "search", "-q", "stock", "-s", seg],
        ["cache", "stats", "-s", seg],
        ["telemetry", "report", "-s", seg],
      ]
    ) {
      const r = await spawn(["run", ...flags, bundle, ...args], { TRIFECTA_NO_FAST_PATH: "1" });
      assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
      assert.doesNotMatch(r.stdout + r.stderr, /NotCapable|PERMISSION_NOT_GRANTED/, args.join(" "));
    }
  } finally {
    await removeSegment(seg);
    await Deno.remove(out, { recursive: true });
  }
});
