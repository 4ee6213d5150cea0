/**
 * trifecta as a library: segment resolution, the read boundary and path
 * policy, secret masking, telemetry, and
 * the CLI entry point.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { relpath, resolveSegment } from "./mod.ts";
 * const seg = await resolveSegment(".");
 * equal(relpath(seg.root, `${seg.root}/src/app.py`), "src/app.py");
 * ```
 *
 * @module
 */
export {
  EXIT_ERROR,
  EXIT_USAGE,
  TrifectaError,
  type TrifectaErrorOptions,
  UsageError,
} from "./lib/errors.ts";
export * from "./lib/segment/mod.ts";
export * from "./lib/telemetry/mod.ts";
export {
  CONTENT_SECRET_RULES,
  type ContentSecretRule,
  hasPrivateKeyBlock,
  type MaskedText,
  type MaskOptions,
  maskSecrets,
  SECRET_MASK_PREFIX,
  type SecretFinding,
} from "./lib/secrets.ts";
export {
  type CapturedOutput,
  captureOutput,
  type Output,
  run,
  type RunOptions,
} from "./lib/cli/mod.ts";
