import assert from "node:assert/strict";
import { WRITE_BUFFER_BYTES } from "../../lib/cli/output.ts";

/** Run `processOutput().out(text)` in a child process; what reached its stdout. */
async function written(text: string): Promise<Uint8Array> {
  const url = new URL("../../lib/cli/output.ts", import.meta.url).href;
  const dir = await Deno.makeTempDir({ prefix: "trifecta-output-" });
  try {
    await Deno.writeTextFile(`${dir}/text.txt`, text);
    const script = `import { processOutput } from ${JSON.stringify(url)};
      processOutput().out(Deno.readTextFileSync(Deno.args[0]));`;
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["eval", script, `${dir}/text.txt`],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    return out.stdout;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("output: a text longer than the write buffer reaches stdout whole, characters never split between pieces", async () => {
  // Multi-byte characters and surrogate pairs across every piece boundary.
  const unit = "a\u00e9\u4e2d\u{1F995}";
  const text = unit.repeat(Math.ceil((3 * WRITE_BUFFER_BYTES) / unit.length)) + "end\n";
  const bytes = await written(text);
  assert.deepEqual(bytes, new TextEncoder().encode(text));
  assert.ok(bytes.length > 2 * WRITE_BUFFER_BYTES, "several pieces were written");
});
