/**
 * What the registry says about the files language servers read
 * (lib/lsp/server_files.ts), and that the LSP layer reads it: library
 * targets from each entry's `libraryDirs`, server configs from each
 * server's `configFiles`, guarded sources from the served extensions, the
 * literal style and the npm sandbox from each server's entry. Real files,
 * real scans.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { LANGUAGES, languageSpec } from "../../lib/languages/mod.ts";
import { resolveSegment } from "../../lib/segment/mod.ts";
import { classifyTarget } from "../../lib/lsp/convert.ts";
import { guardVerdict, scanSegmentGuard } from "../../lib/lsp/segment_guard.ts";
import { npmServerOf } from "../../lib/lsp/sandbox.ts";
import { literalStyleOf } from "../../lib/lsp/servers.ts";
import {
  configFormatAt,
  dirGlobTest,
  isLibraryPath,
  isServedSource,
} from "../../lib/lsp/server_files.ts";

Deno.test("library paths: each language's installed libraries are library targets, other outside paths external", async () => {
  const library = [
    "/usr/lib/python3.12/os.py",
    "/home/u/.venv/lib/python3.11/site-packages/requests/api.py",
    "/usr/lib/python3/dist-packages/yaml/__init__.py",
    "/c/deno/npm/registry.npmjs.org/pyright/1.1.414/dist/typeshed-fallback/stdlib/os/__init__.pyi",
    "/home/u/web/node_modules/typescript/lib/lib.dom.d.ts",
    "/home/u/go/pkg/mod/golang.org/x/text@v0.3.0/unicode.go",
    "/usr/lib/go-1.19/src/net/http/server.go",
    "/usr/local/go/src/fmt/print.go",
    "/usr/include/stdio.h",
    "/usr/lib/llvm-14/lib/clang/14.0.6/include/stddef.h",
  ];
  for (const p of library) assert.equal(isLibraryPath(p), true, p);
  const external = [
    "/home/u/other/app.py",
    "/usr/lib/pythonic/x.py",
    "/home/u/usr/include/stdio.h", // `/usr/include` counts from the root only
    "/home/u/go/main.go",
  ];
  for (const p of external) assert.equal(isLibraryPath(p), false, p);
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-libdirs-" }));
  try {
    const segment = await resolveSegment(dir);
    assert.equal(classifyTarget(segment, "/usr/include/stdio.h").kind, "library");
    assert.equal(classifyTarget(segment, "/usr/lib/go-1.19/src/fmt/print.go").kind, "library");
    assert.equal(classifyTarget(segment, "/opt/elsewhere/a.go").kind, "external");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("library paths: a glob is a run of whole directories, anchored by a leading slash", () => {
  const test = dirGlobTest(["pkg/mod", "/opt/inc", "v?"]);
  assert.equal(test("/a/pkg/mod/x"), true);
  assert.equal(test("/a/pkg/module/x"), false);
  assert.equal(test("/a/pkg/mod"), false, "the directory itself holds nothing below it");
  assert.equal(test("/opt/inc/a.h"), true);
  assert.equal(test("/x/opt/inc/a.h"), false);
  assert.equal(test("/a/v1/b"), true);
  assert.equal(test("/a/v12/b"), false);
  assert.equal(dirGlobTest([])("/anything/at/all"), false);
});

Deno.test("server configs: the registry's configFiles decide which files are configs, where, and how they are read", () => {
  const rules = LANGUAGES.flatMap((l) => l.servers.flatMap((s) => s.configFiles ?? []));
  assert.ok(rules.length > 0, "the registry names server configs");
  for (const r of rules) {
    // Every file a server of the registry reads is checked at the segment root.
    const name = r.name.replace(/\*/g, "x").replace(/\?/g, "y");
    assert.equal(configFormatAt(name, name, true), r.format, r.name);
  }
  assert.equal(configFormatAt("pyrightconfig.json", "sub/pyrightconfig.json", false), undefined);
  assert.equal(configFormatAt("pyproject.toml", "sub/pyproject.toml", false), undefined);
  assert.equal(configFormatAt("tsconfig.build.json", "web/tsconfig.build.json", false), "jsonc");
  assert.equal(
    configFormatAt("tsconfig.json", "node_modules/pkg/tsconfig.json", false),
    undefined,
    "a package's own tsconfig is not the project's",
  );
  assert.equal(configFormatAt("go.mod", "node_modules/x/go.mod", false), "gomod");
  assert.equal(
    configFormatAt("compile_flags.txt", "a/b/compile_flags.txt", false),
    "compile_flags",
  );
  assert.equal(configFormatAt("local.pth", ".venv/lib/site-packages/local.pth", false), "pth");
  assert.equal(configFormatAt("notes.json", "notes.json", true), undefined);
});

Deno.test("guard: a tsconfig.json under node_modules is not judged, the same file beside the sources is", async () => {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-guard-rules-" });
  try {
    await Deno.mkdir(join(dir, "node_modules/pkg"), { recursive: true });
    const outsideConfig = '{"extends": "/etc/tsconfig.json"}';
    await Deno.writeTextFile(join(dir, "node_modules/pkg/tsconfig.json"), outsideConfig);
    await Deno.writeTextFile(join(dir, "app.ts"), "export const x = 1;\n");
    const verdict = async () => guardVerdict(scanSegmentGuard(await resolveSegment(dir)));
    assert.equal(await verdict(), undefined);
    await Deno.writeTextFile(join(dir, "tsconfig.json"), outsideConfig);
    assert.equal((await verdict())?.reason, "unsafe_server_config");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("guard: sources of every language with a server are guarded (a denied .go file → denied_sources)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-guard-sources-" });
  try {
    await Deno.writeTextFile(join(dir, "main.go"), "package main\n");
    const verdict = async () => guardVerdict(scanSegmentGuard(await resolveSegment(dir)));
    assert.equal(await verdict(), undefined);
    await Deno.writeTextFile(join(dir, "id_rsa.go"), "package main\n");
    assert.equal((await verdict())?.reason, "denied_sources");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  for (const l of LANGUAGES.filter((x) => x.servers.length > 0)) {
    for (const e of l.extensions) assert.equal(isServedSource(`a/b${e.toUpperCase()}`), true, e);
  }
  assert.equal(isServedSource("README.md"), false);
});

Deno.test("servers: the literal style and the npm sandbox are read from the registry's server entries", () => {
  for (const s of LANGUAGES.flatMap((l) => l.servers)) {
    assert.equal(literalStyleOf(s.backend), s.literalStyle ?? "quoted", s.backend);
    if (s.npm === undefined) continue;
    const npm = npmServerOf(s);
    assert.ok(npm, `${s.backend}: npm ${s.npm} needs a pinned npmSpecifier`);
    assert.equal(npm.pkg, s.npm);
  }
  const pyright = languageSpec("python").servers.find((s) => s.npm !== undefined);
  assert.equal(pyright && literalStyleOf(pyright.backend), "literal_types");
  assert.ok(
    (pyright?.searchPathProbe ?? []).length > 0,
    "pyright's sandbox probes the interpreter",
  );
  assert.equal(literalStyleOf("lsp_custom"), "quoted");
});
