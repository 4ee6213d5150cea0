/**
 * The config files: parsing (bounded, BOM, comments, trailing commas,
 * duplicates), the trust rule against a hostile `trifecta.jsonc`, and the
 * precedence flag > env > segment file > user file > default.
 */
import assert from "node:assert/strict";
import { join, relative } from "node:path";
import {
  BUILTIN_BUDGETS,
  type EffectiveConfig,
  loadConfig,
  type LoadConfigOptions,
  MAX_CONFIG_BYTES,
  MAX_CONFIG_DEPTH,
  serverCommandEnv,
  withConfigGlobs,
} from "../../lib/config/mod.ts";
import { readInsideSync, resolveSegment, walkFiles } from "../../lib/segment/mod.ts";
import { deniedByAny, isDenied } from "../../lib/segment/denylist.ts";
import { DEFAULT_BUDGET } from "../../lib/context/get.ts";
import { MAP_DEFAULT_BUDGET } from "../../lib/nav/map_defaults.ts";
import { DEFAULT_SYMBOL_BUDGET } from "../../lib/mcp/tools/symbol.ts";
import { TrifectaError } from "../../lib/errors.ts";
import { configShowText } from "../../lib/cli/config_show.ts";

/** A segment with `trifecta.jsonc` (when given), and a user config dir of its own. */
interface Fixture {
  seg: string;
  home: string;
  env: (name: string) => string | undefined;
  load(options?: LoadConfigOptions): Promise<EffectiveConfig>;
  writeUser(text: string): void;
  cleanup(): void;
}

function fixture(segmentFile?: string, vars: Record<string, string> = {}): Fixture {
  const seg = Deno.makeTempDirSync({ prefix: "trifecta-config-seg-" });
  const home = Deno.makeTempDirSync({ prefix: "trifecta-config-home-" });
  if (segmentFile !== undefined) Deno.writeTextFileSync(join(seg, "trifecta.jsonc"), segmentFile);
  const all: Record<string, string> = { HOME: home, ...vars };
  const env = (name: string) => all[name];
  return {
    seg,
    home,
    env,
    load: async (options = {}) => loadConfig(await resolveSegment(seg), { env, ...options }),
    writeUser(text) {
      Deno.mkdirSync(join(home, ".config", "trifecta"), { recursive: true });
      Deno.writeTextFileSync(join(home, ".config", "trifecta", "config.jsonc"), text);
    },
    cleanup() {
      Deno.removeSync(seg, { recursive: true });
      Deno.removeSync(home, { recursive: true });
    },
  };
}

async function invalid(segmentFile: string): Promise<TrifectaError> {
  const f = fixture(segmentFile);
  try {
    await f.load();
  } catch (err) {
    assert.ok(err instanceof TrifectaError, String(err));
    assert.equal(err.code, "CONFIG_INVALID", err.message);
    return err;
  } finally {
    f.cleanup();
  }
  throw new Error("expected CONFIG_INVALID");
}

const HOSTILE = `{
  // A checkout that tries to run code, write elsewhere and read more.
  "lsp": { "servers": { "python": ["/bin/sh", "-c", "touch /tmp/pwned"] }, "daemon": "auto" },
  "telemetry": { "dir": "state", "level": "full" },
  "budgets": { "ctx_get": 900000, "map": 10 },
  "deny": [],
  "trusted_segments": ["."],
}`;

Deno.test("config: with no file every key is its default", async () => {
  const f = fixture();
  try {
    const c = await f.load();
    assert.deepEqual(c.cache.persist, { value: true, source: "default" });
    assert.deepEqual(c.telemetry.level, { value: "lite", source: "default" });
    assert.deepEqual(c.telemetry.dir, { value: "segment", source: "default" });
    assert.equal(c.telemetry.path, join(Deno.realPathSync(f.seg), "_ctx", "telemetry"));
    assert.deepEqual(c.lsp.daemon, { value: "off", source: "default" });
    assert.deepEqual(c.lsp.servers, { value: {}, source: "default" });
    assert.deepEqual(c.ignore.value, []);
    assert.deepEqual(c.deny.value, []);
    assert.equal(c.files.segment.state, "absent");
    assert.equal(c.files.user.state, "absent");
    assert.deepEqual(c.warnings, []);
  } finally {
    f.cleanup();
  }
});

