/**
 * A loopback HTTP server that serves the checkout read-only, for the test
 * that runs `main.ts` from an http URL. Prints its port on stdout, serves
 * until killed. Run with `--allow-net=127.0.0.1 --allow-read=<checkout>`.
 *
 * @module
 */
import { extname, join, normalize } from "node:path";

const root = Deno.args[0];
if (root === undefined) throw new Error("usage: serve_checkout.ts <checkout>");
const types: Record<string, string> = {
  ".ts": "application/typescript",
  ".json": "application/json",
  ".scm": "text/plain",
  ".js": "application/javascript",
};

Deno.serve({
  hostname: "127.0.0.1",
  port: 0,
  onListen: ({ port }) => console.log(port),
}, async (req) => {
  const path = normalize(decodeURIComponent(new URL(req.url).pathname));
  if (path.includes("..")) return new Response("bad path", { status: 400 });
  try {
    const body = await Deno.readFile(join(root, path));
    return new Response(body, {
      headers: { "content-type": types[extname(path)] ?? "application/octet-stream" },
    });
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return new Response("not found", { status: 404 });
    throw err;
  }
});
