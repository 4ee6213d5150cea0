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
 * `FLOOR_EXTRA` adds one step after each parse and drops its result:
 * `query` runs the language's skeleton query over the whole tree, `pruned`
 * runs it the way `ast skeleton` does (outside large pruned bodies, with
 * the captures gathered), `minquery` runs a one-pattern query for Python's
 * definitions, and `walk` visits every node with a cursor. Each is a lower
 * bound for an extractor of that kind (nothing is assembled, masked, sent
 * or written), so the cold target can be set against them:
 *
 *   FLOOR_EXTRA=query deno run --unstable-raw-imports --allow-read --allow-env bench/parse_floor.ts DIR
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { resolveSegment, walkFiles } from "../lib/segment/mod.ts";
import { languageOf, SOURCE_EXTENSIONS } from "../lib/ast/mod.ts";
import { grammarForLanguage, type LoadedGrammar } from "../lib/ast/parser.ts";
import { decodeUtf8 } from "../lib/segment/mod.ts";
import type { Language } from "../lib/ast/mod.ts";
import { Query, type Tree } from "web-tree-sitter";
import { collect } from "../lib/ast/extract_query.ts";

interface Job {
  abs: string;
  language: Language;
}

/** Extra work after each parse: none, the skeleton query, or a full cursor walk. */
const EXTRA = readExtra();

function readExtra(): string {
  try {
    return Deno.env.get("FLOOR_EXTRA") ?? "";
  } catch {
    // Without --allow-env the floor is the bare parse, as before.
    return "";
  }
}

/** Visit every node once with a cursor; returns how many were seen. */
function walkAll(tree: Tree): number {
  const cursor = tree.walk();
  let seen = 0;
  for (;;) {
    seen++;
    if (cursor.gotoFirstChild()) continue;
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent()) {
        cursor.delete();
        return seen;
      }
    }
  }
}

const MINIMAL = new Map<string, Query>();

/** A one-pattern query for the language's definitions (Python only; else the skeleton query). */
function minimalQuery(g: LoadedGrammar, language: Language): Query {
  if (language !== "python") return g.query;
  let q = MINIMAL.get(language);
  if (!q) {
    q = new Query(g.parser.language!, "[(function_definition) (class_definition)] @d");
    MINIMAL.set(language, q);
  }
  return q;
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
      if (tree && EXTRA === "query") g.query.matches(tree.rootNode);
      if (tree && EXTRA === "walk") walkAll(tree);
      if (tree && EXTRA === "pruned") collect(g.query, tree.rootNode, { prune: g.prune });
      if (tree && EXTRA === "minquery") minimalQuery(g, data.language).matches(tree.rootNode);
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
    `parse_floor${EXTRA ? `+${EXTRA}` : ""} files=${jobs.length} bytes=${bytes} workers=${n} ms=${
      Math.round(performance.now() - start)
    }`,
  );
}
