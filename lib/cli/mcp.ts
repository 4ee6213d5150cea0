/**
 * `trifecta mcp`: serve the MCP tools over stdio until the client goes
 * away. stdout belongs to the protocol; nothing else is printed there.
 *
 * @module
 */
import { serveStdio } from "../mcp/mod.ts";
import type { CommandContext, CommandOutcome } from "./command.ts";
import { VERSION } from "./version.ts";

/** `trifecta mcp [-s SEGMENT] [--persist-cache] [--no-watch]`. */
export async function mcpHandler(ctx: CommandContext): Promise<CommandOutcome> {
  const end = await serveStdio(ctx.segment, {
    telemetry: ctx.telemetry,
    persistCache: ctx.global.persistCache,
    version: VERSION,
    watch: ctx.options.watch !== false,
    // trifecta.jsonc's budgets and telemetry directory (docs/config.md).
    budgets: {
      tools: ctx.config.budgets.mcp.value ?? undefined,
      map: ctx.config.budgets.map.value ?? undefined,
    },
    telemetryDir: ctx.config.telemetry.path,
  });
  return { result: { end_reason: end.reason, calls: end.calls } };
}
