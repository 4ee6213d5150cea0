/**
 * Segment resolution and path policy: the read boundary every read of
 * segment content goes through, real-path containment, the denylist, the
 * `.gitignore`-aware walker and its skip reasons. Imports nothing above it.
 *
 * @module
 */
export { permissionError, resolveSegment, type Segment, segmentIdFor } from "./segment.ts";
export { contentSha256Hex } from "./digest.ts";
export { osCode } from "./fs_errors.ts";
export { isWithin, relpath, type ResolvedPath, resolveInside } from "./paths.ts";
export {
  DENIED_DIRS,
  deniedBy,
  deniedByAny,
  DENY_GLOBS,
  isDenied,
  isDeniedAny,
  VCS_DIRS,
} from "./denylist.ts";
export {
  GITIGNORE_MAX_BYTES,
  SKIPPED_DIRS,
  type SkippedPath,
  type WalkedFile,
  walkFiles,
  type WalkOptions,
  type WalkResult,
} from "./walk.ts";
export {
  countByReason,
  isUnsafeLinkReason,
  SKIP_REASONS,
  type SkipReason,
  skipReasonOf,
  skipReasonOfCode,
  UNSAFE_LINK_REASONS,
} from "./skip.ts";
export {
  decodeUtf8,
  DEFAULT_MAX_FILE_BYTES,
  DISCLOSURE_MODES,
  type DisclosureMode,
  looksBinary,
  type ReadObserver,
} from "./read.ts";
export {
  type BoundaryRead,
  type BoundaryReadOptions,
  checkInside,
  checkInsideSync,
  type InsidePath,
  maskedName,
  nameHasSecret,
  pathTooLong,
  readInside,
  readInsideSync,
} from "./boundary.ts";
