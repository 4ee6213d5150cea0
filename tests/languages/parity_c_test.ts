/**
 * C docs when the second parse (macros blanked, lib/ast/parse_source.ts)
 * wins: a line the blanking turned into spaces is no gap between a doc
 * comment and its declaration (GLib's `GLIB_AVAILABLE_IN_ALL` line between
 * a gtk-doc comment and the prototype; clang attaches the comment too).
 */
import { deepEqual } from "node:assert/strict";
import { parseSkeleton } from "../../lib/ast/mod.ts";

Deno.test("c parity: an export-macro line blanked by the second parse does not cut a prototype from its doc", async () => {
  const text = [
    "/** Returns foo. */",
    "GLIB_AVAILABLE_IN_ALL",
    "int foo (void);",
    "",
    "/** Returns bar. */",
    "",
    "GLIB_AVAILABLE_IN_ALL",
    "int bar (int a);",
    "",
  ].join("\n");
  const skeleton = await parseSkeleton({
    rel: "g.h",
    language: "c",
    bytes: new TextEncoder().encode(text),
  });
  deepEqual(skeleton.symbols.map((s) => [s.name, s.start_line, s.signature, s.doc]), [
    ["foo", 3, "int foo (void)", "Returns foo."],
    ["bar", 8, "int bar (int a)", ""],
  ]);
});
