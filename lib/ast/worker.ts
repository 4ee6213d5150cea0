/**
 * A parse worker: reads (when asked), parses and extracts one file at a
 * time. The message handler is set before anything is awaited, so no
 * message is lost while web-tree-sitter loads.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { TrifectaError } from "../errors.ts";
import { parseSkeleton } from "./parse_source.ts";
import { grammarForLanguage } from "./parser.ts";
import type { WorkerReply, WorkerRequest } from "./worker_protocol.ts";

async function handle(req: WorkerRequest): Promise<void> {
  if (req.type === "warm") {
    await Promise.all(req.languages.map((l) => grammarForLanguage(l)));
    return;
  }
  const start = performance.now();
  let reply: WorkerReply;
  try {
    let bytes = req.bytes;
    let info: Deno.FileInfo | undefined;
    if (!bytes) {
      // Sync calls: the worker has nothing else to do meanwhile, and they
      // cost less than async ops.
      info = Deno.statSync(req.abs);
      if (info.size > req.maxBytes) {
        throw new TrifectaError(
          "FILE_TOO_LARGE",
          `File is ${info.size} bytes, over the cap of ${req.maxBytes}`,
        );
      }
      bytes = Deno.readFileSync(req.abs);
    }
    const skeleton = await parseSkeleton(
      { rel: req.rel, language: req.language, bytes, sha256: req.sha256 },
      { maxBytes: req.maxBytes },
    );
    reply = {
      id: req.id,
      ok: true,
      json: JSON.stringify(skeleton),
      ms: performance.now() - start,
      mtimeMs: req.wantStat ? info?.mtime?.getTime() : undefined,
      size: req.wantStat ? info?.size : undefined,
    };
  } catch (err) {
    const code = err instanceof TrifectaError
      ? err.code
      : err instanceof Deno.errors.NotFound
      ? "FILE_NOT_FOUND"
      : "PARSE_FAILED";
    const message = err instanceof Error ? err.message : `${code}: ${req.rel}`;
    reply = { id: req.id, ok: false, code, message };
  }
  self.postMessage(reply);
}

self.onmessage = (event: MessageEvent<WorkerRequest>) => {
  handle(event.data).catch((err) => {
    // Only a failing "warm" lands here; parse errors are replied above.
    console.error(`trifecta parse worker: ${err instanceof Error ? err.message : String(err)}`);
  });
};
