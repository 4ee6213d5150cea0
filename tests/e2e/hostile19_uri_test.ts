/**
 * Red team 19, angle 2: sym:// URIs a prompt-injected agent sends — `..`,
 * percent-encoding, NFC vs NFD names on disk, case-only differences, a URI
 * naming a denied file, a symlink onto a denied file or directory, a symlink
 * out (file and directory), a `#member` into a denied file — through the
 * CLI (`ast symbols`, `ast snippet`, `lsp hover` by URI) and the MCP tools
 * (`symbol`, `snippet`, `definition`). Every one ends in its answer or a
 * named error, and no answer holds a denied or outside file's content or
 * the outside directory's path.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  assertNoCrash,
  disposeWorld,
  makeWorld,
  McpSession,
  randomAlnum,
  shown,
  trifecta,
  type World,
} from "./hostile/helpers.ts";

const NFD_NAME = "cafe\u0301"; // "café" decomposed, as macOS (HFS+) and some archives store it
const NFC_NAME = NFD_NAME.normalize("NFC");

/** The segment for the URI tests; returns the markers that must never be served. */
async function uriWorld(w: World): Promise<string[]> {
  const mark = `URIMARK${randomAlnum(12)}`;
  await w.write("pkg/__init__.py", "");
  await w.write(
    "pkg/mod.py",
    'class K:\n    def m(self):\n        """Inside doc."""\n        return 1\n',
  );
  await w.write(`${NFD_NAME}.py`, "def cafe_fn():\n    return 1\n");
  await w.write("Case.py", "def upper_fn():\n    return 1\n");
  await w.write("%2e%2e.py", "def dotdot_fn():\n    return 1\n");
  const bad = (name: string) => `def ${name}():\n    """${mark}"""\n    return "${mark}"\n`;
  await w.write(".env", `TOKEN=${mark}\n`);
  await w.write(".env.py", bad("env_fn"));
  await w.write("id_rsa.py", bad("rsa_fn"));
  await w.write(".git/hooks.py", bad("git_fn"));
  await w.writeOutside("outside.py", bad("outside_fn"));
  await Deno.symlink(".env.py", `${w.seg}/envlink.py`);
  await Deno.symlink(".git", `${w.seg}/gitlink`);
  await Deno.symlink(`${w.outside}/outside.py`, `${w.seg}/outlink.py`);
  await Deno.symlink(w.outside, `${w.seg}/updir`);
  return [mark];
}

/** URI → the outcomes allowed (an error code, or "ok"). */
const URIS: readonly (readonly [string, readonly string[]])[] = [
  ["sym://python/type/pkg/mod/K#m", ["ok"]],
  [`sym://python/mod/${NFD_NAME}`, ["ok"]],
  // NFC in the URI, NFD on disk: not the same name on Linux; never another file.
  [`sym://python/mod/${NFC_NAME}`, ["ok", "FILE_NOT_FOUND"]],
  ["sym://python/mod/case", ["FILE_NOT_FOUND"]],
  ["sym://python/mod/CASE", ["FILE_NOT_FOUND"]],
  ["sym://python/mod/%2e%2e", ["ok"]], // the file named `%2e%2e.py`: no decoding
  ["sym://python/mod/%2e%2e/outside", ["FILE_NOT_FOUND"]],
  ["sym://python/mod/..%2Foutside", ["INVALID_URI"]],
  ["sym://python/mod/pkg/../updir/outside", ["INVALID_URI"]],
  ["sym://python/mod/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd", ["FILE_NOT_FOUND"]],
  ["sym://python/mod/.env", ["FILE_NOT_FOUND", "PATH_DENIED"]],
  ["sym://python/type/.env/env_fn", ["FILE_NOT_FOUND", "PATH_DENIED"]],
  ["sym://python/mod/ID_RSA", ["FILE_NOT_FOUND", "PATH_DENIED"]],
  ["sym://python/type/id_rsa/rsa_fn", ["FILE_NOT_FOUND", "PATH_DENIED"]],
  ["sym://python/mod/.git/hooks", ["FILE_NOT_FOUND", "PATH_DENIED"]],
  ["sym://python/mod/gitlink.hooks", ["FILE_NOT_FOUND", "PATH_DENIED"]],
  ["sym://python/type/gitlink/hooks/git_fn", ["FILE_NOT_FOUND", "PATH_DENIED"]],
  ["sym://python/type/envlink/env_fn", ["PATH_DENIED"]],
  ["sym://python/type/envlink/K#env_fn", ["PATH_DENIED"]],
  ["sym://python/type/outlink/outside_fn", ["PATH_OUTSIDE_SEGMENT"]],
  ["sym://python/type/updir/outside/outside_fn", ["PATH_OUTSIDE_SEGMENT"]],
  ["sym://python/mod/updir.outside", ["PATH_OUTSIDE_SEGMENT"]],
];

