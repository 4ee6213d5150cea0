/**
 * Which handler runs each declared command: event name → a lazy loader of
 * its `lib/cli` module, so `--help`, `--version` and the fast path load only
 * what they run. Each loader is bound to its spec: the options a parser
 * produced are checked against the spec once, here, and the handler gets
 * them typed (`OptionsFor<…>`) without a cast. No static npm import: the fast
 * path loads this file.
 *
 * @module
 */
import {
  AST_FIND,
  AST_SKELETON,
  AST_SNIPPET,
  AST_SYMBOLS,
  CACHE_CLEAR,
  CACHE_PRUNE,
  CACHE_STATS,
  CACHE_VERIFY,
  type CommandSpec,
  CONFIG_SHOW,
  CTX_BUILD,
  CTX_GET,
  CTX_SEARCH,
  CTX_STATS,
  CTX_SYNC,
  CTX_VALIDATE,
  type EventName,
  LSP_DAEMON_SERVE,
  LSP_DAEMON_START,
  LSP_DAEMON_STATUS,
  LSP_DAEMON_STOP,
  LSP_DEFINITION,
  LSP_DIAGNOSTICS,
  LSP_HOVER,
  LSP_REFERENCES,
  MAP,
  MCP,
  type OptionsOf,
  TELEMETRY_EXPORT,
  TELEMETRY_HEALTH,
  TELEMETRY_REPORT,
  WATCH,
} from "../contract/commands.ts";
import { hasOptionsOf } from "../contract/command_values.ts";
import { TrifectaError } from "../errors.ts";
import type { CommandHandler } from "./command.ts";

/** Loads a command's handler (taking any parsed options; they are checked on the call). */
export type HandlerLoader = () => Promise<CommandHandler>;

/**
 * Bind a handler loader to its spec: the handler is called with the parsed
 * options once they are shown to match the spec's types.
 */
export function bindHandler<const S extends CommandSpec>(
  spec: S,
  load: () => Promise<CommandHandler<OptionsOf<S>>>,
): HandlerLoader {
  return async () => {
    const handler = await load();
    return (ctx) => {
      const options = ctx.options;
      if (!hasOptionsOf(spec, options)) {
        // Both parsers read the same spec; a mismatch is a bug, not a usage error.
        throw new TrifectaError(
          "INTERNAL_ERROR",
          `The options of \`${spec.group} ${spec.name}\` do not match its spec.`,
        );
      }
      return handler({ ...ctx, options });
    };
  };
}

function lspQuery(method: "definition" | "hover" | "references" | "diagnostics") {
  return async () => (await import("./lsp_query.ts")).queryHandler(method);
}

/** Handlers of `ast` and `cache`. */
const AST_HANDLERS = {
  "ast.skeleton": bindHandler(
    AST_SKELETON,
    async () => (await import("./ast_skeleton.ts")).skeletonHandler,
  ),
  "ast.symbols": bindHandler(
    AST_SYMBOLS,
    async () => (await import("./ast_symbols.ts")).symbolsHandler,
  ),
  "ast.snippet": bindHandler(
    AST_SNIPPET,
    async () => (await import("./ast_symbols.ts")).snippetHandler,
  ),
  "ast.find": bindHandler(
    AST_FIND,
    async () => (await import("./ast_find.ts")).findHandler,
  ),
  "cache.stats": bindHandler(
    CACHE_STATS,
    async () => (await import("./cache_stats.ts")).statsHandler,
  ),
  "cache.clear": bindHandler(
    CACHE_CLEAR,
    async () => (await import("./cache_clear.ts")).clearHandler,
  ),
  "cache.verify": bindHandler(
    CACHE_VERIFY,
    async () => (await import("./cache_verify.ts")).verifyHandler,
  ),
  "cache.prune": bindHandler(
    CACHE_PRUNE,
    async () => (await import("./cache_prune.ts")).pruneHandler,
  ),
};

/** Handlers of `lsp`. */
const LSP_HANDLERS = {
  "lsp.definition": bindHandler(LSP_DEFINITION, lspQuery("definition")),
  "lsp.hover": bindHandler(LSP_HOVER, lspQuery("hover")),
  "lsp.references": bindHandler(LSP_REFERENCES, lspQuery("references")),
  "lsp.diagnostics": bindHandler(LSP_DIAGNOSTICS, lspQuery("diagnostics")),
  "lsp.daemon.start": bindHandler(
    LSP_DAEMON_START,
    async () => (await import("./lsp_daemon.ts")).startHandler,
  ),
  "lsp.daemon.stop": bindHandler(
    LSP_DAEMON_STOP,
    async () => (await import("./lsp_daemon.ts")).stopHandler,
  ),
  "lsp.daemon.status": bindHandler(
    LSP_DAEMON_STATUS,
    async () => (await import("./lsp_daemon.ts")).statusHandler,
  ),
  "lsp.daemon.serve": bindHandler(
    LSP_DAEMON_SERVE,
    async () => (await import("./lsp_daemon.ts")).serveHandler,
  ),
};

/** Handlers of `ctx`, `telemetry` and `mcp`. */
const OTHER_HANDLERS = {
  "ctx.build": bindHandler(CTX_BUILD, async () => (await import("./ctx_build.ts")).buildHandler),
  "ctx.sync": bindHandler(CTX_SYNC, async () => (await import("./ctx_build.ts")).syncHandler),
  "ctx.validate": bindHandler(
    CTX_VALIDATE,
    async () => (await import("./ctx_build.ts")).validateHandler,
  ),
  "ctx.stats": bindHandler(CTX_STATS, async () => (await import("./ctx_stats.ts")).statsHandler),
  "ctx.search": bindHandler(
    CTX_SEARCH,
    async () => (await import("./ctx_search.ts")).searchHandler,
  ),
  "ctx.get": bindHandler(CTX_GET, async () => (await import("./ctx_get.ts")).getHandler),
  "map": bindHandler(MAP, async () => (await import("./map.ts")).mapHandler),
  "watch": bindHandler(WATCH, async () => (await import("./watch.ts")).watchHandler),
  "telemetry.report": bindHandler(
    TELEMETRY_REPORT,
    async () => (await import("./telemetry.ts")).reportHandler,
  ),
  "telemetry.export": bindHandler(
    TELEMETRY_EXPORT,
    async () => (await import("./telemetry.ts")).exportHandler,
  ),
  "telemetry.health": bindHandler(
    TELEMETRY_HEALTH,
    async () => (await import("./telemetry.ts")).healthHandler,
  ),
  "config.show": bindHandler(
    CONFIG_SHOW,
    async () => (await import("./config_show.ts")).configShowHandler,
  ),
  "mcp": bindHandler(MCP, async () => (await import("./mcp.ts")).mcpHandler),
};

/** The handler of every declared command, by event name (the type demands each one). */
export const HANDLERS: { readonly [E in EventName]: HandlerLoader } = {
  ...AST_HANDLERS,
  ...LSP_HANDLERS,
  ...OTHER_HANDLERS,
};

/**
 * The loader of a command by its event name; an `INTERNAL_ERROR` for a
 * name no spec declares (callers pass `eventNameOf(spec)`).
 */
export function handlerOf(eventName: string): HandlerLoader {
  const loader = Object.entries(HANDLERS).find(([name]) => name === eventName)?.[1];
  if (loader === undefined) {
    throw new TrifectaError("INTERNAL_ERROR", `No handler for the command ${eventName}.`);
  }
  return loader;
}
