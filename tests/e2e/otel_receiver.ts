/**
 * A loopback OTLP/HTTP receiver for tests/e2e/otel_export_test.ts. Run with
 * `--allow-net=127.0.0.1 --allow-write=<dir>`; the suite's own flags have no
 * net grant, so the test starts it as a child process. Prints its port on
 * stdout, then serves until killed:
 *
 * - `ok <dir>`: answers every POST with 200 `{}` and appends one JSON line
 *   per request to `<dir>/requests.jsonl`: `{path, contentType, body}` (the
 *   body as text; trifecta sends JSON).
 * - `slow`: accepts connections and never answers (a collector that hangs).
 * - `dead`: prints a port it bound and closed (nobody listens there), and ends.
 *
 * @module
 */
const [mode, dir] = Deno.args;

if (mode === "dead") {
  // A port nobody listens on: bound, printed, closed.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  console.log((listener.addr as Deno.NetAddr).port);
  listener.close();
} else if (mode === "slow") {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  console.log((listener.addr as Deno.NetAddr).port);
  const held: Deno.Conn[] = [];
  // Kept open, never read or answered, until the process is killed.
  for await (const conn of listener) held.push(conn);
} else if (mode === "ok" && dir !== undefined) {
  const file = `${dir}/requests.jsonl`;
  Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: ({ port }) => console.log(port),
  }, async (req) => {
    const body = await req.text();
    const line = JSON.stringify({
      path: new URL(req.url).pathname,
      contentType: req.headers.get("content-type"),
      body,
    });
    await Deno.writeTextFile(file, line + "\n", { append: true });
    return Response.json({});
  });
} else {
  throw new Error("usage: otel_receiver.ts ok <dir> | slow | dead");
}
