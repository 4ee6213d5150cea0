/**
 * C skeletons of real-world header idioms found by the sweep over
 * /usr/include (GL/GLES/EGL, GLU, NSPR, PKCS#11): calling-convention and
 * export macros the grammar cannot expand, each reproduced by a few lines
 * of our own.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { parseSkeleton } from "../../lib/ast/mod.ts";
import type { FileSkeleton, SkeletonSymbol } from "../../lib/ast/mod.ts";

/** The skeleton of `text` parsed as the C file `rel`. */
async function skeletonOfC(rel: string, text: string): Promise<FileSkeleton> {
  return await parseSkeleton({ rel, language: "c", bytes: new TextEncoder().encode(text) });
}

/** [kind, name, start line] of every top-level symbol. */
function rows(symbols: readonly SkeletonSymbol[]): [string, string, number][] {
  return symbols.map((s) => [s.kind, s.name, s.start_line]);
}

Deno.test("c sweep: a function pointer typedef with a calling-convention macro is a type named by the typedef", async () => {
  const text = [
    "#define GL_APIENTRYP GL_APIENTRY*",
    "typedef void (GL_APIENTRYP PFNGLFINISHPROC) (void);",
    "typedef void (GL_APIENTRYP PFNGLCLEARPROC) (GLbitfield mask);",
    "typedef const GLubyte *(GL_APIENTRYP PFNGLGETSTRINGPROC) (GLenum name);",
    "typedef void (PLAINPROC) (int);",
    "",
  ].join("\n");
  const skeleton = await skeletonOfC("gl.h", text);
  deepEqual(rows(skeleton.symbols), [
    ["type", "PFNGLFINISHPROC", 2],
    ["type", "PFNGLCLEARPROC", 3],
    ["type", "PFNGLGETSTRINGPROC", 4],
    ["type", "PLAINPROC", 5],
  ]);
  // Names come from the original text; nothing is named after a keyword.
  ok(!skeleton.symbols.some((s) => s.name === "const"));
  equal(skeleton.symbols[0]?.signature, "typedef void (GL_APIENTRYP PFNGLFINISHPROC) (void)");
});

Deno.test("c sweep: a prototype with an export macro, a pointer return type and a calling convention is found", async () => {
  const text = [
    "GLAPI void GLAPIENTRY gluEndTrim (GLUnurbs* nurb);",
    "GLAPI const GLubyte * GLAPIENTRY gluErrorString (GLenum error);",
    "GLAPI GLUnurbs* GLAPIENTRY gluNewNurbsRenderer (void);",
    "GLAPI void GLAPIENTRY gluNextContour (GLUtesselator* tess, GLenum type);",
    "",
  ].join("\n");
  const skeleton = await skeletonOfC("glu.h", text);
  deepEqual(rows(skeleton.symbols), [
    ["function", "gluEndTrim", 1],
    ["function", "gluErrorString", 2],
    ["function", "gluNewNurbsRenderer", 3],
    ["function", "gluNextContour", 4],
  ]);
  ok(skeleton.symbols[1]?.signature.includes("gluErrorString (GLenum error)"));
});

Deno.test("c sweep: a signature read from the blanked parse starts with the macros blanked before it on its line", async () => {
  const text = [
    "GLAPI const GLubyte * GLAPIENTRY gluErrorString (GLenum error);",
    "XMLPUBFUN const xmlChar * XMLCALL",
    "\t\txmlGetName (void);",
    "int plain(void);",
    "",
  ].join("\n");
  const skeleton = await skeletonOfC("mixed.h", text);
  deepEqual(skeleton.symbols.map((s) => s.signature), [
    "GLAPI const GLubyte * GLAPIENTRY gluErrorString (GLenum error)",
    "XMLPUBFUN const xmlChar * XMLCALL\n\t\txmlGetName (void)",
    "int plain(void)",
  ]);
  // Lines stay the declaration's own.
  deepEqual(rows(skeleton.symbols), [
    ["function", "gluErrorString", 1],
    ["function", "xmlGetName", 2],
    ["function", "plain", 4],
  ]);
});

