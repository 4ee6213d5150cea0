/**
 * The parse floor: bare web-tree-sitter parsing of the same files
 * `ast skeleton` reads, with the same number of workers, and no extraction.
 * Run as a whole process (the same way as the CLI) so start-up counts too:
 *
 *   deno run --unstable-raw-imports --allow-read bench/parse_floor.ts DIR [WORKERS]
 *
 * The file is also its own worker module (started with the name
 * `parse-floor-worker`). Prints one line: files, bytes, workers, ms.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { resolveSegment, walkFiles } from "../lib/segment/mod.ts";
import { languageOf, SOURCE_EXTENSIONS } from "../lib/ast/mod.ts";
import { grammarForLanguage } from "../lib/ast/parser.ts";
import { decodeUtf8 } from "../lib/segment/mod.ts";
import type { Language } from "../lib/ast/mod.ts";

interface Job {
  abs: string;
  language: Language;
}

const IS_WORKER = typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !==
    "undefined" && self.name === "parse-floor-worker";

if (IS_WORKER) {
  self.onmessage = (event: MessageEvent<Job | { warm: Language[] }>) => {
    const data = event.data;
    if ("warm" in data) {
      Promise.all(data.warm.map((l) => grammarForLanguage(l))).catch((err) => console.error(err));
      return;
    }
    (async () => {
      const bytes = Deno.readFileSync(data.abs);
      const g = await grammarForLanguage(data.language);
      const tree = g.parser.parse(decodeUtf8(bytes));
      tree?.delete();
      self.postMessage(bytes.length);
    })().catch((err) => {
      console.error(err);
      self.postMessage(0);
    });
  };
} else if (import.meta.main) {
  const start = performance.now();
  const dir = Deno.args[0] ?? ".";
  const n = Number(Deno.args[1] ?? navigator.hardwareConcurrency ?? 2);
  const workers = Array.from(
    { length: n },
    () => new Worker(import.meta.url, { type: "module", name: "parse-floor-worker" }),
  );
  const segment = await resolveSegment(dir);
  const { files } = await walkFiles(segment, segment.root, { extensions: SOURCE_EXTENSIONS });
  const jobs: Job[] = [];
  for (const f of files) {
    const language = languageOf(f.rel);
    if (language) jobs.push({ abs: f.abs, language });
  }
  const langs = [...new Set(jobs.map((j) => (j.language === "javascript" ? "tsx" : j.language)))];
  for (const w of workers) w.postMessage({ warm: langs });
  let next = 0;
  let bytes = 0;
  await Promise.all(workers.map((w) =>
    new Promise<void>((resolve) => {
      let inFlight = 0;
      const send = (): void => {
        while (inFlight < 2 && next < jobs.length) {
          w.postMessage(jobs[next++]);
          inFlight++;
        }
        if (inFlight === 0) resolve();
      };
      w.onmessage = (e: MessageEvent<number>) => {
        bytes += e.data;
        inFlight--;
        send();
      };
      send();
    })
  ));
  for (const w of workers) w.terminate();
  console.log(
    `parse_floor files=${jobs.length} bytes=${bytes} workers=${n} ms=${
      Math.round(performance.now() - start)
    }`,
  );
}
