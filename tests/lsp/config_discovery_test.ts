import assert from "node:assert/strict";
import { join } from "node:path";
import { lspConfig, parseCommandLine } from "../../lib/lsp/config.ts";
import { findServer, isServerCommand } from "../../lib/lsp/discovery.ts";
import {
  familyExtensions,
  languageIdOf,
  serverFamilies,
  serverLanguageOf,
  serverSpecs,
  warmupTarget,
} from "../../lib/lsp/servers.ts";
import { languageOfPath } from "../../lib/languages/mod.ts";
import { resolveSegment } from "../../lib/segment/mod.ts";

const envOf = (vars: Record<string, string>) => (name: string) => vars[name];

Deno.test("config: defaults and TRIFECTA_LSP=0", () => {
  const d = lspConfig(envOf({}));
  assert.equal(d.enabled, true);
  assert.equal(d.requestTimeoutMs, 30_000);
  assert.equal(d.daemonTtlS, 300);
  const off = lspConfig(envOf({ TRIFECTA_LSP: "0", TRIFECTA_LSP_REQUEST_TIMEOUT: "1.5" }));
  assert.equal(off.enabled, false);
  assert.equal(off.requestTimeoutMs, 1500);
  assert.equal(lspConfig(envOf({ TRIFECTA_LSP_REQUEST_TIMEOUT: "soon" })).requestTimeoutMs, 30_000);
  assert.equal(lspConfig(envOf({ TRIFECTA_LSP_READY_TIMEOUT: "0" })).readyTimeoutMs, 0);
});

Deno.test("config: command lines as words or as a JSON array", () => {
  assert.deepEqual(parseCommandLine(" pyright-langserver  --stdio "), [
    "pyright-langserver",
    "--stdio",
  ]);
  assert.deepEqual(parseCommandLine('["/opt/my server/ls", "--stdio"]'), [
    "/opt/my server/ls",
    "--stdio",
  ]);
});

Deno.test("discovery: a configured command that does not exist is lsp_binary_not_found", async () => {
  const miss = await findServer("python", {
    env: envOf({
      TRIFECTA_LSP_COMMAND: "/nonexistent/pyright-langserver --stdio",
      PATH: "/usr/bin",
    }),
  });
  assert.equal(isServerCommand(miss), false);
  assert.equal((miss as { reason: string }).reason, "lsp_binary_not_found");
});

Deno.test("discovery: pyright-langserver on PATH wins over the npm fallback", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const exe = join(dir, "pyright-langserver");
    await Deno.writeTextFile(exe, "#!/bin/sh\nexit 0\n", { mode: 0o755 });
    const found = await findServer("python", { env: envOf({ PATH: dir }) });
    assert.ok(isServerCommand(found));
    assert.equal(found.command, exe);
    assert.deepEqual(found.args, ["--stdio"]);
    assert.equal(found.backend, "lsp_pyright");
    assert.equal(found.source, "path");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("discovery: with nothing on PATH, pyright from npm runs under this Deno", async () => {
  const found = await findServer("python", {
    env: envOf({ PATH: "" }),
    denoPath: "/usr/local/bin/deno",
  });
  assert.ok(isServerCommand(found));
  assert.equal(found.command, "/usr/local/bin/deno");
  assert.ok(found.args.includes("npm:pyright@1.1.414/langserver.index.js"));
  assert.ok(!found.args.includes("-A"), "the server gets narrow permissions");
  assert.ok(
    !found.args.some((x) => x === "--allow-read" || x.startsWith("--allow-all")),
    "never unscoped reads (without a segment root: no reads at all)",
  );
  assert.equal(found.source, "deno_npm");
});

Deno.test("discovery: TypeScript has no fallback when typescript-language-server is absent", async () => {
  const found = await findServer("typescript", { env: envOf({ PATH: "" }) });
  assert.equal(isServerCommand(found), false);
});

Deno.test("discovery: each family's server comes from its registry entry (name on PATH, args, backend)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const family of serverFamilies()) {
      const spec = serverSpecs(family)[0];
      const name = spec?.names[0];
      if (!spec || !name) continue;
      const exe = join(dir, family, name);
      await Deno.mkdir(join(dir, family));
      await Deno.writeTextFile(exe, "#!/bin/sh\nexit 0\n", { mode: 0o755 });
      const found = await findServer(family, { env: envOf({ PATH: join(dir, family) }) });
      assert.ok(isServerCommand(found), family);
      assert.deepEqual([found.command, found.args, found.backend, found.source], [
        exe,
        [...spec.args],
        spec.backend,
        "path",
      ]);
      // The entry's variable wins over PATH, and its backend is the candidate it names.
      const configured = await findServer(family, {
        env: envOf({ PATH: "", [spec.env]: `${exe} --flag` }),
      });
      assert.ok(isServerCommand(configured), family);
      assert.deepEqual([configured.args, configured.backend, configured.source], [
        ["--flag"],
        spec.backend,
        "env",
      ]);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("servers: TypeScript, TSX and JavaScript share one family; each file keeps its languageId", () => {
  const family = serverLanguageOf("web/app.ts");
  assert.ok(family !== undefined);
  assert.equal(serverLanguageOf("web/view.tsx"), family);
  assert.equal(serverLanguageOf("web/old.js"), family);
  assert.notEqual(serverLanguageOf("tool.py"), family);
  assert.equal(serverLanguageOf("README.md"), undefined);
  for (const path of ["/r/app.ts", "/r/view.tsx", "/r/old.js", "/r/main.go", "/r/a.c"]) {
    const server = languageOfPath(path)?.servers[0];
    assert.ok(server, path);
    const f = serverLanguageOf(path) ?? "";
    assert.equal(languageIdOf(path, server.backend, f), server.languageId);
  }
  assert.ok(familyExtensions(family).includes(".tsx"));
  assert.ok(familyExtensions(family).includes(".mjs"));
  assert.ok(!familyExtensions("python").includes(".ts"));
});

Deno.test("servers: the daemon and MCP session warm up the family with the most files", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const f of ["a.go", "b.go", "tool.py", "README.md"]) {
      await Deno.writeTextFile(join(dir, f), "\n");
    }
    const target = await warmupTarget(await resolveSegment(dir));
    assert.equal(target?.language, serverLanguageOf("a.go"));
    assert.match(target?.file.rel ?? "", /\.go$/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
