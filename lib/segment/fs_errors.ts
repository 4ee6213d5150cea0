/**
 * The named errors of the read boundary: each refusal and each file-system
 * failure on a segment path becomes a {@linkcode TrifectaError} with a
 * stable code, the path shown segment-relative (its secrets masked).
 *
 * @module
 */
import { TrifectaError } from "../errors.ts";
import { deniedByAny } from "./denylist.ts";
import { maskedName } from "./names.ts";
import { permissionError, type Segment } from "./segment.ts";

/**
 * The OS error code (`ELOOP`, `ENAMETOOLONG`, …) of a file-system error, if any.
 *
 * @example
 * ```ts
 * import { osCode } from "./fs_errors.ts";
 * import { equal } from "node:assert/strict";
 * let code: string | undefined;
 * try {
 *   Deno.readDirSync("/no/such/dir");
 * } catch (err) {
 *   code = osCode(err);
 * }
 * equal(code, "ENOENT");
 * equal(osCode(new Error("plain")), undefined);
 * ```
 */
export function osCode(err: unknown): string | undefined {
  if (!(err instanceof Error) || !("code" in err)) return undefined;
  return typeof err.code === "string" ? err.code : undefined;
}

/** `FILE_CHANGED_DURING_READ`: the path changed while it was `when` (checked, opened, read). */
export function changed(shown: string, when: string, cause?: unknown): TrifectaError {
  return new TrifectaError(
    "FILE_CHANGED_DURING_READ",
    `File changed while it was being ${when} (swapped?): ${shown}`,
    { cause, nextSteps: ["Run the command again once the repository is not being changed"] },
  );
}

/** `PATH_TOO_LONG`. */
export function tooLong(shown: string, cause?: unknown): TrifectaError {
  return new TrifectaError("PATH_TOO_LONG", `Path is too long for the file system: ${shown}`, {
    cause,
    nextSteps: ["Move or rename the file to a shorter path"],
  });
}

/** `INVALID_FILE_NAME`: not valid UTF-8, or a NUL byte. */
export function invalidName(shown: string, cause?: unknown): TrifectaError {
  return new TrifectaError(
    "INVALID_FILE_NAME",
    `File name is not valid UTF-8 (or holds a NUL byte) and cannot be opened: ${shown}`,
    { cause, nextSteps: ["Rename the file to a UTF-8 name"] },
  );
}

/** `PATH_OUTSIDE_SEGMENT` through a symlink. */
export function outside(shown: string, cause?: unknown): TrifectaError {
  return new TrifectaError(
    "PATH_OUTSIDE_SEGMENT",
    `Path resolves outside the segment (symlink): ${shown}`,
    {
      cause,
      details: { reason: "symlink" },
      nextSteps: ["trifecta does not follow symlinks that leave the segment"],
    },
  );
}

/** `PATH_OUTSIDE_SEGMENT` as named (`shown` is masked here). */
export function outsideAsNamed(path: string): TrifectaError {
  return new TrifectaError(
    "PATH_OUTSIDE_SEGMENT",
    `Path is outside the segment: ${maskedName(path)}`,
    {
      details: { reason: "outside" },
      nextSteps: ["Give a path relative to the segment root, or choose another -s/--segment"],
    },
  );
}

/** Turn a file-system failure on `shown` into a named error. */
export function fsError(err: unknown, segment: Segment, shown: string): TrifectaError {
  if (err instanceof TrifectaError) return err;
  if (
    err instanceof Deno.errors.NotCapable &&
    Deno.permissions.querySync({ name: "read", path: segment.root }).state === "granted"
  ) {
    // Inside the segment but not granted: a symlink on the way leads out.
    return outside(shown, err);
  }
  const perm = permissionError(err, shown);
  if (perm) return perm;
  if (err instanceof Deno.errors.FilesystemLoop || osCode(err) === "ELOOP") {
    return new TrifectaError("SYMLINK_LOOP", `Symlink loop at: ${shown}`, { cause: err });
  }
  if (osCode(err) === "ENAMETOOLONG") return tooLong(shown, err);
  if (err instanceof Deno.errors.NotFound && shown.includes("\uFFFD")) {
    return invalidName(shown, err);
  }
  if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory) {
    return new TrifectaError("FILE_NOT_FOUND", `No such file or directory: ${shown}`, {
      cause: err,
      nextSteps: ["Paths are relative to the segment root (-s/--segment, default .)"],
    });
  }
  return new TrifectaError(
    "FILE_UNREADABLE",
    `Cannot read ${shown}: ${osCode(err) ?? "I/O error"}`,
    { cause: err },
  );
}

