/**
 * The read sandbox of pyright from npm (lib/lsp/sandbox.ts): which paths
 * are granted, which never are, and that the server is not run unscoped
 * when its grants cannot be found. The real probe runs (a child `deno eval`
 * and the machine's python); the attack itself, with real pyright, is in
 * tests/e2e/lsp_sandbox_test.ts.
 */
import assert from "node:assert/strict";
import { findServer, isServerCommand, which } from "../../lib/lsp/discovery.ts";
import {
  type NpmServer,
  npmServerOf,
  probeSandbox,
  sandboxGrants,
  type SandboxProbe,
} from "../../lib/lsp/sandbox.ts";
import { languageSpec } from "../../lib/languages/mod.ts";

/** pyright, as the Python entry of the registry declares it. */
function pyright(): NpmServer {
  const spec = languageSpec("python").servers.find((s) => s.npm === "pyright");
  const server = spec && npmServerOf(spec);
  assert.ok(server, "the Python entry names pyright from npm, pinned");
  return server;
}

const PKG = "/cache/deno/npm/registry.npmjs.org/pyright/1.1.414";

Deno.test("sandboxGrants: the root, the package and outside search paths; never an ancestor of the segment", () => {
  const probe: SandboxProbe = {
    npmPkgDirs: [PKG],
    searchPaths: [
      "/usr/lib/python3.12",
      "/work", // PYTHONPATH=.. seen from /work/seg
      "/",
      "/work/seg/src", // inside: covered by the root
      "/usr/lib/python3.12/../python3.12", // the same again
      "relative/dir",
      "/opt/a,/etc", // Deno's list would split it into two grants
      "/opt/x\ny",
    ],
  };
  const g = sandboxGrants("/work/seg", probe);
  assert.ok(!("reason" in g));
  assert.deepEqual(g.grants, ["/work/seg", PKG, "/usr/lib/python3.12"]);
  assert.ok(g.dropped.some((d) => d.startsWith("/work (contains the segment)")));
  assert.ok(g.dropped.some((d) => d.startsWith("/ (contains the segment)")));
  assert.equal(g.dropped.length, 5);
});

Deno.test("sandboxGrants: a segment path Deno's list cannot carry, or a package directory around the segment → server_not_sandboxed", () => {
  const probe: SandboxProbe = { npmPkgDirs: [PKG], searchPaths: [] };
  const comma = sandboxGrants("/work/a,b", probe);
  assert.ok("reason" in comma && comma.reason === "server_not_sandboxed");
  const around = sandboxGrants(`${PKG}/seg`, probe);
  assert.ok("reason" in around && around.reason === "server_not_sandboxed");
});

Deno.test("probe: finds pyright's package in Deno's cache and the interpreter's search paths", async () => {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-sandbox-" });
  try {
    const probe = await probeSandbox(await Deno.realPath(dir), pyright());
    assert.ok(!("reason" in probe), JSON.stringify(probe));
    assert.ok(probe.npmPkgDirs.some((d) => /\/pyright\/1\.1\.414$/.test(d)));
    assert.ok(probe.searchPaths.every((p) => p.startsWith("/")));
    // The registry's probe ran the interpreter (when there is one): its standard library is a search path.
    if (await which("python3") !== undefined) {
      assert.ok(
        probe.searchPaths.some((p) => /\/lib\/python3/.test(p)),
        probe.searchPaths.join(","),
      );
    }
    const server = await findServer("python", { root: await Deno.realPath(dir) });
    if (isServerCommand(server) && server.source === "deno_npm") {
      const read = server.args.find((a) => a.startsWith("--allow-read"));
      assert.ok(read?.startsWith("--allow-read="), "reads are scoped");
      assert.ok(read!.includes(await Deno.realPath(dir)));
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("discovery: when the package directory cannot be found, pyright from npm is not run (server_not_sandboxed naming DENO_DIR)", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-sandbox-" }));
  const before = Deno.env.get("DENO_DIR");
  // A relative DENO_DIR is refused by the probe (no download is tried).
  Deno.env.set("DENO_DIR", "not-absolute");
  try {
    const found = await findServer("python", {
      root: dir,
      env: (n) => (n === "PATH" ? "" : undefined),
    });
    assert.equal(isServerCommand(found), false);
    assert.ok(!isServerCommand(found));
    assert.equal(found.reason, "server_not_sandboxed");
    assert.match(found.detail ?? "", /DENO_DIR/);
  } finally {
    if (before === undefined) Deno.env.delete("DENO_DIR");
    else Deno.env.set("DENO_DIR", before);
    await Deno.remove(dir, { recursive: true });
  }
});
