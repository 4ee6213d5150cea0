/**
 * The CLI `ctx sync` validates an incremental sync by what it wrote (not
 * every chunk): its report keeps the full validation's fields and values.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runCli, withTempSegment } from "./helpers.ts";

const FILES = {
  "README.md": "# Demo\nIntro.\n## Install\nRun it.\n",
  "src/app.py": "def serve():\n    return 1\n\n\ndef stop():\n    return 0\n",
  "src/util.py": "def helper():\n    return 2\n",
  "src/old.py": "def legacy():\n    return 3\n",
};

function json(stdout: string): Record<string, unknown> {
  return JSON.parse(stdout) as Record<string, unknown>;
}

Deno.test("ctx sync of an edit, an add and a delete reports the validation ctx validate reports", async () => {
  await withTempSegment(FILES, async (dir) => {
    const built = await runCli(["ctx", "build", "-s", dir]);
    assert.equal(built.code, 0, built.stderr);
    await Deno.writeTextFile(join(dir, "src/app.py"), "def serve():\n    return 42\n");
    await Deno.writeTextFile(join(dir, "src/new.py"), "def fresh():\n    return 5\n");
    await Deno.remove(join(dir, "src/old.py"));
    const synced = await runCli(["ctx", "sync", "-s", dir, "--json"]);
    assert.equal(synced.code, 0, synced.stdout + synced.stderr);
    const s = json(synced.stdout);
    const build = s.build as Record<string, unknown>;
    assert.deepEqual([build.mode, build.added, build.changed, build.deleted], [
      "incremental",
      1,
      1,
      1,
    ]);
    const validated = await runCli(["ctx", "validate", "-s", dir, "--json"]);
    assert.equal(validated.code, 0, validated.stdout + validated.stderr);
    const { status: _, ...full } = json(validated.stdout);
    assert.deepEqual(s.validation, full);
    assert.equal((s.validation as Record<string, unknown>).source_files, 4);
  });
});

Deno.test("ctx sync after an edit in the text output says the validation passed", async () => {
  await withTempSegment(FILES, async (dir) => {
    assert.equal((await runCli(["ctx", "build", "-s", dir])).code, 0);
    await Deno.writeTextFile(join(dir, "src/util.py"), "def helper():\n    return 3\n");
    const r = await runCli(["ctx", "sync", "-s", dir]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /\(incremental\): 0 added, 1 changed, 0 deleted, 3 unchanged/);
    assert.match(r.stdout, /✅ Validation Passed/);
  });
});
