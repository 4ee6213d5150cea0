/**
 * Java doc lines as javac attaches Javadoc (bench/oracles/java,
 * `bash bench/compare_java.sh`): the last `/** *\/` comment before the
 * declaration's first token is its doc, whatever blank lines and other
 * comments lie between; a token in between, or a Javadoc after the
 * annotations, gives none. Each case was checked against the oracle.
 */
import { deepEqual } from "node:assert/strict";
import { parseSkeleton } from "../../lib/ast/mod.ts";
import type { SkeletonSymbol } from "../../lib/ast/mod.ts";

/** [qualified name, doc] of every symbol of the Java file `text`, depth first. */
async function docsOfJava(text: string): Promise<[string, string][]> {
  const skeleton = await parseSkeleton({
    rel: "p/A.java",
    language: "java",
    bytes: new TextEncoder().encode(text),
  });
  const out: [string, string][] = [];
  const walk = (symbols: readonly SkeletonSymbol[]) => {
    for (const s of symbols) {
      out.push([s.qualified_name, s.doc]);
      walk(s.children);
    }
  };
  walk(skeleton.symbols);
  return out;
}

Deno.test("java parity: a Javadoc separated from its declaration by a blank line or a // comment is its doc", async () => {
  const text = [
    "package p;",
    "",
    "/**",
    " * Reads text.",
    " */",
    "",
    "public class A {",
    "    /**",
    "     * Returns the code.",
    "     */",
    "    // REMIND: deprecate?",
    "    public char code() { return 'a'; }",
    "",
    "    /** Offset. */",
    "",
    "    /* not a doc */",
    "",
    "    int offset() { return 0; }",
    "}",
    "",
  ].join("\n");
  deepEqual(await docsOfJava(text), [
    ["A", "Reads text."],
    ["A.code", "Returns the code."],
    ["A.offset", "Offset."],
  ]);
});

Deno.test("java parity: the last of several Javadocs is the doc; a token between, or annotations before it, leave none", async () => {
  const text = [
    "class A {",
    "    /** first */",
    "    /** second */",
    "    void twoDocs() {}",
    "",
    "    /** before a semicolon */",
    "    ;",
    "    void afterSemi() {}",
    "",
    "    @Deprecated",
    "    /** after an annotation */",
    "    void afterAnnotation() {}",
    "",
    "    /** before an annotation */",
    "    @Deprecated",
    "    void beforeAnnotation() {}",
    "",
    "    /** real */",
    "    /**/",
    "    void emptyLast() {}",
    "}",
    "",
  ].join("\n");
  deepEqual(await docsOfJava(text), [
    ["A", ""],
    ["A.twoDocs", "second"],
    ["A.afterSemi", ""],
    ["A.afterAnnotation", ""],
    ["A.beforeAnnotation", "before an annotation"],
    ["A.emptyLast", ""],
  ]);
});
