/**
 * PLACEHOLDER: `ast skeleton` handler.
 *
 * @module
 */
import { NotImplementedError } from "../errors.ts";
import type { CommandContext, CommandOutcome } from "./frame.ts";

/** `ast skeleton <path…>`. */
export function skeletonHandler(_ctx: CommandContext): Promise<CommandOutcome> {
  return Promise.reject(new NotImplementedError("ast skeleton"));
}