Deno.test("config: the built-in budgets are the commands' own defaults", () => {
  assert.equal(BUILTIN_BUDGETS.ctx_get, DEFAULT_BUDGET);
  assert.equal(BUILTIN_BUDGETS.map, MAP_DEFAULT_BUDGET);
  assert.equal(BUILTIN_BUDGETS.mcp, DEFAULT_SYMBOL_BUDGET);
  assert.equal(BUILTIN_BUDGETS.snippet, null);
});

Deno.test("config: a hostile segment file's privileged keys are ignored with CONFIG_KEY_UNTRUSTED", async () => {
  const f = fixture(HOSTILE);
  try {
    const c = await f.load();
    assert.deepEqual(c.lsp.servers, { value: {}, source: "default" });
    assert.deepEqual(c.lsp.daemon, { value: "off", source: "default" });
    assert.deepEqual(c.telemetry.dir, { value: "segment", source: "default" });
    assert.ok(c.telemetry.path.startsWith(Deno.realPathSync(f.seg)), c.telemetry.path);
    assert.deepEqual(c.telemetry.level, { value: "lite", source: "default" });
    assert.deepEqual(c.budgets.ctx_get, { value: 1500, source: "default" });
    // Lowering is narrowing: honoured.
    assert.deepEqual(c.budgets.map, { value: 10, source: "file" });
    assert.equal(c.files.trusted, false);
    const untrusted = c.warnings.filter((w) => w.code === "CONFIG_KEY_UNTRUSTED").map((w) => w.key);
    assert.deepEqual(untrusted.sort(), [
      "budgets.ctx_get",
      "lsp.daemon",
      "lsp.servers",
      "telemetry.dir",
      "telemetry.level",
      "trusted_segments",
    ]);
  } finally {
    f.cleanup();
  }
});

Deno.test("config: deny: [] removes nothing from the built-in denylist", async () => {
  const f = fixture('{"deny": []}');
  try {
    const c = await f.load();
    assert.deepEqual(c.deny.value, []);
    assert.equal(isDenied(".env"), true);
    assert.equal(isDenied(".git/config"), true);
  } finally {
    f.cleanup();
  }
});

Deno.test("config: a trusted segment's privileged keys are honoured", async () => {
  const f = fixture(HOSTILE, { XDG_STATE_HOME: "/state" });
  try {
    f.writeUser(JSON.stringify({ trusted_segments: [f.seg] }));
    const c = await f.load();
    assert.equal(c.files.trusted, true);
    assert.deepEqual(c.lsp.servers.value, { python: ["/bin/sh", "-c", "touch /tmp/pwned"] });
    assert.equal(c.lsp.servers.source, "file");
    assert.equal(c.lsp.daemon.value, "auto");
    assert.equal(c.telemetry.dir.value, "state");
    const id = (await resolveSegment(f.seg)).id;
    assert.equal(c.telemetry.path, `/state/trifecta/${id}/telemetry`);
    assert.equal(c.budgets.ctx_get.value, 900000);
    assert.equal(c.warnings.filter((w) => w.key !== "trusted_segments").length, 0);
  } finally {
    f.cleanup();
  }
});

Deno.test("config: the user file may set privileged keys for every segment", async () => {
  const f = fixture();
  try {
    f.writeUser('{"lsp": {"daemon": "auto", "servers": {"go": ["/opt/gopls"]}}}');
    const c = await f.load();
    assert.deepEqual(c.lsp.daemon, { value: "auto", source: "user" });
    assert.deepEqual(c.lsp.servers, { value: { go: ["/opt/gopls"] }, source: "user" });
    assert.equal(c.files.user.state, "loaded");
  } finally {
    f.cleanup();
  }
});

Deno.test("config: a segment file may lower but not raise the level the user file sets", async () => {
  const low = fixture('{"telemetry": {"level": "off"}}');
  const high = fixture('{"telemetry": {"level": "full"}}');
  try {
    low.writeUser('{"telemetry": {"level": "lite"}}');
    high.writeUser('{"telemetry": {"level": "lite"}}');
    assert.deepEqual((await low.load()).telemetry.level, { value: "off", source: "file" });
    const c = await high.load();
    assert.deepEqual(c.telemetry.level, { value: "lite", source: "user" });
    assert.equal(c.warnings[0]?.code, "CONFIG_KEY_UNTRUSTED");
  } finally {
    low.cleanup();
    high.cleanup();
  }
});

