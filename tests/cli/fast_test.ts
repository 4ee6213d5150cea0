import assert from "node:assert/strict";
import { runFast } from "../../lib/cli/fast.ts";
import { captureOutput } from "../../lib/cli/output.ts";
import { tempExample } from "../e2e/helpers.ts";

Deno.test("runFast declines what only the full CLI handles", async () => {
  for (
    const argv of [
      ["ast", "symbols", "--help"],
      ["cache", "stats"], // not a hot command
      ["lsp", "definition", "a.py:1:1", "--requre-lsp"], // unknown option
      ["ctx", "search", "-q", "x", "-l", "0"], // bad value
      ["ctx", "search", "-l", "3"], // missing -q
      ["ctx", "search", "-q", "x", "--explain"], // an option it does not take
      ["ast", "symbols", "a", "b"], // wrong arity
      ["ast", "symbols", "sym://py/mod/x", "--telemetry", "lit"],
      ["ast", "symbols", "sym://py/mod/x", "--json=1"], // a boolean given a value
      ["ast", "symbols", "sym://py/mod/x", "-s"], // a missing value
      ["ast", "symbols", "sym://py/mod/x", "-s", "--json"], // a value that looks like an option
      ["ast", "symbols", "sym://py/mod/x", "-x"], // an unknown short option
      // a flag and its negation: the last one wins in commander
      ["ast", "skeleton", "src", "--persist-cache", "--no-persist-cache"],
      ["ast", "skeleton", "src", "--no-persist-cache", "--persist-cache"],
    ]
  ) {
    const out = captureOutput();
    assert.equal(await runFast(argv, { output: out }), undefined, argv.join(" "));
    assert.equal(out.stdout + out.stderr, "", "declining writes nothing");
  }
});

Deno.test("runFast answers a hot command itself, errors included", async () => {
  const seg = await tempExample();
  try {
    const out = captureOutput();
    const uri = "sym://python/type/src/inventory/models/Inventory#add";
    const code = await runFast(["ast", "symbols", uri, "-s", seg, "--json", "--telemetry", "off"], {
      output: out,
    });
    assert.equal(code, 0);
    const json = JSON.parse(out.stdout);
    assert.equal(json.status, "ok");
    assert.equal(json.file_rel, "src/inventory/models.py");
    const err = captureOutput();
    const bad = await runFast([
      "ast",
      "symbols",
      "sym://python/type/src/nope/X",
      "-s",
      seg,
      "--json",
    ], {
      output: err,
    });
    assert.equal(bad, 1);
    assert.equal(JSON.parse(err.stdout).status, "error");
  } finally {
    await Deno.remove(seg, { recursive: true });
  }
});

Deno.test("runFast takes --name=value, -svalue and a positional after --", async () => {
  const seg = await tempExample();
  try {
    const uri = "sym://python/type/src/inventory/models/Inventory#add";
    for (
      const argv of [
        ["ast", "symbols", uri, `--segment=${seg}`, "--json", "--telemetry=off"],
        ["ast", "symbols", `-s${seg}`, "--json", "--telemetry", "off", uri],
        ["ast", "symbols", "-s", seg, "--json", "--telemetry", "off", "--", uri],
      ]
    ) {
      const out = captureOutput();
      assert.equal(await runFast(argv, { output: out }), 0, argv.join(" "));
      assert.equal(JSON.parse(out.stdout).file_rel, "src/inventory/models.py");
    }
  } finally {
    await Deno.remove(seg, { recursive: true });
  }
});

Deno.test("runFast answers ast skeleton itself (a warm skeleton pays no commander start-up)", async () => {
  const seg = await tempExample();
  try {
    const out = captureOutput();
    const code = await runFast([
      "ast",
      "skeleton",
      "src",
      "-s",
      seg,
      "--json",
      "--telemetry",
      "off",
    ], {
      output: out,
    });
    assert.equal(code, 0);
    const json = JSON.parse(out.stdout);
    assert.equal(json.status, "ok");
    assert.ok(json.files.length > 0);
  } finally {
    await Deno.remove(seg, { recursive: true });
  }
});

/** The SQLite files in the segment's `.trifecta/cache/` (none when it does not exist). */
function sqliteFiles(seg: string): string[] {
  try {
    return [...Deno.readDirSync(`${seg}/.trifecta/cache`)].map((e) => e.name).filter((n) =>
      n.includes(".db")
    );
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
}

Deno.test("runFast takes --no-persist-cache: a cold skeleton pays no commander start-up and writes no cache", async () => {
  const seg = await tempExample();
  try {
    const out = captureOutput();
    const argv = ["ast", "skeleton", "src", "-s", seg, "--json", "--telemetry", "off"];
    const code = await runFast([...argv, "--no-persist-cache"], { output: out });
    assert.equal(code, 0);
    const json = JSON.parse(out.stdout);
    assert.ok(json.files.length > 0);
    assert.ok(json.files.every((f: { cache_status: string }) => f.cache_status === "miss"));
    assert.deepEqual(sqliteFiles(seg), [], "no SQLite file with --no-persist-cache");
    // The same run without the flag does write the persistent cache (the test can fail).
    assert.equal(await runFast(argv, { output: captureOutput() }), 0);
    assert.notDeepEqual(sqliteFiles(seg), []);
  } finally {
    await Deno.remove(seg, { recursive: true });
  }
});
