/**
 * `trifecta lsp …`: definitions, hover, references and diagnostics from a
 * language server, with an AST fallback; the warm daemon. See docs/lsp.md.
 *
 * @module
 */
import type { Command } from "commander";
import { addLeaf, parsePositiveInt, type Runtime } from "./frame.ts";

const LOCATION_HELP = `
<location> is <file>:<line>:<col>, 1-based as editors show them; the file is
relative to the segment root. Without a ready language server the answer
comes from the AST, with a named fallback_reason (exit 0); --require-lsp
turns that into exit 1. Env: TRIFECTA_LSP=0, TRIFECTA_LSP_COMMAND,
TRIFECTA_LSP_REQUEST_TIMEOUT, TRIFECTA_LSP_READY_TIMEOUT (docs/lsp.md).`;

/** Register the `lsp` group. */
export function registerLsp(program: Command, runtime: Runtime): void {
  const group = program.command("lsp").description("language server queries with AST fallback");
  const requireLsp = (cmd: Command) =>
    cmd.option("--require-lsp", "exit 1 instead of a degraded (AST) answer", false);
  const loadQuery = (method: "definition" | "hover" | "references" | "diagnostics") => async () =>
    (await import("./lsp_query.ts")).queryHandler(method);
  for (
    const [name, what] of [
      ["definition", "where the symbol at FILE:LINE:COL is defined"],
      ["hover", "type and docs of the symbol at FILE:LINE:COL"],
      ["references", "where the symbol at FILE:LINE:COL is used"],
    ] as const
  ) {
    addLeaf(group, {
      name: `${name} <location>`,
      description: what,
      options: requireLsp,
      handler: loadQuery(name),
      helpText: LOCATION_HELP,
    }, runtime);
  }
  addLeaf(group, {
    name: "diagnostics <file>",
    description: "the language server's diagnostics for a file",
    options: requireLsp,
    handler: loadQuery("diagnostics"),
  }, runtime);
  const daemon = group.command("daemon").description("keep language servers warm between calls");
  const ttl = (cmd: Command) =>
    cmd.option(
      "--ttl <seconds>",
      "idle seconds before the daemon exits (default 300, env TRIFECTA_LSP_DAEMON_TTL)",
      parsePositiveInt,
    );
  addLeaf(daemon, {
    name: "start",
    description: "start the warm daemon for this segment (returns once it listens)",
    options: ttl,
    handler: async () => (await import("./lsp_daemon.ts")).startHandler,
  }, runtime);
  addLeaf(daemon, {
    name: "stop",
    description: "stop the daemon (and its language server)",
    handler: async () => (await import("./lsp_daemon.ts")).stopHandler,
  }, runtime);
  addLeaf(daemon, {
    name: "status",
    description: "show the daemon's state",
    handler: async () => (await import("./lsp_daemon.ts")).statusHandler,
  }, runtime);
  const serve = addLeaf(daemon, {
    name: "serve",
    description: "run the daemon in the foreground (internal: `start` runs this detached)",
    options: ttl,
    handler: async () => (await import("./lsp_daemon.ts")).serveHandler,
  }, runtime);
  // Internal: kept out of --help.
  (serve as unknown as { _hidden: boolean })._hidden = true;
}
