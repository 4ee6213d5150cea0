/**
 * A C++ header named `.h` (Qt, LLVM, most C++ projects): C owns `.h`, but a
 * header the C grammar reads as mostly errors, and the C++ grammar reads,
 * is read as C++ (`readAlsoAs` in lib/languages/c/mod.ts) — its classes,
 * methods and namespaces listed, its language still `c` (URIs, imports and
 * caches follow the path). A C header stays C.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { parseSkeleton } from "../../lib/ast/mod.ts";
import type { FileSkeleton, SkeletonSymbol } from "../../lib/ast/mod.ts";
import { extractTags } from "../../lib/ast/tags_extract.ts";

const QT_HEADER = [
  "#include <QWidget>",
  "",
  "class MyWidget : public QWidget",
  "{",
  "    Q_OBJECT",
  "public:",
  "    explicit MyWidget(QWidget *parent = nullptr);",
  "    int value() const { return helper(m_value); }",
  "signals:",
  "    void valueChanged(int newValue);",
  "public slots:",
  "    void setValue(int v);",
  "private:",
  "    int m_value = 0;",
  "};",
  "",
  "namespace ns {",
  "template <typename T> struct Box { T get() const; };",
  "}",
  "",
].join("\n");

async function skeletonOfH(text: string): Promise<FileSkeleton> {
  return await parseSkeleton({
    rel: "include/widget.h",
    language: "c",
    bytes: new TextEncoder().encode(text),
  });
}

/** [kind, qualified name, start line] of every symbol, depth first. */
function rows(symbols: readonly SkeletonSymbol[]): [string, string, number][] {
  return symbols.flatMap((s) => [
    [s.kind, s.qualified_name, s.start_line] as [string, string, number],
    ...rows(s.children),
  ]);
}

Deno.test("c header: a C++ header named .h is read with the C++ grammar, its language staying c", async () => {
  const skeleton = await skeletonOfH(QT_HEADER);
  equal(skeleton.language, "c");
  deepEqual(rows(skeleton.symbols), [
    ["class", "MyWidget", 3],
    ["method", "MyWidget.MyWidget", 7],
    ["method", "MyWidget.value", 8],
    ["method", "MyWidget.valueChanged", 10],
    ["method", "MyWidget.setValue", 12],
    ["namespace", "ns", 17],
    ["struct", "ns.Box", 18],
    ["method", "ns.Box.get", 18],
  ]);
});

Deno.test("c header: the same text in a .c file is still read as C (only .h may be C++)", async () => {
  const skeleton = await parseSkeleton({
    rel: "src/widget.c",
    language: "c",
    bytes: new TextEncoder().encode(QT_HEADER),
  });
  ok(!rows(skeleton.symbols).some(([kind]) => kind === "class" || kind === "method"));
});

Deno.test("c header: a C header with a C++ block for C++ readers stays C", async () => {
  const text = [
    "#ifndef LIB_H",
    "#define LIB_H",
    "LIB_BEGIN_DECLS LIB_EXTRA(",
    "int lib_open(const char *path);",
    "int new(int flags);",
    "void lib_close(int fd);",
    "#ifdef __cplusplus",
    "class lib_guard {",
    "public:",
    "  lib_guard();",
    "};",
    "#endif",
    "#endif",
    "",
  ].join("\n");
  const skeleton = await skeletonOfH(text);
  const names = rows(skeleton.symbols).map(([, name]) => name);
  // `new` is a function in C; C++ cannot read it, so the header stays C.
  ok(names.includes("new"), names.join(", "));
  ok(names.includes("lib_close"), names.join(", "));
  ok(!names.includes("lib_guard.lib_guard"), names.join(", "));
});

Deno.test("c header: references in a C++ header named .h come from the C++ reading too", async () => {
  const tags = await extractTags({
    rel: "include/widget.h",
    language: "c",
    text: QT_HEADER,
    size: QT_HEADER.length,
  });
  const calls = tags.refs.filter((r) => r.kind === "call").map((r) => r.name);
  ok(calls.includes("helper"), calls.join(", "));
  // Read as C, `class`, `public` and `namespace` would be type names.
  const types = tags.refs.filter((r) => r.kind === "type").map((r) => r.name);
  ok(types.includes("QWidget"), types.join(", "));
  for (const keyword of ["class", "public", "namespace"]) ok(!types.includes(keyword), keyword);
});
