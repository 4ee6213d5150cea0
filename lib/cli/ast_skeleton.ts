/**
 * PLACEHOLDER: `ast skeleton` handler.
 *
 * @module
 */
import { NotImplementedError } from "../errors.ts";
import type { CommandHandler } from "./frame.ts";

/** `ast skeleton <path…>`. */
export const skeletonHandler: CommandHandler = () => {
  throw new NotImplementedError("ast skeleton");
};
