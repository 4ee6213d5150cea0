/**
 * PLACEHOLDER: `ast symbols` and `ast snippet` handlers.
 *
 * @module
 */
import { NotImplementedError } from "../errors.ts";
import type { CommandHandler } from "./frame.ts";

/** `ast symbols <uri>`. */
export const symbolsHandler: CommandHandler = () => {
  throw new NotImplementedError("ast symbols");
};

/** `ast snippet <uri>`. */
export const snippetHandler: CommandHandler = () => {
  throw new NotImplementedError("ast snippet");
};
