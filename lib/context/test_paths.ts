/**
 * Which files are tests: search ranks a definition in source before one in
 * tests (a name defined once in source is often defined again, as a stub or
 * a helper, in its tests).
 *
 * @module
 */
import { LANGUAGES } from "../languages/mod.ts";

/** Directory names that hold tests. */
const TEST_DIRS: ReadonlySet<string> = new Set(["test", "tests", "__tests__", "__mocks__"]);

/** A glob of a `testFiles` entry as a regex source: `*` any characters, `{ext}` one of `exts`. */
function globSource(glob: string, exts: readonly string[]): string {
  const esc = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const ext = `(${exts.map(esc).join("|")})`;
  return glob.split("{ext}").map((part) => part.split("*").map(esc).join(".*")).join(ext);
}

/** File names of tests: each registry language's `testFiles` (`test_x.py`, `x.test.ts`). */
const TEST_FILE = new RegExp(
  `^(${
    LANGUAGES.flatMap((l) => (l.testFiles ?? []).map((g) => globSource(g, l.extensions))).join(
      "|",
    ) ||
    "(?!)"
  })$`,
);

/**
 * Whether the segment-relative `path` is a test file or lies in a test
 * directory.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { isTestPath } from "./test_paths.ts";
 * equal(isTestPath("tests/apps/tests.py"), true);
 * equal(isTestPath("pkg/test_models.py"), true);
 * equal(isTestPath("web/api.test.ts"), true);
 * equal(isTestPath("pkg/conftest.py"), true);
 * equal(isTestPath("django/apps/config.py"), false);
 * equal(isTestPath("src/contest.py"), false);
 * ```
 */
export function isTestPath(path: string): boolean {
  const parts = path.split("/");
  const file = parts.pop() ?? "";
  return parts.some((p) => TEST_DIRS.has(p)) || TEST_FILE.test(file);
}
