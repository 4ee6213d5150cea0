/**
 * Handler for commands that a later release implements: exit 1 with
 * `NOT_IMPLEMENTED`, never a silent success.
 *
 * @module
 */
import { NotImplementedError } from "../errors.ts";
import type { CommandHandler } from "./frame.ts";

/** A handler loader whose handler fails with `NOT_IMPLEMENTED`. */
export function notImplemented(command: string): () => Promise<CommandHandler> {
  return () =>
    Promise.resolve(() => {
      throw new NotImplementedError(command);
    });
}