Deno.test("config: precedence is flag > env > segment file > user file > default", async () => {
  const f = fixture('{"cache": {"persist": false}, "lsp": {"daemon": "off"}}');
  try {
    f.writeUser('{"cache": {"persist": true}, "lsp": {"daemon": "auto"}}');
    let c = await f.load();
    assert.deepEqual(c.cache.persist, { value: false, source: "file" });
    assert.deepEqual(c.lsp.daemon, { value: "off", source: "file" });
    c = await f.load({ flags: { persistCache: true } });
    assert.deepEqual(c.cache.persist, { value: true, source: "flag" });
    const withEnv = (vars: Record<string, string>) => (n: string) => vars[n] ?? f.env(n);
    c = await f.load({ env: withEnv({ TRIFECTA_AST_PERSIST: "1", TRIFECTA_LSP_DAEMON: "auto" }) });
    assert.deepEqual(c.cache.persist, { value: true, source: "env" });
    assert.deepEqual(c.lsp.daemon, { value: "auto", source: "env" });
    c = await f.load({ flags: { telemetry: "full" } });
    assert.deepEqual(c.telemetry.level, { value: "full", source: "flag" });
    // Kept from before: the telemetry variables rank above the flag.
    c = await f.load({
      flags: { telemetry: "full" },
      env: withEnv({ TRIFECTA_NO_TELEMETRY: "1" }),
    });
    assert.deepEqual(c.telemetry.level, { value: "off", source: "env" });
    c = await f.load({ env: withEnv({ TRIFECTA_TELEMETRY_DIR: "/elsewhere" }) });
    assert.deepEqual(c.telemetry.dir, { value: "/elsewhere", source: "env" });
    assert.equal(c.telemetry.path, "/elsewhere");
    c = await f.load({ flags: { persistCache: false } });
    assert.deepEqual(c.cache.persist, { value: false, source: "flag" });
  } finally {
    f.cleanup();
  }
});

Deno.test("config: a BOM, comments and trailing commas are accepted", async () => {
  const f = fixture(
    '\uFEFF// team\n{\n  /* cache */ "cache": { "persist": false, },\n  "ignore": ["build/",],\n}\n',
  );
  try {
    const c = await f.load();
    assert.equal(c.cache.persist.value, false);
    assert.deepEqual(c.ignore, { value: ["build/"], source: "file" });
  } finally {
    f.cleanup();
  }
});

Deno.test("config: an invalid file is CONFIG_INVALID with a 1-based line and column", async () => {
  const err = await invalid('{\n  "cache": {\n    "persist": tru\n  }\n}');
  assert.match(err.message, /^trifecta\.jsonc:3:16: /);
  assert.equal(err.details?.line, 3);
  assert.equal(err.details?.column, 16);
  assert.equal(err.exitCode, 1);
  const typed = await invalid('{"budgets": {"map": -3}}');
  assert.match(typed.message, /^trifecta\.jsonc:1:21: budgets\.map: expected an integer/);
  await invalid("[1, 2]");
});

Deno.test("config: a key given twice is CONFIG_INVALID at the second one", async () => {
  const err = await invalid('{"cache": {"persist": true},\n "cache": {"persist": false}}');
  assert.match(err.message, /^trifecta\.jsonc:2:2: duplicate key "cache"/);
  await invalid('{"lsp": {"daemon": "off", "daemon": "auto"}}');
});

Deno.test("config: ../ and ! globs are refused, not honoured", async () => {
  assert.match((await invalid('{"ignore": ["../outside/*"]}')).message, /without a \.\. component/);
  assert.match((await invalid('{"deny": ["a/../../x"]}')).message, /without a \.\. component/);
  assert.match((await invalid('{"ignore": ["!secret.py"]}')).message, /leading ! is not accepted/);
  assert.match((await invalid('{"deny": ["a\\u0000b"]}')).message, /non-empty string/);
});

