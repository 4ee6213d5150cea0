/**
 * PLACEHOLDER: `ast symbols` and `ast snippet` handlers.
 *
 * @module
 */
import { NotImplementedError } from "../errors.ts";
import type { CommandContext, CommandOutcome } from "./frame.ts";

/** `ast symbols <uri>`. */
export function symbolsHandler(_ctx: CommandContext): Promise<CommandOutcome> {
  return Promise.reject(new NotImplementedError("ast symbols"));
}

/** `ast snippet <uri>`. */
export function snippetHandler(_ctx: CommandContext): Promise<CommandOutcome> {
  return Promise.reject(new NotImplementedError("ast snippet"));
}
