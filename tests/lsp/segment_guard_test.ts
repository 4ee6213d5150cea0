/**
 * The scan that keeps a language server from answering for a segment with
 * unsafe links, denied sources or a server config that points outside it —
 * on real files and real symlinks, including places the walker skips.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { resolveSegment } from "../../lib/segment/mod.ts";
import {
  GuardCache,
  guardVerdict,
  revalidateScan,
  scanSegmentGuard,
} from "../../lib/lsp/segment_guard.ts";

async function withSegment(
  fn: (dir: string, outside: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-guard-" });
  const outside = await Deno.makeTempDir({ prefix: "trifecta-outside-" });
  try {
    await Deno.writeTextFile(join(dir, "use.py"), "from mod import f\n");
    await Deno.writeTextFile(join(outside, "mod.py"), "def f():\n    'OUTSIDE_MARKER'\n");
    await fn(dir, outside);
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(outside, { recursive: true });
  }
}

async function verdictOf(dir: string) {
  return guardVerdict(scanSegmentGuard(await resolveSegment(dir)));
}

Deno.test("guard: a clean segment (links that stay inside included) lets the server answer", async () => {
  await withSegment(async (dir) => {
    await Deno.mkdir(join(dir, "pkg"));
    await Deno.writeTextFile(join(dir, "pkg/real.py"), "x = 1\n");
    await Deno.symlink("pkg/real.py", join(dir, "alias.py"));
    await Deno.symlink("pkg", join(dir, "pkg_alias"));
    assert.equal(await verdictOf(dir), undefined);
  });
});

Deno.test("guard: a module symlinked outside the segment → unsafe_links naming the count, an example and the fix", async () => {
  await withSegment(async (dir, outside) => {
    await Deno.symlink(join(outside, "mod.py"), join(dir, "mod.py"));
    const v = await verdictOf(dir);
    assert.equal(v?.reason, "unsafe_links");
    assert.match(v!.detail, /^1 symlink in the segment leads outside it/);
    assert.match(v!.detail, /\(e\.g\. mod\.py\)/);
    assert.match(v!.detail, /Remove or replace it/);
  });
});

Deno.test("guard: links onto .env, into a skipped or ignored directory, dangling outside, and to an outside directory all count", async () => {
  await withSegment(async (dir, outside) => {
    await Deno.writeTextFile(join(dir, ".env"), "KEY=1\n");
    await Deno.symlink(".env", join(dir, "envmod.py")); // symlink_to_denied
    await Deno.mkdir(join(dir, "node_modules/pkg"), { recursive: true }); // the walker skips it
    await Deno.symlink(join(outside, "mod.py"), join(dir, "node_modules/pkg/index.py"));
    await Deno.writeTextFile(join(dir, ".gitignore"), "ignored/\n");
    await Deno.mkdir(join(dir, "ignored"));
    await Deno.symlink(outside, join(dir, "ignored/outdir"));
    await Deno.symlink("/nonexistent-yet/later.py", join(dir, "later.py")); // dangling, outside
    const scan = scanSegmentGuard(await resolveSegment(dir));
    assert.equal(scan.unsafeLinks, 4);
    assert.deepEqual(
      scan.examples.map((e) => e.reason).sort(),
      [
        "symlink_outside_segment",
        "symlink_outside_segment",
        "symlink_outside_segment",
        "symlink_to_denied",
      ],
    );
    assert.match(guardVerdict(scan)!.detail, /^4 symlinks in the segment lead outside it/);
  });
});

Deno.test("guard: an importable source file on the denylist → denied_sources", async () => {
  await withSegment(async (dir) => {
    await Deno.writeTextFile(join(dir, "id_rsa_backup.py"), "KEY = 'x'\n");
    const v = await verdictOf(dir);
    assert.equal(v?.reason, "denied_sources");
    assert.match(v!.detail, /id_rsa_backup\.py/);
  });
});

Deno.test("guard: an importable source file whose path holds a secret → denied_sources, named masked", async () => {
  const token = "ghp" + "_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8";
  await withSegment(async (dir) => {
    await Deno.mkdir(join(dir, `cfg_${token}`));
    await Deno.writeTextFile(join(dir, `cfg_${token}`, "base.py"), "class Base: ...\n");
    const v = await verdictOf(dir);
    assert.equal(v?.reason, "denied_sources");
    assert.ok(!v!.detail.includes(token), v!.detail);
    assert.match(v!.detail, /<SECRET_REDACTED:/);
  });
});

Deno.test("guard: a source file hard-linked to .env → denied_sources, while hard links inside package directories pass", async () => {
  await withSegment(async (dir, outside) => {
    await Deno.writeTextFile(join(dir, ".env"), 'API_KEY = "sk-live-x"\n');
    await Deno.mkdir(join(dir, ".venv/lib/site-packages"), { recursive: true });
    // As uv does: the package file is a hard link of a cache entry outside.
    await Deno.link(join(outside, "mod.py"), join(dir, ".venv/lib/site-packages/pkg.py"));
    assert.equal(await verdictOf(dir), undefined, "package managers hard-link on purpose");
    await Deno.link(join(dir, ".env"), join(dir, "envcopy.py"));
    const v = await verdictOf(dir);
    assert.equal(v?.reason, "denied_sources");
    assert.match(v!.detail, /envcopy\.py/);
  });
});

Deno.test("guard: server configs naming paths outside the segment → unsafe_server_config, paths inside are fine", async () => {
  await withSegment(async (dir) => {
    await Deno.writeTextFile(
      join(dir, "pyrightconfig.json"),
      '{ // comment\n "extraPaths": ["./src", "lib"], "venv": ".venv" }\n',
    );
    await Deno.writeTextFile(
      join(dir, "pyproject.toml"),
      '[tool.black]\nexclude = "/abs/elsewhere"\n',
    );
    assert.equal(await verdictOf(dir), undefined, "inside paths and other tools' tables pass");
    await Deno.writeTextFile(
      join(dir, "pyproject.toml"),
      '[tool.pyright]\nextraPaths = ["../../home/someone/project"]\n',
    );
    const v = await verdictOf(dir);
    assert.equal(v?.reason, "unsafe_server_config");
    assert.match(v!.detail, /pyproject\.toml/);
    await Deno.remove(join(dir, "pyproject.toml"));
    await Deno.writeTextFile(join(dir, "pyrightconfig.json"), '{"extraPaths": [".git/hooks"]}');
    assert.equal((await verdictOf(dir))?.reason, "unsafe_server_config", "into a denied directory");
    await Deno.remove(join(dir, "pyrightconfig.json"));
    await Deno.mkdir(join(dir, "web"));
    await Deno.writeTextFile(join(dir, "web/tsconfig.json"), '{"extends": "/etc/tsconfig.json"}');
    assert.equal((await verdictOf(dir))?.reason, "unsafe_server_config");
  });
});

Deno.test("guard cache: kept while nothing changes (no full rescan), updated when a link appears in any directory", async () => {
  await withSegment(async (dir, outside) => {
    await Deno.mkdir(join(dir, "deep/er"), { recursive: true });
    const segment = await resolveSegment(dir);
    const cache = new GuardCache(segment);
    assert.equal(cache.verdict(), undefined);
    assert.equal(cache.verdict(), undefined);
    assert.equal(cache.scans, 1, "a valid scan is reused");
    await Deno.symlink(join(outside, "mod.py"), join(dir, "deep/er/mod.py"));
    assert.equal(cache.verdict()?.reason, "unsafe_links");
    assert.equal(cache.scans, 1, "updated in place");
    await Deno.remove(join(dir, "deep/er/mod.py"));
    assert.equal(cache.verdict(), undefined, "fixed → allowed again");
  });
});

Deno.test("guard cache: a config edited in place (same directory mtime) is noticed", async () => {
  await withSegment(async (dir) => {
    const config = join(dir, "pyrightconfig.json");
    await Deno.writeTextFile(config, '{"extraPaths": ["src"]}');
    const cache = new GuardCache(await resolveSegment(dir));
    assert.equal(cache.verdict(), undefined);
    const before = (await Deno.stat(dir)).mtime;
    await Deno.writeTextFile(config, '{"extraPaths": ["/home/someone/secret"]}');
    assert.deepEqual((await Deno.stat(dir)).mtime, before, "the directory did not change");
    assert.equal(cache.verdict()?.reason, "unsafe_server_config");
  });
});

Deno.test("guard revalidation lists again only directories that changed (or changed just before a listing)", async () => {
  await withSegment(async (dir, outside) => {
    await Deno.mkdir(join(dir, "a/b"), { recursive: true });
    await Deno.mkdir(join(dir, "c"));
    const old = new Date(Date.now() - 60_000);
    for (const d of ["a/b", "a", "c", "."]) await Deno.utime(join(dir, d), old, old);
    const segment = await resolveSegment(dir);
    const scan = scanSegmentGuard(segment);
    assert.equal(revalidateScan(segment, scan), 0, "nothing changed: stats only");
    await Deno.symlink(join(outside, "mod.py"), join(dir, "a/b/mod.py"));
    assert.equal(revalidateScan(segment, scan), 1, "only a/b is listed again");
    assert.equal(guardVerdict(scan)?.reason, "unsafe_links");
    await Deno.remove(join(dir, "a"), { recursive: true });
    revalidateScan(segment, scan);
    assert.equal(guardVerdict(scan), undefined, "a vanished subtree is forgotten");
    assert.equal([...scan.dirs.keys()].some((d) => d.includes("/a")), false);
  });
});

Deno.test("guard: config bypass forms (JSON escapes, file: URIs, TOML spellings, inline tables, multi-line strings) → unsafe_server_config", async () => {
  await withSegment(async (dir) => {
    const cases: [string, string][] = [
      ["pyrightconfig.json", '{"extraPaths": [".\\u002e/outA"]}'],
      ["pyrightconfig.json", '{"extraPaths": ["file:///tmp/outA"]}'],
      ["pyrightconfig.json", '{"extraPaths": ["vscode-remote://x/outA"]}'],
      ["pyrightconfig.json", '{"extraPaths": ["../outA"'], // unparseable: cannot be judged
      [
        "pyrightconfig.json",
        '{"executionEnvironments": [{"root": "src", "extraPaths": ["../o"]}]}',
      ],
      ["pyproject.toml", '[ tool . pyright ]\nextraPaths = ["../outA"]\n'],
      ["pyproject.toml", '[tool."pyright"]\nextraPaths = ["src"]\n'],
      ["pyproject.toml", 'tool.pyright.extraPaths = ["../outA"]\n'],
      ["pyproject.toml", '[tool]\npyright = { extraPaths = ["../outA"] }\n'],
      ["pyproject.toml", 'tool = { "py\\u0072ight" = { extraPaths = ["../outA"] } }\n'],
      ["pyproject.toml", '[tool.pyright]\nextraPaths = ["""\n../outA"""]\n'],
      ["pyproject.toml", '[tool.pyright]\nextraPaths = [\n  "../outA",\n]\n'],
      ["pyproject.toml", '[tool.pyright]\nextraPaths = ["..\\u002foutA"]\n'],
      ["pyproject.toml", '[tool.pyright]\nextraPaths = ["file:///tmp/outA"]\n'],
      ["pyproject.toml", "[[tool.pyright.executionEnvironments]]\nroot = '../outA'\n"],
      ["tsconfig.json", '{"compilerOptions": {"paths": {"x": ["\\u002e\\u002e/outA/*"]}}}'],
    ];
    for (const [name, text] of cases) {
      await Deno.writeTextFile(join(dir, name), text);
      assert.equal((await verdictOf(dir))?.reason, "unsafe_server_config", `${name}: ${text}`);
      await Deno.remove(join(dir, name));
    }
  });
});

Deno.test("guard: plain pyright tables, dependencies naming pyright and the $schema URL still pass", async () => {
  await withSegment(async (dir) => {
    await Deno.writeTextFile(
      join(dir, "pyproject.toml"),
      [
        "[project]",
        'name = "demo"',
        'description = """A tool',
        '[tool.x] that mentions nothing"""',
        "dependencies = [",
        '  "pyright>=1.1",',
        "]",
        "",
        "[tool.pyright]  # type checking",
        "extraPaths = [\"src\", 'lib']",
        'typeCheckingMode = "strict"',
        "reportMissingImports = false",
        "",
        "[[tool.pyright.executionEnvironments]]",
        'root = "src"',
        "",
      ].join("\n"),
    );
    await Deno.writeTextFile(
      join(dir, "tsconfig.json"),
      '{"$schema": "https://json.schemastore.org/tsconfig", "compilerOptions": {"target": "ES2022"},}',
    );
    assert.equal(await verdictOf(dir), undefined);
  });
});

Deno.test("guard: a .pth file in a venv inside the segment naming an outside directory → unsafe_server_config; import lines and inside paths pass", async () => {
  await withSegment(async (dir, outside) => {
    const site = join(dir, ".venv/lib/python3.12/site-packages");
    await Deno.mkdir(site, { recursive: true });
    await Deno.writeTextFile(join(site, "ok.pth"), `import _virtualenv\n${dir}/src\n# comment\n`);
    assert.equal(await verdictOf(dir), undefined);
    await Deno.writeTextFile(join(site, "evil.pth"), `${outside}\n`);
    const v = await verdictOf(dir);
    assert.equal(v?.reason, "unsafe_server_config");
    assert.match(v!.detail, /evil\.pth/);
    await Deno.writeTextFile(join(site, "evil.pth"), "../../../../../outA\n");
    assert.equal((await verdictOf(dir))?.reason, "unsafe_server_config", "relative to the .pth");
  });
});

Deno.test("guard: clangd's compile flags and gopls' module files naming paths outside the segment → unsafe_server_config", async () => {
  await withSegment(async (dir, outside) => {
    const write = (rel: string, text: string) => Deno.writeTextFile(join(dir, rel), text);
    const reason = async () => (await verdictOf(dir))?.reason;
    // Inside paths, system headers and plain flags are fine.
    await write("compile_flags.txt", "-xc\n-std=c11\n-Iinclude\n-isystem\n/usr/include/glib-2.0\n");
    await write("go.mod", "module example.com/m\n\nreplace example.com/x => ./third_party/x\n");
    await write(".clangd", "CompileFlags:\n  Add: [-Wall, -Isrc]\n");
    const root = await Deno.realPath(dir);
    await write(
      "compile_commands.json",
      JSON.stringify([{
        directory: root,
        file: "a.c",
        arguments: ["/usr/bin/cc", "-Iinc", "a.c"],
      }]),
    );
    assert.equal(await reason(), undefined, "inside paths pass");
    const unsafe: [string, string][] = [
      ["compile_flags.txt", `-xc\n-I${outside}\n`],
      ["compile_flags.txt", "-I\n../../elsewhere\n"],
      ["compile_flags.txt", "@flags.rsp\n"],
      [".clangd", `CompileFlags:\n  Add: [-I${outside}]\n`],
      [".clangd", `Index:\n  External:\n    File: ${outside}/idx\n`],
      ["go.mod", "module m\n\nreplace (\n\texample.com/x => ../outside/x\n)\n"],
      ["go.work", `go 1.19\n\nuse ${outside}\n`],
      [
        "compile_commands.json",
        JSON.stringify([{ directory: outside, file: "a.c", command: "cc -c a.c" }]),
      ],
      [
        "compile_commands.json",
        JSON.stringify([{ directory: root, file: "a.c", command: `cc --sysroot=${outside} a.c` }]),
      ],
      ["compile_commands.json", '[{"directory": ".", "command": "cc $(cat flags) a.c"}]'],
    ];
    for (const [rel, text] of unsafe) {
      const before = await Deno.readTextFile(join(dir, rel)).catch(() => undefined);
      await write(rel, text);
      assert.equal(await reason(), "unsafe_server_config", `${rel}: ${text}`);
      if (before === undefined) await Deno.remove(join(dir, rel));
      else await write(rel, before);
    }
    assert.equal(await reason(), undefined, "clean again");
  });
});
