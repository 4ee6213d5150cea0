/**
 * One parse job's tags: the file's text as the read boundary returns it
 * (given, or read now), then its references and imports. Shared by the parse
 * workers and the pool's in-process path.
 *
 * @module
 */
import { type JobFile, jobSource } from "./parse_source.ts";
import { extractTags, type FileTags } from "./tags_extract.ts";
import type { Language } from "./types.ts";
import { TrifectaError } from "../errors.ts";

/** A job's tags, with the stat the cache needs when this call read the file. */
export interface JobTags {
  /** The tags. */
  tags: FileTags;
  /** Modification time, when this call read the file. */
  mtimeMs?: number;
  /** Size in bytes of the file. */
  size: number;
}

/**
 * The tags of a job's file.
 *
 * @throws {TrifectaError} the boundary's errors (`FILE_TOO_LARGE`,
 * `BINARY_FILE`, `PATH_DENIED`, …), `PARSE_FAILED`, `PARSE_TOO_COMPLEX`.
 */
export async function tagsOfJob(
  job: JobFile & { rel: string; language: Language },
  maxBytes: number,
): Promise<JobTags> {
  const { text, size, sha256, mtimeMs } = jobSource(job, maxBytes);
  if (size > maxBytes) {
    throw new TrifectaError(
      "FILE_TOO_LARGE",
      `File is ${size} bytes, over the cap of ${maxBytes}`,
      {
        details: { bytes: size, max_bytes: maxBytes },
      },
    );
  }
  const t = await extractTags({ rel: job.rel, language: job.language, text, size });
  const tags: FileTags = {
    path: job.rel,
    language: job.language,
    sha256,
    refs: t.refs,
    imports: t.imports,
    truncated: t.truncated,
  };
  return { tags, mtimeMs, size };
}
