/**
 * The read boundary through the real CLI (`ast skeleton`, `ast symbols`,
 * `ast snippet`), under the documented narrow flags and under `-A`: a hostile
 * segment (symlinks out and onto denied files, a hard link to `.env`, denied
 * names, a private key in an ordinary file, a FIFO, secrets in code) gives
 * named skips and errors,
 * and no marker of a denied or outside file reaches stdout, stderr, `_ctx/`
 * or `.trifecta/`.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type CliResult, removeSegment, runCli } from "./helpers.ts";

const M = {
  env: "MARK_ENV_41c7",
  git: "MARK_GIT_9e02",
  out: "MARK_OUT_5b3d",
  host: "MARK_HOST_77aa",
  pk: "MARK_PK_c0de",
  named: "MARK_NAMED_1f1f",
};
// Secrets in ordinary code: masked in every answer.
const AWS = "AKIAIOSFODNN7EXAMPLE";
const GHP = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8";
const KEY_BLOCK = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n" +
  "-----END OPENSSH PRIVATE KEY-----\n";
const ALL_MARKERS = [...Object.values(M), AWS, GHP, "BEGIN OPENSSH"];

const ALL = ["-A", "--unstable-raw-imports"];

interface Hostile {
  seg: string;
  outside: string;
}

async function put(dir: string, rel: string, text: string): Promise<void> {
  await Deno.mkdir(join(dir, rel, ".."), { recursive: true });
  await Deno.writeTextFile(join(dir, rel), text);
}

async function buildHostile(): Promise<Hostile> {
  const seg = await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-e2e-bnd-" }));
  const outside = await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-e2e-out-" }));
  await put(outside, "secret.py", `def outside_fn():\n    """${M.out}"""\n`);
  await put(outside, "hostname", `${M.host}\n`);
  await put(seg, "app.py", `def hello():\n    """Say hi."""\n    return 1\n`);
  await put(
    seg,
    "settings.py",
    `API_KEY = "${AWS}"\n\n\ndef configure(token="${GHP}"):\n    """Uses ${AWS}."""\n    return token\n`,
  );
  await put(seg, ".env", `AWS_SECRET=${M.env}\n`);
  for (const name of [".env-prod.py", ".env_local.py", "id_rsa_backup.py", "cfg/.env_secrets.py"]) {
    await put(seg, name, `def named_fn():\n    """${M.named}"""\n`);
  }
  await put(seg, "id_rsa.txt", KEY_BLOCK);
  await put(seg, "notes.py", `def leak():\n    """${M.pk}"""\n\nK = """\n${KEY_BLOCK}"""\n`);
  await put(seg, ".git/config", `[remote "origin"]\n  url = https://${M.git}@example.com/r\n`);
  await Deno.symlink(".env", join(seg, "envlink.py"));
  await Deno.link(join(seg, ".env"), join(seg, "hardlink.py"));
  await Deno.symlink(".git/config", join(seg, "gitcfg.toml"));
  await Deno.symlink(join(outside, "hostname"), join(seg, "AGENTS.md"));
  await Deno.symlink(join(outside, "secret.py"), join(seg, "outside_link.py"));
  await Deno.symlink(outside, join(seg, "linkdir"));
  const fifo = await new Deno.Command("mkfifo", { args: [join(seg, "pipe.py")] }).output();
  assert.equal(fifo.code, 0);
  return { seg, outside };
}

async function withHostile(fn: (h: Hostile) => Promise<void>): Promise<void> {
  const h = await buildHostile();
  try {
    await fn(h);
  } finally {
    await removeSegment(h.seg);
    await Deno.remove(h.outside, { recursive: true });
  }
}

function assertNoMarker(where: string, text: string): void {
  for (const m of ALL_MARKERS) assert.ok(!text.includes(m), `${m} found in ${where}`);
}

function assertClean(r: CliResult, what: string): void {
  assertNoMarker(`stdout of ${what}`, r.stdout);
  assertNoMarker(`stderr of ${what}`, r.stderr);
  assert.ok(!/INTERNAL_ERROR|\n\s+at /.test(r.stderr), `${what}: ${r.stderr}`);
}

/** Every file trifecta wrote into the segment, as bytes read leniently. */
async function assertNothingWritten(seg: string): Promise<void> {
  const latin1 = new TextDecoder("latin1");
  async function scan(dir: string): Promise<void> {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(dir));
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return; // nothing written there
      throw err;
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory) await scan(p);
      else if (e.isFile) assertNoMarker(p, latin1.decode(await Deno.readFile(p)));
    }
  }
  await scan(join(seg, "_ctx"));
  await scan(join(seg, ".trifecta"));
}

function errorCode(r: CliResult): string {
  return JSON.parse(r.stdout).error_code;
}

