/**
 * `trifecta lsp …`: definitions, hover, references and diagnostics from a
 * language server, with an AST fallback; the warm daemon.
 *
 * @module
 */
import type { Command } from "commander";
import { addLeaf, type Runtime } from "./frame.ts";
import { notImplemented } from "./not_implemented.ts";

/** Register the `lsp` group. */
export function registerLsp(program: Command, runtime: Runtime): void {
  const group = program.command("lsp").description("language server queries with AST fallback");
  const requireLsp = (cmd: Command) =>
    cmd.option("--require-lsp", "exit 1 instead of a degraded (AST) answer", false);
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
      handler: notImplemented(`lsp ${name}`),
    }, runtime);
  }
  addLeaf(group, {
    name: "diagnostics <file>",
    description: "the language server's diagnostics for a file",
    options: requireLsp,
    handler: notImplemented("lsp diagnostics"),
  }, runtime);
  const daemon = group.command("daemon").description("keep language servers warm between calls");
  for (
    const [name, what] of [
      ["start", "start the warm daemon for this segment"],
      ["stop", "stop the daemon"],
      ["status", "show the daemon's state"],
    ] as const
  ) {
    addLeaf(daemon, {
      name,
      description: what,
      handler: notImplemented(`lsp daemon ${name}`),
    }, runtime);
  }
}