function clean(what: string, text: string, w: World, marks: string[]): string[] {
  const out: string[] = [];
  for (const m of marks) if (text.includes(m)) out.push(`${what}: served denied/outside content`);
  if (text.includes(w.outside)) out.push(`${what}: named the outside directory`);
  if (/INTERNAL_ERROR/.test(text)) out.push(`${what}: INTERNAL_ERROR`);
  return out;
}

Deno.test({
  name:
    "hostile19 uri [cli]: hostile sym:// URIs end in their answer or a named error and never serve a denied or outside file",
  sanitizeResources: false,
  async fn() {
    const w = await makeWorld({ example: false });
    try {
      const marks = await uriWorld(w);
      const found: string[] = [];
      for (const [uri, allowed] of URIS) {
        for (const cmd of [["ast", "symbols"], ["ast", "snippet"]]) {
          const r = await trifecta(w, [...cmd, uri, "--json"]);
          assertNoCrash(r);
          const j = JSON.parse(r.stdout) as { status?: string; error_code?: string };
          const got = j.status === "ok" ? "ok" : String(j.error_code);
          if (!allowed.includes(got)) {
            found.push(`${cmd.join(" ")} ${uri}: ${got}, expected ${allowed.join("|")}`);
          }
          found.push(...clean(`${cmd.join(" ")} ${uri}`, r.stdout + r.stderr, w, marks));
        }
      }
      // lsp by URI (AST fallback): the same URIs into denied or outside files.
      for (const [uri] of URIS.filter(([, a]) => !a.includes("ok"))) {
        const r = await trifecta(w, ["lsp", "hover", uri, "--json"]);
        assertNoCrash(r);
        found.push(...clean(`lsp hover ${uri}`, r.stdout + r.stderr, w, marks));
      }
      assert.deepEqual(found, []);
    } finally {
      await disposeWorld(w);
    }
  },
});

Deno.test({
  name:
    "hostile19 uri [mcp]: symbol, snippet and definition refuse the same URIs by name and serve nothing of a denied or outside file",
  sanitizeResources: false,
  async fn() {
    const w = await makeWorld({ example: false });
    const marks = await uriWorld(w);
    const s = await McpSession.start(w, { args: ["--no-watch"] });
    try {
      const found: string[] = [];
      for (const [uri, allowed] of URIS) {
        for (const tool of ["symbol", "snippet", "definition"]) {
          const a = await s.call(tool, { uri });
          const got = a.isError ? String(a.structured.error_code) : "ok";
          // definition on a symbol answers from the AST; its errors are the symbol's.
          if (tool !== "definition" && !allowed.includes(got)) {
            found.push(`${tool} ${uri}: ${got}, expected ${allowed.join("|")}`);
          }
          found.push(...clean(`${tool} ${uri}`, a.text + JSON.stringify(a.structured), w, marks));
        }
      }
      assert.deepEqual(found, []);
    } finally {
      await s.close();
      await disposeWorld(w);
    }
  },
});

const RELATIVE_MESSAGE =
  "Path must be relative to the segment: no leading '/', no '..' or empty parts, no '\\'";

Deno.test({
  name:
    "hostile19 uri: the INVALID_URI message for a climbing path is the documented one (its '/' is not taken for an absolute path)",
  sanitizeResources: false,
  async fn() {
    const w = await makeWorld({ example: false });
    try {
      await w.write("a.py", "def f():\n    return 1\n");
      const r = await trifecta(w, ["ast", "symbols", "sym://python/mod/../a", "--json"]);
      assertNoCrash(r);
      const j = JSON.parse(r.stdout) as { error_code?: string; message?: string };
      assert.equal(j.error_code, "INVALID_URI", shown(r));
      // docs/symbols.md, Grammar: this exact message. Red team 19 found the
      // error-path redaction (lib/contract/error_paths.ts) rewriting its
      // quoted '/' into '<path outside the segment>' (fixed).
      assert.equal(j.message, RELATIVE_MESSAGE);
    } finally {
      await disposeWorld(w);
    }
  },
});
