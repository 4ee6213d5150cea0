/**
 * The embedded reference (tag) queries: one `<grammar>.refs.scm` per
 * skeleton query, imported as text (like lib/ast/grammars.ts, so they need
 * no read permission and are inlined by `deno bundle`). Importing this module
 * needs `--unstable-raw-imports`; it is loaded lazily by lib/ast/tags_extract.ts.
 *
 * @module
 */
import pythonRefs from "./queries/python.refs.scm" with { type: "text" };
import typescriptRefs from "./queries/typescript.refs.scm" with { type: "text" };

/**
 * Reference query source by grammar name (lib/ast/grammars.ts `grammar`):
 * a new language's tags are its query file and its line here.
 */
export const REFS_QUERIES: ReadonlyMap<string, string> = new Map([
  ["python", pythonRefs],
  ["typescript", typescriptRefs],
  ["tsx", typescriptRefs],
]);