Deno.test("config: a huge file and deep nesting are refused before parsing", async () => {
  const huge = `{"ignore": [${Array(MAX_CONFIG_BYTES).fill('"x"').join(",")}]}`;
  const big = await invalid(huge);
  assert.match(big.message, /FILE_TOO_LARGE|larger than/);
  const deep = `{"x": ${"[".repeat(200_000)}${"]".repeat(200_000)}}`;
  assert.match((await invalid(deep)).message, /FILE_TOO_LARGE|larger than/);
  const nested = `{"a": ${"[".repeat(MAX_CONFIG_DEPTH + 1)}${"]".repeat(MAX_CONFIG_DEPTH + 1)}}`;
  assert.match((await invalid(nested)).message, /nested deeper than 8/);
  const list = `{"deny": [${Array(65).fill('"a"').join(",")}]}`;
  assert.match((await invalid(list)).message, /at most 64 entries/);
  const one = fixture(`{"ignore": ["a/**/b", "${"a/**/".repeat(2)}b"], "deny": ["x/**/y"]}`);
  try {
    const c = await one.load();
    assert.deepEqual(c.ignore.value, ["a/**/b"]);
    assert.deepEqual(c.deny.value, ["x/**/y"]);
    assert.deepEqual(c.warnings.map((w) => [w.code, w.key]), [["CONFIG_VALUE_IGNORED", "ignore"]]);
  } finally {
    one.cleanup();
  }
  const long = `{"ignore": ["${"x".repeat(129)}"]}`;
  assert.match((await invalid(long)).message, /globs of at most 128 characters/);
});

Deno.test("config: trifecta.jsonc as a symlink out of the segment, or a FIFO, is refused", async () => {
  const outside = Deno.makeTempDirSync({ prefix: "trifecta-config-out-" });
  const f = fixture();
  try {
    Deno.writeTextFileSync(join(outside, "c.jsonc"), '{"cache": {"persist": false}}');
    Deno.symlinkSync(join(outside, "c.jsonc"), join(f.seg, "trifecta.jsonc"));
    await assert.rejects(f.load(), { code: "CONFIG_INVALID" });
    Deno.removeSync(join(f.seg, "trifecta.jsonc"));
    const mk = new Deno.Command("mkfifo", { args: [join(f.seg, "trifecta.jsonc")] }).outputSync();
    assert.equal(mk.code, 0);
    await assert.rejects(f.load(), { code: "CONFIG_INVALID" });
  } finally {
    f.cleanup();
    Deno.removeSync(outside, { recursive: true });
  }
});

Deno.test("config: unknown keys are warnings; dotted top-level keys are not a second spelling", async () => {
  const f = fixture('{"colour": true, "cache.persist": false, "lsp": {"port": 1}}');
  try {
    const c = await f.load();
    assert.equal(c.cache.persist.source, "default");
    assert.deepEqual(
      c.warnings.map((w) => [w.code, w.key]),
      [["CONFIG_KEY_UNKNOWN", "colour"], ["CONFIG_KEY_UNKNOWN", '"cache.persist"'], [
        "CONFIG_KEY_UNKNOWN",
        "lsp.port",
      ]],
    );
  } finally {
    f.cleanup();
  }
});

Deno.test("config: telemetry.dir state without HOME or XDG_STATE_HOME stays in the segment, with a warning", async () => {
  const f = fixture();
  try {
    f.writeUser('{"telemetry": {"dir": "state"}}');
    const configHome = join(f.home, ".config");
    const env = (n: string) => n === "XDG_CONFIG_HOME" ? configHome : undefined;
    const c = await f.load({ env });
    assert.equal(c.telemetry.path, join(Deno.realPathSync(f.seg), "_ctx", "telemetry"));
    assert.equal(c.warnings[0]?.code, "CONFIG_VALUE_IGNORED");
  } finally {
    f.cleanup();
  }
});

Deno.test("config: TRIFECTA_LSP_DAEMON keeps its older off spellings (0, false, no)", async () => {
  const f = fixture();
  try {
    for (const v of ["0", "false", "no", "off"]) {
      const env = (n: string) => n === "TRIFECTA_LSP_DAEMON" ? v : f.env(n);
      assert.deepEqual((await f.load({ env })).lsp.daemon, { value: "off", source: "env" }, v);
    }
    const odd = (n: string) => n === "TRIFECTA_LSP_DAEMON" ? "sometimes" : f.env(n);
    assert.deepEqual((await f.load({ env: odd })).lsp.daemon, { value: "off", source: "default" });
  } finally {
    f.cleanup();
  }
});

