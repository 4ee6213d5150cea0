import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { removeSegment } from "./helpers.ts";

const COMPILE = fileURLToPath(new URL("../../tools/compile.ts", import.meta.url));

async function compile(out: string, env: Record<string, string>) {
  const r = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-write",
      "--allow-env=DENORT_BIN",
      "--allow-run",
      COMPILE,
      out,
    ],
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: r.code, stderr: new TextDecoder().decode(r.stderr) };
}

Deno.test("compile with a DENORT_BIN that names no file fails with a clear card", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const r = await compile(`${dir}/trifecta`, { DENORT_BIN: `${dir}/missing-denort` });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /TRIFECTA_ERROR_CODE: COMPILE_FAILED/);
    assert.match(r.stderr, /DENORT_BIN names no file/);
    assert.doesNotMatch(r.stderr, /Stack backtrace/);
  } finally {
    await removeSegment(dir);
  }
});

Deno.test("compile either builds a working binary or says why it cannot", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const r = await compile(`${dir}/trifecta`, {});
    if (r.code === 0) {
      // A machine that reaches Deno's download host: the binary must work.
      const v = await new Deno.Command(`${dir}/trifecta`, { args: ["--version"], stdout: "piped" })
        .output();
      assert.match(new TextDecoder().decode(v.stdout), /^trifecta \d+\.\d+\.\d+/);
    } else {
      assert.equal(r.code, 1);
      assert.match(r.stderr, /TRIFECTA_ERROR_CODE: COMPILE_FAILED/);
      assert.match(r.stderr, /DENORT_BIN/);
      assert.doesNotMatch(r.stderr, /Stack backtrace/);
    }
  } finally {
    await removeSegment(dir);
  }
});
