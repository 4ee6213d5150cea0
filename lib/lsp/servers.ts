/**
 * Language servers as data: which server serves a file, read from the
 * language registry (lib/languages, each entry's `servers`). Languages
 * whose first server is configured by the same environment variable share
 * one server process (a *family*, named by its first language in registry
 * order): TypeScript, TSX and JavaScript are one family, so one
 * `typescript-language-server` serves them all.
 *
 * @module
 */
import {
  languageByName,
  languageOfPath,
  LANGUAGES,
  type LanguageSpec,
  type ServerSpec,
} from "../languages/mod.ts";
import type { Segment } from "../segment/segment.ts";
import { walkFiles } from "../segment/walk.ts";

/**
 * A server family, named by the registry name of its first language
 * (`python`, `typescript`, `go`).
 */
export type ServerLanguage = string;

/** Backend name of a configured command the registry does not know. */
export const CUSTOM_BACKEND = "lsp_custom";

function familyKey(spec: LanguageSpec): string | undefined {
  return spec.servers[0]?.env;
}

/** The languages of a family: those sharing its first server's variable, or itself alone. */
export function familyLanguages(language: ServerLanguage): LanguageSpec[] {
  const spec = languageByName(language);
  if (spec === undefined) return [];
  const key = familyKey(spec);
  return key === undefined ? [spec] : LANGUAGES.filter((l) => familyKey(l) === key);
}

/**
 * The server family of a file by its extension, or undefined when its
 * language has no server (or no entry).
 *
 * @example
 * ```ts
 * import { serverLanguageOf } from "./servers.ts";
 * import { equal } from "node:assert/strict";
 * equal(serverLanguageOf("web/app.jsx"), serverLanguageOf("web/lib.ts"));
 * equal(serverLanguageOf("README.md"), undefined);
 * ```
 */
export function serverLanguageOf(rel: string): ServerLanguage | undefined {
  const spec = languageOfPath(rel);
  if (spec === undefined || familyKey(spec) === undefined) return undefined;
  return familyLanguages(spec.name)[0]?.name;
}

/** The server candidates of a family, in the order tried. */
export function serverSpecs(language: ServerLanguage): readonly ServerSpec[] {
  return languageByName(language)?.servers ?? [];
}

/** Extensions of every language of the family of `language` (itself alone without servers). */
export function familyExtensions(language: string): string[] {
  return familyLanguages(language).flatMap((l) => l.extensions);
}

/**
 * The LSP `languageId` of a file sent to a server of `backend`: its
 * language's entry for that backend, else its first server's, else the
 * family's.
 *
 * @example
 * ```ts
 * import { languageIdOf } from "./servers.ts";
 * import { languageOfPath } from "../languages/mod.ts";
 * import { equal } from "node:assert/strict";
 * const spec = languageOfPath("a.tsx");
 * const first = spec?.servers[0];
 * equal(languageIdOf("/r/a.tsx", first?.backend ?? "", "x"), first?.languageId);
 * ```
 */
export function languageIdOf(path: string, backend: string, language: ServerLanguage): string {
  const servers = (languageOfPath(path) ?? languageByName(language))?.servers ?? [];
  const spec = servers.find((s) => s.backend === backend) ?? servers[0];
  return spec?.languageId ?? serverSpecs(language)[0]?.languageId ?? language;
}

/** Every server family of the registry, in registry order (`python`, `typescript`, `c`, `go` …). */
export function serverFamilies(): ServerLanguage[] {
  const out = new Set<string>();
  for (const l of LANGUAGES) {
    const family = l.servers.length > 0 ? familyLanguages(l.name)[0]?.name : undefined;
    if (family !== undefined) out.add(family);
  }
  return [...out];
}

/**
 * How the answers of a server of `backend` show string values (its registry
 * candidate's `literalStyle`; `quoted` for a backend the registry does not
 * know), for lib/lsp/answer_guard.ts `maskLiteralValues`.
 *
 * @example
 * ```ts
 * import { literalStyleOf } from "./servers.ts";
 * import { LANGUAGES } from "../languages/mod.ts";
 * import { equal } from "node:assert/strict";
 * const typed = LANGUAGES.flatMap((l) => l.servers).find((s) => s.literalStyle === "literal_types");
 * if (typed) equal(literalStyleOf(typed.backend), "literal_types");
 * equal(literalStyleOf("lsp_custom"), "quoted");
 * ```
 */
export function literalStyleOf(backend: string): NonNullable<ServerSpec["literalStyle"]> {
  const spec = LANGUAGES.flatMap((l) => l.servers).find((s) => s.backend === backend);
  return spec?.literalStyle ?? "quoted";
}

/** Every backend name the registry knows, and {@linkcode CUSTOM_BACKEND}. */
export function knownBackends(): ReadonlySet<string> {
  return new Set([...LANGUAGES.flatMap((l) => l.servers.map((s) => s.backend)), CUSTOM_BACKEND]);
}

/**
 * The family to warm up in a segment and its first file: the family with
 * the most source files (registry order on a tie), or undefined when no
 * file has a server.
 */
export async function warmupTarget(
  segment: Segment,
): Promise<{ language: ServerLanguage; file: { abs: string; rel: string } } | undefined> {
  const extensions = LANGUAGES.filter((l) => l.servers.length > 0).flatMap((l) => l.extensions);
  if (extensions.length === 0) return undefined;
  const walked = await walkFiles(segment, segment.root, { extensions });
  const counts = new Map<string, { n: number; file: { abs: string; rel: string } }>();
  for (const f of walked.files) {
    const language = serverLanguageOf(f.rel);
    if (language === undefined) continue;
    const seen = counts.get(language);
    if (seen) seen.n++;
    else counts.set(language, { n: 1, file: { abs: f.abs, rel: f.rel } });
  }
  let best: { language: string; n: number; file: { abs: string; rel: string } } | undefined;
  for (const l of LANGUAGES) {
    const c = counts.get(l.name);
    if (c && (best === undefined || c.n > best.n)) best = { language: l.name, ...c };
  }
  return best && { language: best.language, file: best.file };
}
