/**
 * The bundle: `deno task bundle` (tools/bundle.ts) builds dist/trifecta.js,
 * grammars inlined gzip-compressed, which runs with the documented narrow
 * flags, without the checkout and from an http URL. The bundle is built once
 * per test file (it takes seconds), by the task's own script.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { copyTree, removeSegment, REPO_ROOT, runCli, tempExample } from "./helpers.ts";
import { permissionFlags } from "../../tools/permissions.ts";

const BUNDLE_TOOL = fileURLToPath(new URL("../../tools/bundle.ts", import.meta.url));
const SERVER = fileURLToPath(new URL("./serve_checkout.ts", import.meta.url));

async function run(cmd: string, args: string[], cwd = REPO_ROOT) {
  const out = await new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "piped" }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

let built: Promise<{ dir: string; bundle: string; report: string }> | undefined;

/** The bundle, built once by tools/bundle.ts (as `deno task bundle` does) into a temp dir. */
function bundle(): Promise<{ dir: string; bundle: string; report: string }> {
  built ??= (async () => {
    const dir = await Deno.makeTempDir({ prefix: "trifecta-bundle-" });
    const bundle = join(dir, "trifecta.js");
    const b = await run(Deno.execPath(), [
      "run",
      "--allow-read",
      "--allow-write",
      "--allow-run",
      BUNDLE_TOOL,
      bundle,
    ]);
    assert.equal(b.code, 0, b.stderr);
    return { dir, bundle, report: b.stdout };
  })();
  return built;
}

/** The bundle's directory goes with the last test of this file. */
async function removeBundle(): Promise<void> {
  if (built !== undefined) await removeSegment((await built).dir);
}

Deno.test("bundle: one file runs skeleton, symbols and ctx on the example with narrow flags", async () => {
  const { dir: outDir, bundle: file } = await bundle();
  const seg = await Deno.realPath(await tempExample());
  try {
    // The bundle is read only by module loading: no read grant on its directory.
    const flags = permissionFlags({ segment: seg, rawImports: false });
    const cli = (...args: string[]) =>
      run(Deno.execPath(), ["run", ...flags, file, ...args, "-s", seg, "--json"], outDir);
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
    await removeSegment(seg);
  }
});

Deno.test("bundle: every grammar is stored gzip-compressed, the runtime's wasm as is", async () => {
  const { bundle: file, report } = await bundle();
  const text = await Deno.readTextFile(file);
  // base64 of a wasm module's magic `\0asm` is "AGFzbQ", of gzip's 1f 8b 08 "H4sI".
  const plain = [...text.matchAll(/["'`]AGFzbQ/g)].length;
  const gzipped = [...text.matchAll(/["'`]H4sI/g)].length;
  assert.equal(plain, 1, "only web-tree-sitter's runtime wasm stays uncompressed");
  // eleven grammars: ten languages, TypeScript with its TSX grammar.
  assert.equal(gzipped, 11, report);
  assert.match(report, /11 grammars gzip-compressed/);
  // 26 MB as `deno bundle` writes it; about 3.3 MB minified and compressed.
  assert.ok(text.length < 6_000_000, `bundle is ${text.length} bytes`);
});

/** Fixture folders holding every language the registry parses, JS and TSX included. */
const LANGUAGE_FIXTURES = [
  "c",
  "cpp",
  "csharp",
  "go",
  "java",
  "php",
  "ruby",
  "rust",
  "ast/typescript",
];

Deno.test("bundle: a skeleton of every language matches the checkout's", async () => {
  const { dir: outDir, bundle: file } = await bundle();
  const seg = await Deno.realPath(await tempExample());
  try {
    for (const name of LANGUAGE_FIXTURES) {
      await copyTree(join(REPO_ROOT, "fixtures", name), join(seg, "langs", name));
    }
    // Both parse (no cache hit for the second): the outputs differ in nothing else.
    const args = [
      "ast",
      "skeleton",
      "src",
      "web",
      "langs",
      "-s",
      seg,
      "--json",
      "--no-persist-cache",
    ];
    const fromBundle = await run(Deno.execPath(), [
      "run",
      ...permissionFlags({ segment: seg, rawImports: false }),
      file,
      ...args,
    ], outDir);
    assert.equal(fromBundle.code, 0, fromBundle.stderr);
    const fromCheckout = await runCli(args);
    assert.equal(fromCheckout.code, 0, fromCheckout.stderr);
    const [a, b] = [JSON.parse(fromBundle.stdout), JSON.parse(fromCheckout.stdout)];
    // The bundle parses on its main thread (no worker file beside it): 0 workers.
    assert.equal(a.stats.workers, 0);
    delete a.stats.workers;
    delete b.stats.workers;
    assert.deepEqual(a, b);
    const languages = new Set((a.files as { language: string }[]).map((f) => f.language));
    const expected = [
      "python",
      "typescript",
      "tsx",
      "javascript",
      "c",
      "cpp",
      "go",
      "rust",
      "java",
      "csharp",
      "ruby",
      "php",
    ];
    assert.deepEqual([...languages].sort(), expected.sort());
  } finally {
    await removeSegment(seg);
  }
});

Deno.test("bundle: runs from an http URL (--version and a skeleton)", async () => {
  const { dir, bundle: file } = await bundle();
  const seg = await Deno.realPath(await tempExample());
  const server = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net=127.0.0.1", `--allow-read=${dir}`, SERVER, dir],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = server.stdout.pipeThrough(new TextDecoderStream()).getReader();
  try {
    let port = "";
    while (!port.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) throw new Error("server exited before printing its port");
      port += value;
    }
    const base = `http://127.0.0.1:${port.trim()}`;
    const url = (...args: string[]) =>
      run(Deno.execPath(), [
        "run",
        `--reload=${base}`,
        `--allow-import=127.0.0.1:${port.trim()}`,
        ...permissionFlags({ segment: seg, rawImports: false }),
        `${base}/${file.slice(dir.length + 1)}`,
        ...args,
      ], seg);
    const version = await url("--version");
    assert.equal(version.code, 0, version.stderr);
    assert.match(version.stdout, /^trifecta \d+\.\d+\.\d+/);
    const sk = await url("ast", "skeleton", "web/api.ts", "-s", seg, "--json");
    assert.equal(sk.code, 0, sk.stderr);
    assert.ok(JSON.parse(sk.stdout).files[0].symbols.length > 0);
  } finally {
    server.kill("SIGTERM");
    await reader.cancel();
    await server.status;
    await removeSegment(seg);
    await removeBundle();
  }
});