Deno.test("c sweep: an export macro giving the return type on the line above keeps its function", async () => {
  // NSPR style; the bad typedef on the last line makes the file need the
  // second (blanked) parse, which must not blank `PR_EXTERN(void)`.
  const text = [
    "PR_BEGIN_EXTERN_C",
    "",
    "PR_EXTERN(PLHashTable *)",
    "PL_NewHashTable(PRUint32 numBuckets, PLHashFunction keyHash);",
    "",
    "PR_EXTERN(void)",
    "PL_HashTableDestroy(PLHashTable *ht);",
    "",
    "typedef void (PR_CALLBACK *PRDestroyFn)(void *priv);",
    "",
    "PR_END_EXTERN_C",
    "",
  ].join("\n");
  const skeleton = await skeletonOfC("plhash.h", text);
  deepEqual(rows(skeleton.symbols), [
    ["function", "PL_NewHashTable", 3],
    ["function", "PL_HashTableDestroy", 6],
    ["type", "PRDestroyFn", 9],
  ]);
});

Deno.test("c sweep: consecutive declaration macros are still blanked when one of them has lowercase in its name", async () => {
  const text = [
    "DECLARE_ASN1_ALLOC_FUNCTIONS(TS_TST_INFO)",
    "DECLARE_ASN1_ENCODE_FUNCTIONS_only(TS_TST_INFO, TS_TST_INFO)",
    "DECLARE_ASN1_DUP_FUNCTION(TS_TST_INFO)",
    "TS_TST_INFO *PKCS7_to_TS_TST_INFO(PKCS7 *token);",
    "typedef void (GL_APIENTRYP PFNA) (void);",
    "",
  ].join("\n");
  const skeleton = await skeletonOfC("ts.h", text);
  deepEqual(rows(skeleton.symbols), [
    ["function", "PKCS7_to_TS_TST_INFO", 4],
    ["type", "PFNA", 5],
  ]);
});

Deno.test("c sweep: the ALL-CAPS tag of a typedef'd struct is its tag, not a macro to blank", async () => {
  const text = [
    "typedef struct CK_NSS_GCM_PARAMS CK_GCM_PARAMS;",
    "typedef void (GL_APIENTRYP PFNA) (void);",
    "",
  ].join("\n");
  const skeleton = await skeletonOfC("pkcs11n.h", text);
  deepEqual(rows(skeleton.symbols), [
    ["type", "CK_GCM_PARAMS", 1],
    ["type", "PFNA", 2],
  ]);
  ok(skeleton.symbols.every((s) => s.name !== ""), "no symbol has an empty name");
});

Deno.test("c sweep: a calling convention after a built-in return type keeps its function (definitions and prototypes)", async () => {
  const text = [
    "static void APIENTRY a1(void) {}",
    "void APIENTRY a2(void) {}",
    "static int WINAPI a3(void) { return 0; }",
    "static LRESULT CALLBACK a4(HWND h) { return 0; }",
    "int WINAPI a5(void) { return 0; }",
    "static HANDLE a6(void) { return 0; }",
    "static void NORETURN a7(void) { for (;;); }",
    "GLAPI void GLAPIENTRY a8(void);",
    "ZEXTERN int ZEXPORT a9 OF((gzFile file));",
    "ZEXTERN int ZEXPORTVA a10 Z_ARG((gzFile file, const char *format, ...));",
    "",
  ].join("\n");
  const skeleton = await skeletonOfC("win.c", text);
  deepEqual(
    rows(skeleton.symbols),
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => ["function", `a${n}`, n]),
  );
  // Return types that are ALL-CAPS types stay in the signature, calling conventions too.
  equal(skeleton.symbols[5]?.signature, "static HANDLE a6(void)");
  equal(skeleton.symbols[7]?.signature, "GLAPI void GLAPIENTRY a8(void)");
  equal(skeleton.symbols[8]?.signature, "ZEXTERN int ZEXPORT a9 OF((gzFile file))");
});

Deno.test("c sweep: a long prototype is cut after the line holding its name, not before it", async () => {
  const params = Array.from({ length: 30 }, (_, i) => `\t\tconst char *parameter_${i}`).join(",\n");
  const text = ["int", `gnutls_import(${params});`, "", "void short_one(int a);", ""].join("\n");
  const skeleton = await skeletonOfC("long.h", text);
  deepEqual(rows(skeleton.symbols), [["function", "gnutls_import", 1], [
    "function",
    "short_one",
    33,
  ]]);
  equal(skeleton.symbols[0]?.signature, "int\ngnutls_import(\t\tconst char *parameter_0, …");
  equal(skeleton.symbols[1]?.signature, "void short_one(int a)");
});
