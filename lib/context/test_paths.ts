/**
 * Which files are tests: search ranks a definition in source before one in
 * tests (a name defined once in source is often defined again, as a stub or
 * a helper, in its tests).
 *
 * @module
 */

/** Directory names that hold tests. */
const TEST_DIRS: ReadonlySet<string> = new Set(["test", "tests", "__tests__", "__mocks__"]);

/** File names of tests: `test_x.py`, `x_test.py`, `tests.py`, `conftest.py`, `x.test.ts`, `x.spec.js`, `x_test.go`. */
const TEST_FILE =
  /^(test_.*\.pyi?|.*_tests?\.pyi?|tests?\.py|conftest\.py|.*\.(test|spec)\.[cm]?[jt]sx?|.*_test\.[cm]?[jt]sx?)$/;

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
