import assert from "node:assert/strict";
import fc from "fast-check";
import { encodeMessage, FrameDecoder } from "../../lib/lsp/framing.ts";

Deno.test("JSON-RPC framing: any split of any message sequence decodes to the same messages", () => {
  fc.assert(
    fc.property(
      fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 6 }),
      fc.array(fc.nat(), { maxLength: 12 }),
      (messages, cutSeeds) => {
        const frames = messages.map((m) => encodeMessage(m));
        const total = frames.reduce((n, f) => n + f.byteLength, 0);
        const all = new Uint8Array(total);
        let o = 0;
        for (const f of frames) {
          all.set(f, o);
          o += f.byteLength;
        }
        const cuts = [...new Set(cutSeeds.map((s) => (total === 0 ? 0 : s % (total + 1))))].sort((
          a,
          b,
        ) => a - b);
        const decoder = new FrameDecoder();
        const bodies: string[] = [];
        let prev = 0;
        for (const c of [...cuts, total]) {
          bodies.push(...decoder.push(all.subarray(prev, c)));
          prev = c;
        }
        assert.deepEqual(bodies, messages.map((m) => JSON.stringify(m)));
        assert.equal(decoder.pending, 0);
      },
    ),
    { numRuns: 1000 },
  );
});
