import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { removeSegment, REPO_ROOT, tempExample } from "./helpers.ts";

const SERVER = fileURLToPath(new URL("./serve_checkout.ts", import.meta.url));

/** Start the loopback server; resolve with its port and a stop function. */
async function serveCheckout(): Promise<{ port: number; stop: () => Promise<void> }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net=127.0.0.1", `--allow-read=${REPO_ROOT}`, SERVER, REPO_ROOT],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("server exited before printing its port");
    text += value;
  }
  return {
    port: Number(text.trim()),
    stop: async () => {
      child.kill("SIGTERM");
      await reader.cancel();
      await child.status;
    },
  };
}

Deno.test("main.ts runs from an http URL with the checkout's deno.json as import map", async () => {
  const seg = await tempExample();
  const server = await serveCheckout();
  try {
    const base = `http://127.0.0.1:${server.port}`;
    const run = (args: string[]) =>
      new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          `--reload=${base}`,
          `--allow-import=127.0.0.1:${server.port}`,
          `--import-map=${base}/deno.json`,
          "--unstable-raw-imports",
          `--allow-read=${seg}`,
          `--allow-write=${seg}/_ctx,${seg}/.trifecta`,
          "--allow-env",
          `${base}/main.ts`,
          ...args,
          "-s",
          seg,
        ],
        env: { NO_COLOR: "1" },
        stdout: "piped",
        stderr: "piped",
      }).output();
    const version = await run(["--version"]);
    assert.equal(version.code, 0);
    assert.match(new TextDecoder().decode(version.stdout), /^trifecta \d+\.\d+\.\d+/);
    const skel = await run(["ast", "skeleton", "src", "web", "--json"]);
    assert.equal(skel.code, 0, new TextDecoder().decode(skel.stderr));
    const files = JSON.parse(new TextDecoder().decode(skel.stdout)).files as {
      path: string;
      symbols: { name: string }[];
    }[];
    const models = files.find((f) => f.path === "src/inventory/models.py");
    assert.deepEqual(models?.symbols.map((s) => s.name), ["Item", "Inventory"]);
    assert.ok(files.some((f) => f.path === "web/api.ts"));
    const sym = await run([
      "ast",
      "symbols",
      "sym://python/type/src/inventory/models/Inventory#add",
    ]);
    assert.equal(sym.code, 0, new TextDecoder().decode(sym.stderr));
    assert.match(new TextDecoder().decode(sym.stdout), /models\.py:46-48/);
  } finally {
    await server.stop();
    await removeSegment(seg);
  }
});
