/**
 * What keeps a language server from answering for a segment: a language
 * server reads files itself (imports, stubs, its config), so the read
 * boundary cannot check those reads one by one. Before a server is asked,
 * the segment is scanned, and answers fail closed (AST fallback with a named
 * reason) when the server could read what trifecta refuses:
 *
 * - `unsafe_links`: symlinks that leave the segment or land on a denied file
 *   (the walker's {@linkcode UNSAFE_LINK_REASONS}); a dangling link whose
 *   target lies outside counts too (the target may appear later);
 * - `denied_sources`: source files the server can import whose name is on
 *   the denylist (`id_rsa_backup.py`, `.env.ts`) or whose path holds a
 *   secret (the walker's `secret_in_name`), or that have another hard
 *   link (which may be `.env` or a file outside; the read boundary refuses
 *   them too) — except in package directories (`node_modules`,
 *   `site-packages`, `.venv`, …), where package managers hard-link on purpose;
 * - `unsafe_server_config`: a server config (`pyrightconfig.json`,
 *   `pyproject.toml` `[tool.pyright]`, `tsconfig*.json`, `jsconfig.json`)
 *   naming a path outside the segment (`extraPaths`, `venvPath`, `extends`…)
 *   or any URI (`file:///…`), judged on decoded values (JSONC parsed by
 *   jsonc-parser, so `\u002e` escapes count); a pyproject.toml that
 *   mentions pyright in any form but plain `[tool.pyright]` tables of simple
 *   one-line values (dotted keys, inline tables, spaced or quoted headers,
 *   multi-line strings or arrays); a config that cannot be parsed; and a
 *   `.pth` file anywhere in the segment (a venv's `site-packages`) naming a
 *   directory outside it.
 *
 * pyright run by Deno is also sandboxed (lib/lsp/sandbox.ts: it cannot read
 * outside the segment whatever it is told); the scan is what protects a
 * server that is not (on PATH, or `TRIFECTA_LSP_COMMAND`).
 *
 * Unlike the walker, the scan ignores `.gitignore` and enters `node_modules`,
 * `.venv` and the other skipped directories: the server resolves imports
 * there too. Only VCS directories are skipped (not importable, never read).
 *
 * {@linkcode GuardCache} keeps a scan for a long-lived process (the daemon,
 * the MCP session) and revalidates it per question by the modification
 * times of every directory and config file it saw (a link, file or
 * directory added, removed or renamed changes its directory's mtime): a stat
 * per directory instead of a full walk. A directory whose mtime changed is
 * listed again (a new subdirectory whole); so is one modified within a
 * second before its last listing, since a change within the same mtime tick
 * would not show. A full rescan happens every {@linkcode GUARD_MAX_AGE_MS}
 * regardless.
 *
 * @module
 */
import type { Segment } from "../segment/mod.ts";
import { UNSAFE_LINK_REASONS } from "../segment/skip.ts";
import {
  GUARD_MAX_ENTRIES,
  type GuardScan,
  revalidateScan,
  scanSegmentGuard,
} from "./guard_scan.ts";
import type { FallbackReason } from "./types.ts";

export {
  GUARD_MAX_ENTRIES,
  type GuardFinding,
  type GuardScan,
  revalidateScan,
  scanSegmentGuard,
} from "./guard_scan.ts";

/** A scan older than this is redone even when no mtime changed (ms). */
export const GUARD_MAX_AGE_MS = 30_000;

/** Why a language server may not answer for this segment, and how to fix it. */
export interface GuardVerdict {
  /** The fallback reason. */
  reason: FallbackReason;
  /** Counts, examples and how to fix. */
  detail: string;
}

function examplesText(scan: GuardScan, reasons: readonly string[]): string {
  const rels = scan.examples.filter((e) => reasons.includes(e.reason)).map((e) => e.rel);
  return rels.length > 0 ? ` (e.g. ${rels.join(", ")})` : "";
}

/**
 * Why a language server may not answer for the scanned segment, or
 * undefined when it may.
 */
export function guardVerdict(scan: GuardScan): GuardVerdict | undefined {
  if (scan.incomplete) {
    return {
      reason: "unsafe_links",
      detail:
        `The segment has more than ${GUARD_MAX_ENTRIES} entries, too many to check for unsafe symlinks; choose a smaller segment (-s).`,
    };
  }
  if (scan.unsafeLinks > 0) {
    const n = scan.unsafeLinks;
    return {
      reason: "unsafe_links",
      detail: `${n} symlink${n === 1 ? "" : "s"} in the segment lead${
        n === 1 ? "s" : ""
      } outside it or onto a denied file${
        examplesText(scan, UNSAFE_LINK_REASONS)
      }. Remove or replace ${
        n === 1 ? "it" : "them"
      } (or choose a segment with -s that contains the targets) to get language-server answers.`,
    };
  }
  if (scan.deniedSources > 0) {
    const n = scan.deniedSources;
    return {
      reason: "denied_sources",
      detail: `${n} source file${n === 1 ? "" : "s"} on the denylist or with another hard link${
        examplesText(scan, ["denied_source", "hard_linked_source"])
      }. Rename, remove or copy ${
        n === 1 ? "it" : "them"
      } to get language-server answers (trifecta never reads denied or hard-linked files).`,
    };
  }
  if (scan.unsafeConfigs > 0) {
    const n = scan.unsafeConfigs;
    return {
      reason: "unsafe_server_config",
      detail: `${n} language-server config file${n === 1 ? "" : "s"}${
        examplesText(scan, ["unsafe_server_config"])
      } name${
        n === 1 ? "s" : ""
      } a path outside the segment (extraPaths, venvPath, extends, …). Use paths inside the segment to get language-server answers.`,
    };
  }
  return undefined;
}

/** Options for {@linkcode GuardCache}. */
export interface GuardCacheOptions {
  /** Rescan after this many ms even without a change (default {@linkcode GUARD_MAX_AGE_MS}). */
  maxAgeMs?: number;
}

/**
 * A scan kept for a long-lived process and revalidated on each use (see
 * the module doc).
 */
export class GuardCache {
  #segment: Segment;
  #maxAgeMs: number;
  #scan: GuardScan | undefined;
  #scans = 0;

  /** Create an empty cache (the first {@linkcode GuardCache.verdict} scans). */
  constructor(segment: Segment, options: GuardCacheOptions = {}) {
    this.#segment = segment;
    this.#maxAgeMs = options.maxAgeMs ?? GUARD_MAX_AGE_MS;
  }

  /** Full scans done so far (for tests and status). */
  get scans(): number {
    return this.#scans;
  }

  /**
   * The current scan: the kept one brought up to date (a stat per
   * directory), or a full scan when none is kept or it is older than the
   * maximum age.
   */
  current(): GuardScan {
    const kept = this.#scan;
    if (kept && performance.now() - kept.at < this.#maxAgeMs) {
      revalidateScan(this.#segment, kept);
      return kept;
    }
    this.#scans++;
    this.#scan = scanSegmentGuard(this.#segment);
    return this.#scan;
  }

  /** The verdict of {@linkcode GuardCache.current}. */
  verdict(): GuardVerdict | undefined {
    return guardVerdict(this.current());
  }
}