/** `PATH_DENIED`, reason `secret_in_name` (`rel`: a symlink's target). */
export function secretInName(namedRel: string, rel?: string): TrifectaError {
  const via = rel === undefined ? "" : ` (symlink to ${maskedName(rel)})`;
  return new TrifectaError(
    "PATH_DENIED",
    `Path name holds a secret and is never read: ${maskedName(namedRel)}${via}`,
    {
      details: { reason: "secret_in_name" },
      nextSteps: ["Rename the file or directory so its name holds no token or password"],
    },
  );
}

/**
 * `PATH_DENIED` when `rel` (named, or a symlink's target) is on the
 * denylist, or on the config's `extra` globs.
 */
export function denied(
  shown: string,
  rel: string,
  reason: "denied_name" | "denied_target",
  extra?: readonly string[],
): TrifectaError | undefined {
  if (rel === ".") return undefined;
  const glob = deniedByAny(rel, extra);
  if (glob === undefined) return undefined;
  const via = reason === "denied_target" ? ` (symlink to ${rel})` : "";
  return new TrifectaError(
    "PATH_DENIED",
    `Path is on the denylist (secrets, VCS; ${glob}): ${shown}${via}`,
    {
      details: { reason, glob },
      nextSteps: [
        "trifecta never reads VCS internals, .env*, key or credential files (docs/security.md)",
      ],
    },
  );
}

/** `PATH_DENIED`, reason `hard_link`. */
export function hardLink(shown: string, links: number): TrifectaError {
  // Another name of the same file may be a denied or an outside file (a
  // planted `notes.py` linked to `.env` shows what the user later writes
  // there): no name can be checked but the one given, so none is trusted.
  return new TrifectaError(
    "PATH_DENIED",
    `File has ${links} hard links; trifecta cannot check its other names: ${shown}`,
    {
      details: { reason: "hard_link", links },
      nextSteps: [
        "Replace the link with a copy (cp FILE FILE.tmp && mv FILE.tmp FILE), or leave the file out",
      ],
    },
  );
}

/** `FILE_TOO_LARGE` (`bytes` read so far when it grew past the cap). */
export function tooLarge(shown: string, bytes: number, max: number): TrifectaError {
  return new TrifectaError(
    "FILE_TOO_LARGE",
    `File is over the cap of ${max} bytes (${bytes}${bytes > max ? "" : "+"}): ${shown}`,
    { details: { bytes, max_bytes: max } },
  );
}

/** `NOT_A_REGULAR_FILE`: a directory, FIFO, socket or device. */
export function notRegular(shown: string, isDirectory: boolean): TrifectaError {
  const kind = isDirectory ? "a directory" : "a FIFO, socket or device";
  return new TrifectaError("NOT_A_REGULAR_FILE", `Not a regular file (${kind}): ${shown}`, {
    details: { kind: isDirectory ? "directory" : "special" },
  });
}

/** `BINARY_FILE`. */
export function binary(shown: string, bytes: number): TrifectaError {
  return new TrifectaError("BINARY_FILE", `File looks binary (contains NUL bytes): ${shown}`, {
    details: { bytes },
  });
}

/** `PATH_DENIED`, reason `private_key_content`. */
export function privateKey(shown: string): TrifectaError {
  return new TrifectaError(
    "PATH_DENIED",
    `File holds a private key block and is never read: ${shown}`,
    {
      details: { reason: "private_key_content" },
      nextSteps: ["trifecta never reads files that contain private keys"],
    },
  );
}