Deno.test("config: the walker skips extra deny globs as denied and leaves extra ignore globs out", async () => {
  const f = fixture('{"deny": ["*.sqlite"], "ignore": ["build/", "*.gen.py"]}');
  try {
    Deno.mkdirSync(join(f.seg, "build"));
    Deno.writeTextFileSync(join(f.seg, "build", "out.py"), "x = 1\n");
    Deno.writeTextFileSync(join(f.seg, "a.gen.py"), "x = 1\n");
    Deno.writeTextFileSync(join(f.seg, "app.py"), "x = 1\n");
    Deno.writeTextFileSync(join(f.seg, "rows.sqlite"), "rows\n");
    const seg = await resolveSegment(f.seg);
    const config = await loadConfig(seg, { env: f.env });
    const narrowed = withConfigGlobs(seg, config);
    const { files, skipped } = await walkFiles(narrowed, narrowed.root);
    assert.deepEqual(files.map((x) => x.rel), ["app.py", "trifecta.jsonc"]);
    assert.deepEqual(skipped, [{ rel: "rows.sqlite", reason: "denied" }]);
    assert.throws(() => readInsideSync(narrowed, "rows.sqlite"), { code: "PATH_DENIED" });
    // Without the config, the same segment reads it: the globs come from the file only.
    assert.equal(readInsideSync(seg, "rows.sqlite").text, "rows\n");
  } finally {
    f.cleanup();
  }
});

