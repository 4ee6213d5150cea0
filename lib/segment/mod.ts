/**
 * Segment resolution and path policy: real-path containment, the denylist,
 * the `.gitignore`-aware walker and byte-counted reads. Imports nothing above
 * it.
 *
 * @module
 */
export { permissionError, resolveSegment, type Segment, segmentIdFor } from "./segment.ts";
export { contentSha256Hex } from "./digest.ts";
export { isWithin, relpath, type ResolvedPath, resolveInside } from "./paths.ts";
export { DENIED_DIRS, isDenied } from "./denylist.ts";
export {
  SKIPPED_DIRS,
  type SkippedPath,
  type WalkedFile,
  walkFiles,
  type WalkOptions,
  type WalkResult,
} from "./walk.ts";
export {
  decodeUtf8,
  DEFAULT_MAX_FILE_BYTES,
  DISCLOSURE_MODES,
  type DisclosureMode,
  looksBinary,
  type ReadObserver,
  type ReadOptions,
  readSource,
  type SourceText,
} from "./read.ts";
export {
  type BoundaryRead,
  type BoundaryReadOptions,
  checkInside,
  checkInsideSync,
  type InsidePath,
  readInside,
  readInsideSync,
} from "./boundary.ts";
