/**
 * The bundle: `deno task bundle` builds dist/trifecta.js (grammars inlined),
 * which runs with the documented narrow flags and without the checkout.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { removeSegment, REPO_ROOT, tempExample } from "./helpers.ts";
import { permissionFlags } from "../../tools/permissions.ts";

async function run(cmd: string, args: string[], cwd = REPO_ROOT) {
  const out = await new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "piped" }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("bundle: one file runs skeleton, symbols and ctx on the example with narrow flags", async () => {
  const outDir = await Deno.makeTempDir({ prefix: "trifecta-bundle-" });
  const seg = await Deno.realPath(await tempExample());
  try {
    const bundle = join(outDir, "trifecta.js");
    const b = await run(Deno.execPath(), [
      "bundle",
      "--unstable-raw-imports",
      "--platform=deno",
      "-o",
      bundle,
      "main.ts",
    ]);
    assert.equal(b.code, 0, b.stderr);
    // The bundle is read only by module loading: no read grant on its directory.
    const flags = permissionFlags({ segment: seg, rawImports: false });
    const cli = (...args: string[]) =>
      run(Deno.execPath(), ["run", ...flags, bundle, ...args, "-s", seg, "--json"], outDir);
    const sk = await cli("ast", "skeleton", "src/inventory/models.py");
    assert.equal(sk.code, 0, sk.stderr);
    assert.ok(JSON.parse(sk.stdout).files[0].symbols.length > 0);
    const sym = await cli("ast", "symbols", "sym://python/type/src.inventory.models/Inventory");
    assert.equal(sym.code, 0, sym.stdout + sym.stderr);
    const build = await cli("ctx", "build");
    assert.equal(build.code, 0, build.stderr);
    const search = await cli("ctx", "search", "-q", "inventory");
    assert.equal(search.code, 0, search.stderr);
    assert.ok(JSON.parse(search.stdout).hits.length > 0);
  } finally {
    await removeSegment(outDir);
    await removeSegment(seg);
  }
});
