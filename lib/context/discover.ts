/**
 * What a build indexes, in order: the predecessor's primary documents
 * (`skill.md`, `AGENTS.md`, `_ctx/prime_*.md`, `_ctx/agent_*.md`,
 * `_ctx/session_*.md`), the references listed in prime files, then every
 * Markdown, source and config file of the segment (`.gitignore` honoured).
 *
 * @module
 */
import { basename, join } from "../path.ts";
import { TrifectaError } from "../errors.ts";
import { isDenied, isWithin, relpath, type Segment, walkFiles } from "../segment/mod.ts";
import { languageOf } from "../ast/mod.ts";
import type { ChunkKind } from "./types.ts";

/** How a file is chunked. */
export type FileClass = "markdown" | "source" | "config" | "text";

/** A file to index. */
export interface IndexTarget {
  /** Real absolute path. */
  abs: string;
  /** Segment-relative POSIX path. */
  rel: string;
  /** Chunk kind for primary documents and references; undefined for repo files. */
  primaryKind?: ChunkKind;
  /** How it is chunked. */
  cls: FileClass;
}

/** What {@linkcode discoverFiles} found. */
export interface Discovery {
  /** Files in indexing order. */
  targets: IndexTarget[];
  /** Warnings (reference limits, duplicates). */
  warnings: string[];
}

/** Most prime references indexed. */
export const MAX_PRIME_REFS = 25;

const MARKDOWN_EXT = [".md", ".markdown", ".mdx"];
const CONFIG_EXT = [".toml", ".json", ".jsonc", ".yaml", ".yml", ".ini", ".cfg", ".conf"];
const TEXT_EXT = [".rst", ".txt"];
const SOURCE_EXT = [".py", ".pyi", ".ts", ".tsx", ".mts", ".cts", ".js", ".mjs", ".cjs", ".jsx"];
/** Every extension a build looks at. */
export const INDEXED_EXTENSIONS: readonly string[] = [
  ...MARKDOWN_EXT,
  ...CONFIG_EXT,
  ...TEXT_EXT,
  ...SOURCE_EXT,
];
/** Generated files never worth indexing. */
const SKIPPED_NAMES = new Set([
  "package-lock.json",
  "deno.lock",
  "yarn.lock",
  "pnpm-lock.yaml",
  "poetry.lock",
  "Cargo.lock",
]);

/** How a path is chunked, or undefined when it is not indexed. */
export function classify(rel: string): FileClass | undefined {
  const name = basename(rel);
  if (SKIPPED_NAMES.has(name) || name.endsWith(".min.js")) return undefined;
  const lower = name.toLowerCase();
  if (MARKDOWN_EXT.some((e) => lower.endsWith(e))) return "markdown";
  if (languageOf(rel) !== undefined) return "source";
  if (CONFIG_EXT.some((e) => lower.endsWith(e))) return "config";
  if (TEXT_EXT.some((e) => lower.endsWith(e))) return "text";
  return undefined;
}

async function isFile(abs: string): Promise<boolean> {
  try {
    return (await Deno.stat(abs)).isFile;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

async function ctxFiles(segment: Segment, prefix: string): Promise<string[]> {
  const dir = join(segment.root, "_ctx");
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      if (e.isFile && e.name.startsWith(prefix) && e.name.endsWith(".md")) out.push(e.name);
    }
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
  return out.sort().map((n) => `_ctx/${n}`);
}

/**
 * The `.md` references a prime file lists: lines starting with `-`, `*` or a
 * digit; the target of a Markdown link on the line, else its first backtick
 * span; no URLs, no anchors.
 */
export function primeReferences(text: string): string[] {
  const refs: string[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!/^[-*0-9]/.test(line)) continue;
    let cand: string | undefined = /`([^`]+)`/.exec(line)?.[1];
    const link = /\[[^\]]*\]\(([^)\s]+)\)/.exec(line)?.[1];
    if (link !== undefined) cand = link;
    if (cand === undefined) continue;
    cand = cand.trim();
    if (!cand.endsWith(".md") || cand.includes("://") || cand.startsWith("#")) continue;
    refs.push(cand);
  }
  return refs;
}

async function resolveReference(
  segment: Segment,
  ref: string,
): Promise<{ abs: string; rel: string } | undefined> {
  const prohibited = () =>
    new TrifectaError(
      "REFERENCE_OUTSIDE_SEGMENT",
      `PROHIBITED: Reference '${ref}' resolves outside segment or in forbidden path.`,
      { nextSteps: ["Remove the reference from the prime file, or point it inside the segment"] },
    );
  const lexical = join(segment.root, ref);
  if (ref.startsWith("/") || !isWithin(segment.root, lexical)) throw prohibited();
  if (!(await isFile(lexical))) return undefined;
  const real = await Deno.realPath(lexical);
  if (!isWithin(segment.root, real)) throw prohibited();
  const rel = relpath(segment.root, real);
  if (isDenied(rel)) throw prohibited();
  return { abs: real, rel };
}

/**
 * List the files a build indexes, primary documents first.
 *
 * @throws {TrifectaError} `REFERENCE_OUTSIDE_SEGMENT` when a prime file
 * references a path outside the segment (or a denylisted one).
 */
export async function discoverFiles(segment: Segment): Promise<Discovery> {
  const targets: IndexTarget[] = [];
  const warnings: string[] = [];
  const seen = new Set<string>();
  const add = (t: IndexTarget) => {
    if (seen.has(t.rel)) return;
    seen.add(t.rel);
    targets.push(t);
  };

  for (const [rel, kind] of [["skill.md", "skill"], ["AGENTS.md", "agents"]] as const) {
    const abs = join(segment.root, rel);
    if (await isFile(abs)) add({ abs, rel, primaryKind: kind, cls: "markdown" });
  }
  const primes = await ctxFiles(segment, "prime_");
  for (
    const [prefix, kind] of [["prime_", "prime"], ["agent_", "agent"], [
      "session_",
      "session",
    ]] as const
  ) {
    const files = prefix === "prime_" ? primes : await ctxFiles(segment, prefix);
    for (const rel of files) {
      add({ abs: join(segment.root, rel), rel, primaryKind: kind, cls: "markdown" });
    }
  }

  let refCount = 0;
  for (const prime of primes) {
    const text = await Deno.readTextFile(join(segment.root, prime));
    for (const ref of primeReferences(text)) {
      const resolved = await resolveReference(segment, ref);
      if (!resolved || resolved.rel === "skill.md") continue;
      if (seen.has(resolved.rel)) {
        warnings.push(`Duplicate reference skipped: ${resolved.rel}`);
        continue;
      }
      if (refCount >= MAX_PRIME_REFS) {
        warnings.push(`Max links (${MAX_PRIME_REFS}) reached in prime. Skipping remainder.`);
        break;
      }
      refCount++;
      add({ ...resolved, primaryKind: "ref", cls: classify(resolved.rel) ?? "markdown" });
    }
  }

  const walked = await walkFiles(segment, segment.root, { extensions: INDEXED_EXTENSIONS });
  for (const f of walked.files) {
    const cls = classify(f.rel);
    if (cls) add({ abs: f.abs, rel: f.rel, cls });
  }
  return { targets, warnings };
}
