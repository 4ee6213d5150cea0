/**
 * trifecta's own directories in a segment (`_ctx/`, `.trifecta/`) carry a
 * `.gitignore` holding `*`, so what trifecta writes never shows in
 * `git status`. Written only into a real directory (never through a
 * symlink: the directory is `lstat`ed and the file created with `O_EXCL`,
 * which does not follow a link), and an existing `.gitignore` is left alone.
 *
 * @module
 */
import { join } from "../path.ts";
import { lstatOrUndefined } from "../safe_dir.ts";

/** trifecta's directories at a segment root. */
export const OWN_DIRS: readonly string[] = ["_ctx", ".trifecta"];

/** What the `.gitignore` of each of {@linkcode OWN_DIRS} holds. */
export const OWN_GITIGNORE = "# Written by trifecta: its own state, never committed.\n*\n";

/**
 * Give each existing directory of {@linkcode OWN_DIRS} under `root` a
 * `.gitignore` with `*` when it has none. Returns the directories written
 * to. A symlinked directory, a read-only segment or a missing grant is
 * skipped (nothing of the user's is touched).
 *
 * @example
 * ```ts
 * import { ensureOwnGitignores } from "./gitignore.ts";
 * import { deepEqual, equal } from "node:assert/strict";
 * const dir = Deno.makeTempDirSync();
 * Deno.mkdirSync(`${dir}/_ctx`);
 * deepEqual(ensureOwnGitignores(dir), ["_ctx"]);
 * equal(Deno.readTextFileSync(`${dir}/_ctx/.gitignore`).endsWith("*\n"), true);
 * deepEqual(ensureOwnGitignores(dir), []);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function ensureOwnGitignores(root: string): string[] {
  const written: string[] = [];
  for (const name of OWN_DIRS) {
    const dir = join(root, name);
    try {
      const info = lstatOrUndefined(dir);
      if (info === undefined || !info.isDirectory || info.isSymlink) continue;
      const path = join(dir, ".gitignore");
      if (lstatOrUndefined(path) !== undefined) continue;
      const file = Deno.openSync(path, { write: true, createNew: true, mode: 0o644 });
      try {
        file.writeSync(new TextEncoder().encode(OWN_GITIGNORE));
      } finally {
        file.close();
      }
      written.push(name);
    } catch (err) {
      // The file is a courtesy: a read-only segment, a missing grant, a full
      // disk or a .gitignore made meanwhile leaves the directory as it is.
      if (!(err instanceof Error)) throw err;
    }
  }
  return written;
}
