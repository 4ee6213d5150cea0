/**
 * C# signatures when the second parse (conditional directives blanked,
 * lib/ast/parse_source.ts) wins: what it blanked is white space to the
 * tree, so a directive line is never the start of a signature, nor moves
 * the symbol's first line.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { parseSkeleton } from "../../lib/ast/mod.ts";
import type { FileSkeleton } from "../../lib/ast/mod.ts";

/** The skeleton of the C# file `text`. */
async function skeletonOfCSharp(text: string): Promise<FileSkeleton> {
  return await parseSkeleton({
    rel: "C.cs",
    language: "csharp",
    bytes: new TextEncoder().encode(text),
  });
}

Deno.test("csharp parity: an #endif after an attribute, blanked by the second parse, is not part of the signature", async () => {
  const text = [
    "class C",
    "{",
    "    private static readonly int[] All =",
    "    {",
    "#if !X",
    "        1,",
    "#endif",
    "#if !Y",
    "        2,",
    "#endif",
    "    };",
    "",
    "#if !NET20",
    "    [Obsolete]",
    "#endif",
    "    private void M()",
    "    {",
    "    }",
    "}",
    "",
  ].join("\n");
  const skeleton = await skeletonOfCSharp(text);
  const m = skeleton.symbols[0]?.children.find((s) => s.name === "M");
  ok(m, JSON.stringify(skeleton.symbols));
  equal(m.start_line, 16);
  equal(m.signature, "private void M()");
  deepEqual(m.decorators, ["[Obsolete]"]);
});

Deno.test("csharp parity: directive lines between two attributes and the method stay out of its signature", async () => {
  const text = [
    "class C",
    "{",
    "    int[] a = {",
    "#if X",
    "        1,",
    "#endif",
    "    };",
    "    [A]",
    "#if DEBUG",
    "    [B]",
    "#else",
    "    [C]",
    "#endif",
    "    public int N() => 1;",
    "}",
    "",
  ].join("\n");
  const skeleton = await skeletonOfCSharp(text);
  const n = skeleton.symbols[0]?.children.find((s) => s.name === "N");
  ok(n, JSON.stringify(skeleton.symbols));
  equal(n.start_line, 14);
  equal(n.signature, "public int N()");
});

Deno.test("csharp parity: the /// block above an #if around the attributes is the doc when the second parse wins", async () => {
  const text = [
    "class C",
    "{",
    "    private static readonly int[] All =",
    "    {",
    "#if !X",
    "        1,",
    "#endif",
    "    };",
    "",
    "    /// <summary>Does M.</summary>",
    "#if !NET20",
    "    [Obsolete]",
    "#endif",
    "    private void M()",
    "    {",
    "    }",
    "",
    "    /// <summary>Not N's: a blank line follows.</summary>",
    "",
    "#if !NET20",
    "    [Obsolete]",
    "#endif",
    "    private void N()",
    "    {",
    "    }",
    "}",
    "",
  ].join("\n");
  const members = (await skeletonOfCSharp(text)).symbols[0]?.children ?? [];
  deepEqual(members.map((s) => [s.name, s.start_line, s.doc]), [
    ["M", 14, "Does M."],
    ["N", 23, ""],
  ]);
});
