/**
 * `trifecta mcp`: serve the MCP tools over stdio until the client goes
 * away. stdout belongs to the protocol; nothing else is printed there.
 *
 * @module
 */
import { serveStdio } from "../mcp/mod.ts";
import type { CommandContext, CommandOutcome } from "./command.ts";
import { VERSION } from "./version.ts";

/** `trifecta mcp [-s SEGMENT] [--persist-cache]`. */
export async function mcpHandler(ctx: CommandContext): Promise<CommandOutcome> {
  const end = await serveStdio(ctx.segment, {
    telemetry: ctx.telemetry,
    persistCache: ctx.global.persistCache,
    version: VERSION,
  });
  return { result: { end_reason: end.reason, calls: end.calls } };
}
