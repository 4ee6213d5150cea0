import assert from "node:assert/strict";
import { join } from "node:path";
import { lspConfig, parseCommandLine } from "../../lib/lsp/config.ts";
import { findServer, isServerCommand, PYRIGHT_NPM } from "../../lib/lsp/discovery.ts";

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
  assert.ok(found.args.includes(PYRIGHT_NPM));
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
