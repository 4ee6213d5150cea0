import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

// The warm-daemon query path must stay free of node: modules and npm
// packages (each costs start-up time, see docs/cli.md "Start-up paths").
// Checked on Deno's own module graph, static imports only: dynamic imports
// load lazily (deno.json "unstable": ["lazy-dynamic-imports"]).

const ROOT = new URL("../../", import.meta.url);

interface InfoDependency {
  specifier: string;
  isDynamic?: boolean;
  code?: { specifier?: string };
}
interface InfoModule {
  specifier: string;
  dependencies?: InfoDependency[];
}

async function staticGraph(entry: string): Promise<string[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    cwd: fileURLToPath(ROOT),
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    roots: string[];
    modules: InfoModule[];
  };
  const bySpecifier = new Map(info.modules.map((m) => [m.specifier, m]));
  const [root] = info.roots;
  assert.ok(root, "deno info names the entry");
  const seen = new Set<string>([root]);
  const queue = [root];
  while (queue.length > 0) {
    const mod = bySpecifier.get(queue.shift()!);
    for (const dep of mod?.dependencies ?? []) {
      if (dep.isDynamic) continue;
      const target = dep.code?.specifier ?? dep.specifier;
      if (!seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return [...seen].map((s) => s.replace(ROOT.href, ""));
}

for (const entry of ["main.ts", "lib/cli/fast.ts", "lib/cli/lsp_query.ts"]) {
  Deno.test(`${entry} statically imports no node: module, npm package or LSP client`, async () => {
    const graph = await staticGraph(entry);
    assert.ok(graph.length > 0);
    const heavy = graph.filter((s) =>
      s.startsWith("node:") || s.startsWith("npm:") || s.startsWith("lib/ast/") ||
      s.startsWith("lib/cache/") || s === "lib/lsp/client.ts" || s === "lib/lsp/mod.ts" ||
      s === "lib/cli/mod.ts"
    );
    assert.deepEqual(heavy, [], `${entry} loads: ${heavy.join(", ")}`);
  });
}

Deno.test("lsp_query's graph reaches the daemon client (the check above sees real imports)", async () => {
  const graph = await staticGraph("lib/cli/lsp_query.ts");
  assert.ok(graph.includes("lib/lsp/daemon_client.ts"), graph.join(", "));
  assert.ok(graph.includes("lib/sha256.ts"));
});

Deno.test("deno.json loads dynamic imports lazily", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT)));
  assert.ok((config.unstable ?? []).includes("lazy-dynamic-imports"));
});

Deno.test("the fast path loads the error card only on failure (not in its static graph)", async () => {
  const graph = await staticGraph("lib/cli/fast.ts");
  assert.ok(graph.includes("lib/cli/command.ts"), graph.join(", "));
  const card = ["lib/cli/error_card.ts", "lib/contract/errors.ts", "lib/contract/error_paths.ts"];
  assert.deepEqual(graph.filter((s) => card.includes(s)), []);
});
