/**
 * `lsp.servers` for language-server discovery: the configured commands,
 * answered as the registry's own variables (`TRIFECTA_LSP_COMMAND`,
 * `TRIFECTA_LSP_TS_COMMAND` …, lib/languages), so discovery needs no second
 * path. A variable set in the environment still wins (env > files).
 *
 * @module
 */
import { LANGUAGES } from "../languages/mod.ts";
import type { EnvReader } from "./files.ts";
import type { ServerCommands } from "./types.ts";

/** The names `lsp.servers` accepts: the registry's language names (`python`, `typescript`, `go` …). */
export function serverNames(): string[] {
  return LANGUAGES.filter((l) => l.servers.length > 0).map((l) => l.name);
}

/**
 * An environment reader in which each configured server's language
 * variable reads as its command (a JSON array, as the variables accept);
 * every other name, and a variable the environment sets, reads as before.
 *
 * @example
 * ```ts
 * import { serverCommandEnv } from "./servers.ts";
 * import { equal } from "node:assert/strict";
 * const env = serverCommandEnv({ python: ["/opt/pyright-langserver", "--stdio"] }, () => undefined);
 * equal(env("TRIFECTA_LSP_COMMAND"), '["/opt/pyright-langserver","--stdio"]');
 * equal(env("PATH"), undefined);
 * ```
 */
export function serverCommandEnv(servers: ServerCommands, env: EnvReader): EnvReader {
  const byVariable = new Map<string, string>();
  for (const [name, argv] of Object.entries(servers)) {
    const language = LANGUAGES.find((l) => l.name === name);
    for (const server of language?.servers ?? []) {
      if (!byVariable.has(server.env)) byVariable.set(server.env, JSON.stringify(argv));
    }
  }
  if (byVariable.size === 0) return env;
  return (name) => {
    const set = env(name);
    return set !== undefined && set.trim() !== "" ? set : byVariable.get(name);
  };
}
