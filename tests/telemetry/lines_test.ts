import assert from "node:assert/strict";
import fc from "fast-check";
import { LineSplitter } from "../../lib/telemetry/lines.ts";

function split(text: string, cuts: number[], max: number): { lines: string[]; oversized: number } {
  const bytes = new TextEncoder().encode(text);
  const lines: string[] = [];
  const s = new LineSplitter(max, (l) => lines.push(new TextDecoder().decode(l)));
  let prev = 0;
  for (
    const c of [...cuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b), bytes.length]
  ) {
    const chunk = new Uint8Array(bytes.subarray(prev, c)); // a copy, reused below
    s.push(chunk);
    chunk.fill(0); // the splitter must have copied what it keeps
    prev = c;
  }
  s.end();
  return { lines, oversized: s.oversized };
}

Deno.test("LineSplitter gives the lines of split('\\n') for any chunking, dropping only lines over the cap", () => {
  fc.assert(
    fc.property(
      fc.array(fc.stringMatching(/^[a-z]{0,12}$/), { maxLength: 20 }),
      fc.boolean(),
      fc.array(fc.nat(), { maxLength: 8 }),
      fc.integer({ min: 1, max: 10 }),
      (parts, trailing, cuts, max) => {
        const text = parts.join("\n") + (trailing ? "\n" : "");
        const expected = text.split("\n");
        if (expected.at(-1) === "") expected.pop();
        const { lines, oversized } = split(text, cuts, max);
        assert.deepEqual(lines, expected.filter((l) => l.length <= max));
        assert.equal(oversized, expected.filter((l) => l.length > max).length);
      },
    ),
  );
});
