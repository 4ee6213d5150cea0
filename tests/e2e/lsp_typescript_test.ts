/**
 * `trifecta lsp …` on TypeScript with the real typescript-language-server
 * (optional in trifecta: used when it is on PATH). The test installs a
 * pinned server and TypeScript with npm into a temp prefix; where npm or
 * the registry is unavailable it prints why and skips.
 *
 * Pins: typescript-language-server 5.3.0 (6.x needs Node ≥ 22.22) and
 * TypeScript 5.9.3 (TypeScript 7 is the native compiler and ships no
 * `tsserver.js`, which the server needs).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { removeSegment, runCli, tempExample } from "./helpers.ts";

const PACKAGES = ["typescript-language-server@5.3.0", "typescript@5.9.3"];

async function installServer(): Promise<{ bin?: string; why?: string; prefix: string }> {
  const prefix = await Deno.makeTempDir({ prefix: "trifecta-tsls-" });
  try {
    const out = await new Deno.Command("npm", {
      args: ["install", "--prefix", prefix, "--no-audit", "--no-fund", "--silent", ...PACKAGES],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (out.code !== 0) {
      return { prefix, why: `npm install failed: ${new TextDecoder().decode(out.stderr).trim()}` };
    }
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return { prefix, why: "npm is not on PATH" };
    throw err;
  }
  return { prefix, bin: join(prefix, "node_modules", ".bin") };
}

const setup = await installServer();
if (!setup.bin) console.log(`SKIPPED TypeScript language-server tests: ${setup.why}`);

function envWithServer(): Record<string, string> {
  return { PATH: `${setup.bin}:${Deno.env.get("PATH") ?? ""}` };
}

Deno.test({
  name:
    "e2e lsp typescript: the real typescript-language-server answers definition, hover and references (FULL)",
  ignore: !setup.bin,
  fn: async () => {
    const seg = await tempExample();
    try {
      const ask = async (method: string, at: string) => {
        const res = await runCli(["lsp", method, at, "-s", seg, "--json", "--require-lsp"], {
          env: envWithServer(),
        });
        assert.equal(res.code, 0, res.stderr + res.stdout);
        const json = JSON.parse(res.stdout);
        assert.equal(json.capability_state, "FULL", res.stdout);
        assert.equal(json.backend, "lsp_typescript");
        return json.data;
      };
      // `ItemDto` in stockValue's parameter → the interface on line 3.
      const def = await ask("definition", "web/api.ts:38:34");
      assert.deepEqual(
        def.locations.map((l: { path: string; line: number }) => [l.path, l.line]),
        [["web/api.ts", 3]],
      );
      const hover = await ask("hover", "web/api.ts:38:17");
      assert.match(hover.contents, /function stockValue\(item: ItemDto\): number/);
      const refs = await ask("references", "web/api.ts:3:18");
      const lines = refs.locations.map((l: { line: number }) => l.line);
      for (const line of [24, 27, 38]) assert.ok(lines.includes(line), `line ${line} in ${lines}`);
    } finally {
      await removeSegment(seg);
    }
  },
});

Deno.test({
  name: "e2e lsp typescript: the server is not on PATH → AST answer naming lsp_binary_not_found",
  fn: async () => {
    const seg = await tempExample();
    try {
      const res = await runCli(["lsp", "definition", "web/api.ts:38:34", "-s", seg, "--json"], {
        env: { PATH: "/nonexistent" },
      });
      assert.equal(res.code, 0, res.stderr);
      const json = JSON.parse(res.stdout);
      assert.equal(json.capability_state, "DEGRADED");
      assert.equal(json.fallback_reason, "lsp_binary_not_found");
      assert.equal(json.data.locations[0].line, 3);
    } finally {
      await removeSegment(seg);
    }
  },
});

// The install prefix goes when the module's tests are done.
globalThis.addEventListener("unload", () => Deno.removeSync(setup.prefix, { recursive: true }));