for (const [label, flags] of [["narrow flags", undefined], ["-A", ALL]] as const) {
  const opts = (): { flags?: readonly string[] } => (flags ? { flags } : {});

  Deno.test(`e2e boundary (${label}): ast skeleton . skips each hostile entry with its reason and leaks nothing`, async () => {
    await withHostile(async ({ seg }) => {
      const text = await runCli(["ast", "skeleton", ".", "-s", seg, "--persist-cache"], opts());
      assert.equal(text.code, 0, text.stderr);
      assertClean(text, "ast skeleton .");
      assert.match(text.stdout, /def hello\(\)/);
      assert.match(text.stdout, /<SECRET_REDACTED:github-token>/);
      const json = await runCli(["ast", "skeleton", ".", "--json", "-s", seg], opts());
      assert.equal(json.code, 0, json.stderr);
      assertClean(json, "ast skeleton . --json");
      const out = JSON.parse(json.stdout);
      assert.deepEqual(out.files.map((f: { path: string }) => f.path), ["app.py", "settings.py"]);
      const reasons = Object.fromEntries(
        out.skipped.map((s: { path: string; reason: string }) => [s.path, s.reason]),
      );
      assert.deepEqual(reasons, {
        ".env": "denied",
        ".env-prod.py": "denied",
        ".env_local.py": "denied",
        "AGENTS.md": "symlink_outside_segment",
        "cfg/.env_secrets.py": "denied",
        "envlink.py": "symlink_to_denied",
        "gitcfg.toml": "symlink_to_denied",
        "hardlink.py": "denied",
        "id_rsa.txt": "denied",
        "id_rsa_backup.py": "denied",
        "linkdir": "symlink_outside_segment",
        "notes.py": "private_key_content",
        "outside_link.py": "symlink_outside_segment",
        "pipe.py": "not_regular_file",
      });
      assert.equal(out.stats.skipped, 14);
      await assertNothingWritten(seg);
    });
  });

  Deno.test(`e2e boundary (${label}): a hostile file named directly is its named error, exit 1`, async () => {
    await withHostile(async ({ seg }) => {
      const cases: [string, string][] = [
        ["envlink.py", "PATH_DENIED"],
        ["gitcfg.toml", "PATH_DENIED"],
        ["hardlink.py", "PATH_DENIED"],
        [".env-prod.py", "PATH_DENIED"],
        ["id_rsa_backup.py", "PATH_DENIED"],
        ["notes.py", "PATH_DENIED"],
        ["outside_link.py", "PATH_OUTSIDE_SEGMENT"],
        ["linkdir/secret.py", "PATH_OUTSIDE_SEGMENT"],
        ["pipe.py", "NOT_A_REGULAR_FILE"],
      ];
      for (const [path, code] of cases) {
        const r = await runCli(["ast", "skeleton", path, "--json", "-s", seg], opts());
        assert.equal(r.code, 1, `${path}: ${r.stdout}${r.stderr}`);
        assert.equal(errorCode(r), code, path);
        assertClean(r, `ast skeleton ${path}`);
      }
      await assertNothingWritten(seg);
    });
  });

  Deno.test(`e2e boundary (${label}): ast symbols and snippet fail closed on hostile modules and mask secrets`, async () => {
    await withHostile(async ({ seg }) => {
      const refused: [string, string][] = [
        ["sym://python/mod/envlink", "PATH_DENIED"],
        ["sym://python/mod/outside_link", "PATH_OUTSIDE_SEGMENT"],
        ["sym://python/mod/notes", "PATH_DENIED"],
        ["sym://python/mod/hardlink", "PATH_DENIED"],
        ["sym://python/mod/id_rsa_backup", "PATH_DENIED"],
        ["sym://python/type/outside_link/outside_fn", "PATH_OUTSIDE_SEGMENT"],
        ["sym://python/type/linkdir.secret/outside_fn", "PATH_OUTSIDE_SEGMENT"],
      ];
      for (const [uri, code] of refused) {
        const r = await runCli(["ast", "symbols", uri, "--json", "-s", seg], opts());
        assert.equal(r.code, 1, `${uri}: ${r.stdout}${r.stderr}`);
        assert.equal(errorCode(r), code, uri);
        assertClean(r, `ast symbols ${uri}`);
        const s = await runCli(["ast", "snippet", uri, "--mode", "raw", "-s", seg], opts());
        assert.equal(s.code, 1, `${uri}: ${s.stdout}${s.stderr}`);
        assertClean(s, `ast snippet ${uri}`);
      }
      const mod = await runCli(["ast", "symbols", "sym://python/mod/settings", "-s", seg], opts());
      assert.equal(mod.code, 0, mod.stderr);
      assertClean(mod, "ast symbols settings");
      for (const mode of ["raw", "excerpt", "skeleton"]) {
        const r = await runCli(
          ["ast", "snippet", "sym://python/type/settings/configure", "--mode", mode, "-s", seg],
          opts(),
        );
        assert.equal(r.code, 0, r.stderr);
        assertClean(r, `ast snippet --mode ${mode}`);
        assert.match(r.stdout, /<SECRET_REDACTED:github-token>/, mode);
      }
      const whole = await runCli(
        ["ast", "snippet", "sym://python/mod/settings", "--mode", "raw", "--json", "-s", seg],
        opts(),
      );
      assert.equal(whole.code, 0, whole.stderr);
      assertClean(whole, "ast snippet settings raw");
      assert.match(whole.stdout, /<SECRET_REDACTED:aws-access-key-id>/);
      await assertNothingWritten(seg);
    });
  });
}
