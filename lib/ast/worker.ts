/**
 * A parse worker: reads (when asked, through the read boundary with the
 * segment it is given), parses and extracts one file at a time. The message
 * handler is set before anything is awaited, so no message is lost while
 * web-tree-sitter loads.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { TrifectaError } from "../errors.ts";
import { jobSource, parseSkeleton } from "./parse_source.ts";
import { grammarForLanguage, preloadRuntime } from "./parser.ts";
import { RETIRE_AFTER_BYTES, type WorkerReply, type WorkerRequest } from "./worker_protocol.ts";
import { tagsOfJob } from "./tags_job.ts";

type ParseRequest = Extract<WorkerRequest, { type: "parse" }>;

/** The tags of a `task: "tags"` request, as JSON, with the stat read. */
async function tagsJson(
  req: ParseRequest,
): Promise<{ json: string; mtimeMs?: number; size: number }> {
  const { tags, mtimeMs, size } = await tagsOfJob(req, req.maxBytes);
  return { json: JSON.stringify(tags), mtimeMs, size };
}

async function handle(req: WorkerRequest): Promise<void> {
  if (req.type === "warm") {
    await Promise.all(req.languages.map((l) => grammarForLanguage(l)));
    return;
  }
  const start = performance.now();
  let reply: WorkerReply;
  let read = 0;
  try {
    if (req.task === "tags") {
      const { json, mtimeMs, size } = await tagsJson(req);
      const ms = performance.now() - start;
      const stat = req.wantStat && mtimeMs !== undefined;
      self.postMessage(
        {
          id: req.id,
          ok: true,
          json,
          ms,
          mtimeMs: stat ? mtimeMs : undefined,
          size: stat ? size : undefined,
          retire: size >= RETIRE_AFTER_BYTES ? true : undefined,
        } satisfies WorkerReply,
      );
      return;
    }
    const { text, size, sha256, mtimeMs } = jobSource(req, req.maxBytes);
    read = size;
    const skeleton = await parseSkeleton(
      { rel: req.rel, language: req.language, text, size, sha256 },
      { maxBytes: req.maxBytes },
    );
    reply = {
      id: req.id,
      ok: true,
      json: JSON.stringify(skeleton),
      ms: performance.now() - start,
      mtimeMs: req.wantStat ? mtimeMs : undefined,
      size: req.wantStat && mtimeMs !== undefined ? size : undefined,
      retire: size >= RETIRE_AFTER_BYTES ? true : undefined,
    };
  } catch (err) {
    // Every failure is the file's, named by its code; the batch goes on.
    const code = err instanceof TrifectaError ? err.code : "PARSE_FAILED";
    const message = err instanceof TrifectaError ? err.message : `${code}: ${req.rel}`;
    const details = err instanceof TrifectaError ? err.details : undefined;
    // A large file that failed past its read (e.g. PARSE_TOO_COMPLEX) grew the memory too.
    const retire = read >= RETIRE_AFTER_BYTES ? true : undefined;
    reply = { id: req.id, ok: false, code, message, details, retire };
  }
  self.postMessage(reply);
}

self.onmessage = (event: MessageEvent<WorkerRequest>) => {
  handle(event.data).catch((err) => {
    // Only a failing "warm" lands here; parse errors are replied above.
    console.error(`trifecta parse worker: ${err instanceof Error ? err.message : String(err)}`);
  });
};

// Compile the runtime while the main thread still walks the tree.
preloadRuntime().catch(() => {
  // Not lost: the first parse awaits the same promise and replies with its error.
});
