/**
 * What a build indexes, in order: the predecessor's primary documents
 * (`skill.md`, `AGENTS.md`, `_ctx/prime_*.md`, `_ctx/agent_*.md`,
 * `_ctx/session_*.md`), the references listed in prime files, then every
 * Markdown, source and config file of the segment (`.gitignore` honoured).
 *
 * Discovery only names candidates: nothing here follows a symlink. Each
 * candidate is then read through the read boundary, which refuses what
 * leaves the segment or is denied (see `build.ts`); the walker's own skips
 * are passed on.
 *
 * @module
 */
import { basename, join, resolve } from "../path.ts";
import { TrifectaError } from "../errors.ts";
import { maskSecrets } from "../secrets.ts";
import {
  checkInsideSync,
  isWithin,
  readInsideSync,
  type Segment,
  walkFiles,
} from "../segment/mod.ts";
import { languageOf } from "../ast/mod.ts";
import { LANGUAGES, SOURCE_EXTENSIONS } from "../languages/mod.ts";
import { shownPath, type SkippedFile, skipReasonOf } from "./skips.ts";
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
  /** Warnings (reference limits, duplicates, refused references). */
  warnings: string[];
  /** Paths left out before reading (the walker's skips, refused references). */
  skipped: SkippedFile[];
}

/** Most prime references indexed. */
export const MAX_PRIME_REFS = 25;
/** Most reference lines of one prime file looked at (a hostile one may list thousands). */
export const MAX_PRIME_REF_LINES = 1000;

const MARKDOWN_EXT = [".md", ".markdown", ".mdx"];
const CONFIG_EXT = [".toml", ".json", ".jsonc", ".yaml", ".yml", ".ini", ".cfg", ".conf"];
const TEXT_EXT = [".rst", ".txt"];
/** Every extension a build looks at (source: every language of the registry's). */
export const INDEXED_EXTENSIONS: readonly string[] = [
  ...MARKDOWN_EXT,
  ...CONFIG_EXT,
  ...TEXT_EXT,
  ...SOURCE_EXTENSIONS,
];
/** Suffixes of generated source files (the registry's `generated`, e.g. minified scripts). */
const GENERATED: readonly string[] = LANGUAGES.flatMap((l) => l.generated ?? []);
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
  if (SKIPPED_NAMES.has(name) || GENERATED.some((g) => name.endsWith(g))) return undefined;
  const lower = name.toLowerCase();
  if (MARKDOWN_EXT.some((e) => lower.endsWith(e))) return "markdown";
  if (languageOf(rel) !== undefined) return "source";
  if (CONFIG_EXT.some((e) => lower.endsWith(e))) return "config";
  if (TEXT_EXT.some((e) => lower.endsWith(e))) return "text";
  return undefined;
}

/** True when `abs` names a file or a symlink (not followed: the boundary checks it on read). */
async function isCandidate(abs: string): Promise<boolean> {
  try {
    const info = await Deno.lstat(abs);
    return info.isFile || info.isSymlink;
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
      const candidate = e.isFile || e.isSymlink;
      if (candidate && e.name.startsWith(prefix) && e.name.endsWith(".md")) out.push(e.name);
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

type Resolved = { abs: string; rel: string } | { skip: string } | undefined;

/** Where a prime reference leads: a file inside the segment, a skip reason, or nothing. */
function resolveReference(segment: Segment, ref: string): Resolved {
  const lexical = resolve(segment.root, ref);
  if (ref.startsWith("/") || !isWithin(segment.root, lexical)) {
    return { skip: "reference_outside_segment" };
  }
  try {
    const inside = checkInsideSync(segment, ref);
    if (inside.isDirectory) return undefined;
    return { abs: inside.abs, rel: inside.rel };
  } catch (err) {
    if (!(err instanceof TrifectaError)) throw err;
    // A missing reference is ignored, as the predecessor did.
    if (err.code === "FILE_NOT_FOUND") return undefined;
    if (err.code === "PATH_OUTSIDE_SEGMENT" || err.code === "PATH_DENIED") {
      return { skip: "reference_outside_segment" };
    }
    return { skip: skipReasonOf(err) };
  }
}

/** The text of a prime file, or undefined when the boundary refuses it (reported on read). */
function primeText(segment: Segment, rel: string): string | undefined {
  try {
    return readInsideSync(segment, rel).text;
  } catch (err) {
    if (err instanceof TrifectaError) return undefined;
    throw err;
  }
}

/**
 * List the files a build indexes, primary documents first. A prime
 * reference that leaves the segment or names a denied file is skipped
 * (`reference_outside_segment`) with a warning.
 */
export async function discoverFiles(segment: Segment): Promise<Discovery> {
  const targets: IndexTarget[] = [];
  const warnings: string[] = [];
  const skipped: SkippedFile[] = [];
  const seen = new Set<string>();
  const add = (t: IndexTarget) => {
    if (seen.has(t.rel)) return;
    seen.add(t.rel);
    targets.push(t);
  };

  for (const [rel, kind] of [["skill.md", "skill"], ["AGENTS.md", "agents"]] as const) {
    const abs = join(segment.root, rel);
    if (await isCandidate(abs)) add({ abs, rel, primaryKind: kind, cls: "markdown" });
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
  let refused = 0;
  let duplicates = 0;
  for (const prime of primes) {
    const text = primeText(segment, prime);
    if (text === undefined) continue;
    const refs = primeReferences(text);
    if (refs.length > MAX_PRIME_REF_LINES) {
      warnings.push(
        `${prime} lists ${refs.length} references; only the first ${MAX_PRIME_REF_LINES} are looked at`,
      );
    }
    for (const ref of refs.slice(0, MAX_PRIME_REF_LINES)) {
      const resolved = resolveReference(segment, ref);
      if (resolved && "skip" in resolved) {
        const shown = maskSecrets(ref).text;
        skipped.push({ path: shown, reason: resolved.skip });
        // A hostile prime file may list thousands: warn for the first few.
        if (++refused <= MAX_PRIME_REFS) {
          warnings.push(`Reference in ${prime} skipped (${resolved.skip}): ${shown}`);
        }
        continue;
      }
      if (!resolved || resolved.rel === "skill.md") continue;
      if (seen.has(resolved.rel)) {
        if (++duplicates <= MAX_PRIME_REFS) {
          warnings.push(`Duplicate reference skipped: ${resolved.rel}`);
        }
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

  if (refused > MAX_PRIME_REFS) {
    warnings.push(`${refused - MAX_PRIME_REFS} more references skipped (see skipped_by_reason)`);
  }
  const walked = await walkFiles(segment, segment.root, { extensions: INDEXED_EXTENSIONS });
  for (const s of walked.skipped) skipped.push({ path: shownPath(s.rel), reason: s.reason });
  for (const f of walked.files) {
    const cls = classify(f.rel);
    if (cls) add({ abs: f.abs, rel: f.rel, cls });
  }
  return { targets, warnings, skipped };
}
