import assert from "node:assert/strict";
import { encodeMessage, FrameDecoder, FramingError } from "../../lib/lsp/framing.ts";

const enc = new TextEncoder();

Deno.test("framing: a header split across reads yields the message once it is whole", () => {
  const d = new FrameDecoder();
  const bytes = encodeMessage({ jsonrpc: "2.0", id: 1, result: null });
  assert.deepEqual(d.push(bytes.subarray(0, 7)), []); // "Content"
  assert.deepEqual(d.push(bytes.subarray(7, 18)), []); // inside the header
  assert.deepEqual(d.push(bytes.subarray(18, 21)), []); // part of \r\n\r\n
  const out = d.push(bytes.subarray(21));
  assert.deepEqual(out.map((b) => JSON.parse(b)), [{ jsonrpc: "2.0", id: 1, result: null }]);
  assert.equal(d.pending, 0);
});

Deno.test("framing: two messages in one chunk both come out, in order", () => {
  const d = new FrameDecoder();
  const a = encodeMessage({ n: 1 });
  const b = encodeMessage({ n: 2 });
  const both = new Uint8Array([...a, ...b]);
  assert.deepEqual(d.push(both).map((x) => JSON.parse(x).n), [1, 2]);
});

Deno.test("framing: a chunk holding one message and the start of the next keeps the rest", () => {
  const d = new FrameDecoder();
  const a = encodeMessage({ n: 1 });
  const b = encodeMessage({ n: 2 });
  const joined = new Uint8Array([...a, ...b]);
  const cut = a.length + 5;
  assert.deepEqual(d.push(joined.subarray(0, cut)).map((x) => JSON.parse(x).n), [1]);
  assert.deepEqual(d.push(joined.subarray(cut)).map((x) => JSON.parse(x).n), [2]);
});

Deno.test("framing: Content-Length counts bytes, so non-ASCII bodies decode whole", () => {
  const msg = { text: "naïve café — 日本語 🐍" };
  const bytes = encodeMessage(msg);
  const header = new TextDecoder().decode(bytes.subarray(0, bytes.indexOf(13)));
  const bodyBytes = enc.encode(JSON.stringify(msg)).length;
  assert.equal(header, `Content-Length: ${bodyBytes}`);
  assert.notEqual(bodyBytes, JSON.stringify(msg).length);
  // Feed one byte at a time: multi-byte characters are cut in half between reads.
  const d = new FrameDecoder();
  const got: string[] = [];
  for (let i = 0; i < bytes.length; i++) got.push(...d.push(bytes.subarray(i, i + 1)));
  assert.deepEqual(got.map((x) => JSON.parse(x)), [msg]);
});

Deno.test("framing: other headers are ignored and the header name is case-insensitive", () => {
  const body = '{"ok":true}';
  const raw = enc.encode(
    `content-length: ${body.length}\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n${body}`,
  );
  assert.deepEqual(new FrameDecoder().push(raw), [body]);
});

Deno.test("framing: a header block without Content-Length is a FramingError", () => {
  const d = new FrameDecoder();
  assert.throws(() => d.push(enc.encode("Content-Type: x\r\n\r\n{}")), FramingError);
  assert.throws(
    () => new FrameDecoder().push(enc.encode("Content-Length: -4\r\n\r\n{}")),
    FramingError,
  );
});

Deno.test("FrameDecoder refuses a Content-Length over the cap as soon as the header is read", () => {
  const d = new FrameDecoder();
  assert.throws(
    () => d.push(new TextEncoder().encode("Content-Length: 99999999999\r\n\r\nxxxx")),
    (e) => e instanceof FramingError && e.kind === "frame_too_large",
  );
  const small = new FrameDecoder({ maxBodyBytes: 10 });
  assert.throws(
    () => small.push(new TextEncoder().encode("Content-Length: 11\r\n\r\n")),
    (e) => e instanceof FramingError && e.kind === "frame_too_large",
  );
  assert.throws(
    () =>
      new FrameDecoder().push(
        new TextEncoder().encode(`Content-Length: ${"9".repeat(400)}\r\n\r\n`),
      ),
    (e) => e instanceof FramingError && e.kind === "frame_too_large",
  );
});