Deno.test("config: lsp.servers takes language names and reads as the registry's variables", async () => {
  const err = await invalid('{"lsp": {"servers": {"pyright": ["/x"]}}}');
  assert.match(err.message, /lsp\.servers: expected language names \(python, /);
  const f = fixture();
  try {
    f.writeUser('{"lsp": {"servers": {"python": ["/opt/pyright-langserver", "--stdio"]}}}');
    const c = await f.load();
    const env = serverCommandEnv(c.lsp.servers.value, f.env);
    assert.equal(env("TRIFECTA_LSP_COMMAND"), '["/opt/pyright-langserver","--stdio"]');
    assert.equal(env("TRIFECTA_LSP_GO_COMMAND"), undefined);
    // A variable the environment sets wins (env > files).
    const set = serverCommandEnv(
      c.lsp.servers.value,
      (n) => n === "TRIFECTA_LSP_COMMAND" ? "x" : undefined,
    );
    assert.equal(set("TRIFECTA_LSP_COMMAND"), "x");
  } finally {
    f.cleanup();
  }
});

Deno.test("config: __proto__, constructor and a telemetry dir path in a file are neither honoured nor a crash", async () => {
  const f = fixture(
    '{"__proto__": {"persist": false}, "constructor": 1, "cache": {"__proto__": true, "toString": 1}}',
  );
  try {
    const c = await f.load();
    assert.deepEqual(c.cache.persist, { value: true, source: "default" });
    assert.deepEqual(
      c.warnings.map((w) => w.key),
      ["__proto__", "constructor", "cache.__proto__", "cache.toString"],
    );
    assert.equal(Object.getPrototypeOf({}).persist, undefined);
  } finally {
    f.cleanup();
  }
  const dir = await invalid('{"telemetry": {"dir": "/tmp/x"}}');
  assert.match(dir.message, /telemetry\.dir: expected one of "segment", "state"/);
});

Deno.test("config: keys and values from a file are shown escaped and bounded", async () => {
  const f = fixture(
    `{"\\u001b[2Jevil": 1, "${"k".repeat(5000)}": 2, "ignore": ["a\\u202eb.py"]}`,
  );
  try {
    const c = await f.load();
    const [esc, long] = c.warnings;
    assert.equal(esc?.key, "\\x1b[2Jevil");
    assert.equal((esc?.message ?? "").includes("\x1b"), false);
    assert.equal(long?.key.length, 101);
    const seg = await resolveSegment(f.seg);
    const shown = configShowText(c, seg.root);
    assert.equal(shown.includes("\x1b") || shown.includes("\u202e"), false);
    assert.match(shown, /a\\u202eb\.py/);
  } finally {
    f.cleanup();
  }
});

Deno.test("config: extra deny globs match like the built-in ones (case, components, ?), without backtracking", () => {
  assert.equal(deniedByAny("data/dump.SQLITE", ["*.sqlite"]), "*.sqlite");
  assert.equal(
    deniedByAny("a/fixtures/customers/x.py", ["fixtures/customers/"]),
    "fixtures/customers/",
  );
  assert.equal(deniedByAny("fixtures/other/x.py", ["fixtures/customers/"]), undefined);
  assert.equal(deniedByAny("src/abc.py", ["a?c.py"]), "a?c.py");
  assert.equal(deniedByAny("src/ac.py", ["a?c.py"]), undefined);
  assert.equal(deniedByAny("xaxb", ["*a*b"]), "*a*b");
  assert.equal(deniedByAny("xaxbx", ["*a*b"]), undefined);
  assert.equal(deniedByAny("a/b", ["*"]), "*");
  // A backtracking RegExp takes exponential time here; the linear matcher does not.
  const glob = "*a".repeat(12) + "*b";
  assert.equal(deniedByAny("a".repeat(120) + ".py", [glob]), undefined);
  assert.equal(deniedByAny("a".repeat(120) + "b", [glob]), glob);
});

Deno.test("config: a segment file cannot turn on the persistent cache the user file turned off", async () => {
  const on = fixture('{"cache": {"persist": true}}');
  const off = fixture('{"cache": {"persist": false}}');
  try {
    on.writeUser('{"cache": {"persist": false}}');
    const c = await on.load();
    assert.deepEqual(c.cache.persist, { value: false, source: "user" });
    assert.deepEqual(c.warnings.map((w) => [w.code, w.key]), [
      ["CONFIG_KEY_UNTRUSTED", "cache.persist"],
    ]);
    // Without a user setting, true is the default: the file changes nothing.
    on.writeUser("{}");
    assert.deepEqual((await on.load()).cache.persist, { value: true, source: "file" });
    off.writeUser('{"cache": {"persist": true}}');
    assert.deepEqual((await off.load()).cache.persist, { value: false, source: "file" });
    on.writeUser(JSON.stringify({ cache: { persist: false }, trusted_segments: [on.seg] }));
    assert.deepEqual((await on.load()).cache.persist, { value: true, source: "file" });
  } finally {
    on.cleanup();
    off.cleanup();
  }
});

Deno.test("config: a segment file cannot move telemetry into the checkout when the user file set state", async () => {
  const f = fixture('{"telemetry": {"dir": "segment"}}', { XDG_STATE_HOME: "/state" });
  try {
    f.writeUser('{"telemetry": {"dir": "state"}}');
    const c = await f.load();
    assert.deepEqual(c.telemetry.dir, { value: "state", source: "user" });
    assert.ok(c.telemetry.path.startsWith("/state/trifecta/"), c.telemetry.path);
    assert.equal(c.warnings[0]?.code, "CONFIG_KEY_UNTRUSTED");
    f.writeUser("{}");
    assert.deepEqual((await f.load()).telemetry.dir, { value: "segment", source: "file" });
  } finally {
    f.cleanup();
  }
});

Deno.test("config: warnings are capped at 20 per code, then one summary with the count", async () => {
  const keys = Array.from({ length: 3000 }, (_, i) => `"k${i}": 1`).join(",");
  const f = fixture(`{${keys}, "lsp": {"daemon": "auto"}}`);
  try {
    const c = await f.load();
    const unknown = c.warnings.filter((w) => w.code === "CONFIG_KEY_UNKNOWN");
    assert.equal(unknown.length, 21);
    assert.equal(unknown[0]?.key, "k0");
    assert.deepEqual(unknown[20], {
      code: "CONFIG_KEY_UNKNOWN",
      key: "…",
      message: "… and 2980 more CONFIG_KEY_UNKNOWN warnings",
      omitted: 2980,
    });
    // Another code is not crowded out by the flood.
    assert.ok(c.warnings.some((w) => w.code === "CONFIG_KEY_UNTRUSTED" && w.key === "lsp.daemon"));
    assert.ok(configShowText(c, f.seg).split("\n").length < 60);
  } finally {
    f.cleanup();
  }
});

Deno.test("config: a relative trusted_segments entry trusts nothing and is named in a warning", async () => {
  const f = fixture('{"lsp": {"daemon": "auto"}}');
  try {
    const rel = relative(Deno.cwd(), f.seg);
    f.writeUser(JSON.stringify({ trusted_segments: [rel, "~/proj"] }));
    const c = await f.load();
    assert.equal(c.files.trusted, false);
    assert.deepEqual(c.lsp.daemon, { value: "off", source: "default" });
    const ignored = c.warnings.filter((w) => w.code === "CONFIG_VALUE_IGNORED");
    assert.equal(ignored.length, 2);
    assert.ok(ignored[1]?.message.includes("~/proj"), ignored[1]?.message);
    // The same directory by its absolute path, even through a symlink, is trusted.
    const link = `${f.home}/link`;
    Deno.symlinkSync(f.seg, link);
    f.writeUser(JSON.stringify({ trusted_segments: [link] }));
    const t = await f.load();
    assert.equal(t.files.trusted, true);
    assert.deepEqual(t.lsp.daemon, { value: "auto", source: "file" });
  } finally {
    f.cleanup();
  }
});
