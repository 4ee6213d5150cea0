/**
 * Red team 19: language-server answers with the real pyright. trifecta
 * masks secrets in files as it reads them, but pyright reads the files
 * itself, so its answers are masked afterwards (`scrubText` in
 * lib/lsp/answer_guard.ts). pyright renders a docstring as Markdown and
 * escapes `_` and `*` there (`ghp\_…`): a token shape with an underscore no
 * longer matches its rule. These tests plant tokens in a docstring and ask
 * for hover over the CLI (text and --json) and the MCP server.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  disposeWorld,
  makeWorld,
  McpSession,
  randomAlnum,
  shown,
  trifecta,
  type World,
} from "./hostile/helpers.ts";
import { maskSecrets } from "../../lib/secrets.ts";
import { HOVER_DOC_WITHHELD_NOTE } from "../../lib/lsp/hover_doc.ts";

/** True (and says so) when `tool` is not on PATH: the test needing it is skipped. */
async function missing(tool: string): Promise<boolean> {
  if (await onPath(tool)) return false;
  console.log(`SKIPPED hostile19 lsp [${tool}]: ${tool} is not on PATH`);
  return true;
}

/** Pyright answers (no daemon, so no runtime directory is involved). */
const LSP_ENV = { TRIFECTA_LSP: "1", TRIFECTA_LSP_DAEMON: "0", TRIFECTA_LSP_READY_TIMEOUT: "180" };

/** A token sample: its kind and the random part that must never be shown. */
interface Sample {
  kind: string;
  text: string;
  body: string;
}

/** Letters of both cases and digits (the Stripe and Hugging Face rules ask for all three). */
function mixed(n: number): string {
  const half = Math.ceil(n / 2);
  return `${randomAlnum(half, true)}${randomAlnum(n - half - 1)}7`;
}

/** Letters only, both cases (the Hugging Face rule's shape). */
function letters(n: number): string {
  const a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  const bytes = crypto.getRandomValues(new Uint8Array(n - 2));
  return `Qz${[...bytes].map((b) => a.charAt(b % a.length)).join("")}`;
}

function samples(): Sample[] {
  const ghp = mixed(36);
  const pat = `${mixed(22)}_${mixed(59)}`;
  const stripe = mixed(24);
  const hf = letters(34);
  const npm = mixed(36);
  const key = `Kx${mixed(14)}q`;
  return [
    { kind: "github-token", text: `ghp_${ghp}`, body: ghp },
    { kind: "github-pat", text: `github_pat_${pat}`, body: pat.slice(-40) },
    { kind: "stripe-key", text: `sk_live_${stripe}`, body: stripe },
    { kind: "huggingface-token", text: `hf_${hf}`, body: hf },
    { kind: "npm-token", text: `npm_${npm}`, body: npm },
    { kind: "secret-assignment", text: `api_key = "${key}"`, body: key },
  ];
}

/** A module whose function's docstring holds every sample, and a call of it. */
async function plantDocstring(w: World, all: Sample[]): Promise<void> {
  const doc = all.map((s) => `    ${s.text}`).join("\n\n");
  await w.write("lib_doc.py", `def connect():\n    """Connect.\n\n${doc}\n    """\n    return 1\n`);
  await w.write("use_doc.py", "from lib_doc import connect\n\nconnect()\n");
}

function leaked(text: string, all: Sample[]): string[] {
  return all.filter((s) => text.includes(s.body)).map((s) => s.kind);
}

Deno.test({
  name:
    "hostile19 lsp [pyright]: tokens in a docstring stay masked in hover although pyright escapes _ as \\_ (CLI text and --json)",
  sanitizeResources: false,
  async fn() {
    const w = await makeWorld({ example: false });
    try {
      const all = samples();
      // Control: each sample, as written in the file, is a shape the rules mask.
      for (const smp of all) assert.ok(!maskSecrets(smp.text).text.includes(smp.body), smp.kind);
      await plantDocstring(w, all);
      const json = await trifecta(w, ["lsp", "hover", "use_doc.py:3:1", "--json"], {
        env: LSP_ENV,
      });
      assert.equal(json.code, 0, shown(json));
      const res = JSON.parse(json.stdout) as {
        capability_state?: string;
        data?: { contents?: string };
      };
      // The defence under test is the one on pyright's answer: make sure pyright answered.
      assert.equal(res.capability_state, "FULL", shown(json));
      assert.match(res.data?.contents ?? "", /Connect\./);
      const text = await trifecta(w, ["lsp", "hover", "use_doc.py:3:1"], { env: LSP_ENV });
      assert.equal(text.code, 0, shown(text));
      assert.deepEqual(
        { json: leaked(json.stdout, all), text: leaked(text.stdout + text.stderr, all) },
        { json: [], text: [] },
        `tokens shown unmasked in pyright's hover:\n${text.stdout}`,
      );
    } finally {
      await disposeWorld(w);
    }
  },
});

Deno.test({
  name:
    "hostile19 lsp [pyright, mcp]: the hover tool masks tokens in a docstring pyright rendered as Markdown",
  sanitizeResources: false,
  async fn() {
    const w = await makeWorld({ example: false });
    const all = samples();
    await plantDocstring(w, all);
    const s = await McpSession.start(w, { env: LSP_ENV, args: ["--no-watch"] });
    try {
      const a = await s.call("hover", { file: "use_doc.py", line: 3, column: 1 });
      assert.ok(!a.isError, a.text);
      assert.match(a.text, /Connect\./);
      assert.match(a.text, /pyright/, `pyright answered: ${a.text}`);
      assert.deepEqual(
        { text: leaked(a.text, all), structured: leaked(JSON.stringify(a.structured), all) },
        { text: [], structured: [] },
        `tokens shown unmasked in the MCP hover:\n${a.text}`,
      );
    } finally {
      await s.close();
      await disposeWorld(w);
    }
  },
});

Deno.test({
  name:
    "hostile19 lsp [gopls]: tokens in a Go doc comment stay masked in hover although gopls escapes _ as \\_",
  ignore: await missing("gopls"),
  sanitizeResources: false,
  async fn() {
    const w = await makeWorld({ example: false });
    try {
      const all = samples().filter((s) => s.kind !== "secret-assignment");
      await w.write("go.mod", "module example.com/m\n\ngo 1.21\n");
      const doc = all.map((s) => s.text).join(" and ");
      await w.write(
        "m.go",
        `package m\n\n// Connect uses ${doc}.\nfunc Connect() int { return 1 }\n\nfunc use() int { return Connect() }\n`,
      );
      const r = await trifecta(w, ["lsp", "hover", "m.go:6:25", "--json"], { env: LSP_ENV });
      assert.equal(r.code, 0, shown(r));
      const res = JSON.parse(r.stdout) as {
        capability_state?: string;
        data?: { contents?: string };
      };
      assert.equal(res.capability_state, "FULL", shown(r));
      assert.match(res.data?.contents ?? "", /Connect uses/);
      assert.deepEqual(
        leaked(r.stdout, all),
        [],
        `tokens shown unmasked in gopls's hover:\n${res.data?.contents}`,
      );
    } finally {
      await disposeWorld(w);
    }
  },
});

/** True when `name` is an executable on PATH. */
async function onPath(name: string): Promise<boolean> {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    try {
      if ((await Deno.stat(`${dir}/${name}`)).isFile) return true;
    } catch (err) {
      // Not in this directory: look in the next one.
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
  }
  return false;
}

/** A PEM block written as a docstring's lines (a fake key: random base64). */
function fakePem(indent: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(120));
  const b64 = btoa(String.fromCharCode(...bytes));
  const lines = b64.match(/.{1,64}/g) ?? [];
  return [
    "-----BEGIN RSA PRIVATE KEY-----",
    ...lines,
    "-----END RSA PRIVATE KEY-----",
  ].map((l) => indent + l).join("\n");
}

/** The reasons `ast skeleton` gives for the files it skipped: the control that trifecta itself refuses them. */
async function assertSkipped(w: World, reasons: readonly string[]): Promise<void> {
  const skel = await trifecta(w, ["ast", "skeleton", ".", "--json"]);
  const skipped = (JSON.parse(skel.stdout) as { skipped: { reason: string }[] }).skipped;
  assert.deepEqual(skipped.map((s) => s.reason).sort(), [...reasons].sort(), shown(skel));
}

/**
 * `lsp hover --json` at each location (no daemon): it exits 0 in the state
 * (or with the fallback reason) asked, and none of `hidden` is in the answer.
 */
async function assertHoverHides(
  w: World,
  locations: readonly string[],
  hidden: readonly string[],
  expect: { state?: string; fallback?: string },
): Promise<void> {
  for (const loc of locations) {
    const r = await trifecta(w, ["lsp", "hover", loc, "--json"], { env: LSP_ENV });
    assert.equal(r.code, 0, shown(r));
    const res = JSON.parse(r.stdout) as { capability_state?: string; fallback_reason?: string };
    if (expect.state) assert.equal(res.capability_state, expect.state, `${loc}: ${shown(r)}`);
    if (expect.fallback) assert.equal(res.fallback_reason, expect.fallback, `${loc}: ${shown(r)}`);
    for (const h of hidden) assert.ok(!r.stdout.includes(h), `${loc}: ${shown(r)}`);
  }
}

/** The `data` of `lsp hover --json` at `loc` (no daemon), after checking it ran and was answered by the server. */
async function hoverData(
  w: World,
  loc: string,
  env: Record<string, string> = LSP_ENV,
): Promise<{ contents?: string; note?: string }> {
  const r = await trifecta(w, ["lsp", "hover", loc, "--json"], { env });
  assert.equal(r.code, 0, shown(r));
  const res = JSON.parse(r.stdout) as {
    capability_state?: string;
    data?: { contents?: string; note?: string };
  };
  assert.equal(res.capability_state, "FULL", `${loc}: ${shown(r)}`);
  return res.data ?? {};
}

/**
 * At each location the hover keeps its code part (matching `code`), shows
 * no documentation (nothing after the signature's fence) and none of
 * `hidden`, and says why.
 */
async function assertDocWithheld(
  w: World,
  locations: readonly string[],
  code: RegExp,
  options: { env?: Record<string, string>; hidden?: readonly string[] } = {},
): Promise<void> {
  for (const loc of locations) {
    const data = await hoverData(w, loc, options.env);
    for (const h of options.hidden ?? []) assert.ok(!JSON.stringify(data).includes(h), loc);
    const contents = data.contents ?? "";
    assert.match(contents, code, `${loc}: ${contents}`);
    assert.match(contents, /^```\w+\n[^]*\n```$/, `${loc}: only the signature: ${contents}`);
    assert.equal(data.note, HOVER_DOC_WITHHELD_NOTE, `${loc}: ${JSON.stringify(data)}`);
  }
}

Deno.test({
  name:
    "hostile19 lsp [pyright]: a base class in a file whose path holds a token: the server is not asked (denied_sources) and no hover shows that file's docstring",
  sanitizeResources: false,
  async fn() {
    const w = await makeWorld({ example: false });
    try {
      const nameMark = `NAMEFILEDOC${randomAlnum(10)}`;
      const token = `ghp_${mixed(36)}`;
      // Never read by trifecta: its name holds a token (secret_in_name).
      await w.write(
        `${token}.py`,
        `class NameBase:\n    def run(self):\n        """${nameMark} is in a file named by a token."""\n        return 1\n`,
      );
      await w.write(
        "use.py",
        `from ${token} import NameBase\n\nclass B(NameBase):\n    def run(self):\n        return 3\n\nB().run()\n`,
      );
      const locations = ["use.py:7:5", "use.py:4:9", "use.py:1:30"];
      await assertHoverHides(w, locations, [nameMark, token], { fallback: "denied_sources" });
    } finally {
      await disposeWorld(w);
    }
  },
});

Deno.test({
  name:
    "hostile19 lsp [pyright]: a symbol defined in a file the read boundary refuses for its content (private key) shows no hover text",
  sanitizeResources: false,
  async fn() {
    const w = await makeWorld({ example: false });
    try {
      const keyMark = `KEYFILEDOC${randomAlnum(10)}`;
      await w.write(
        "keys.py",
        `class KeyBase:\n    """${keyMark} lives next to a key.\n\n${
          fakePem("    ")
        }\n    """\n    def run(self):\n        return 1\n`,
      );
      await w.write("use.py", "from keys import KeyBase\n\nKeyBase().run()\n");
      await assertSkipped(w, ["private_key_content"]);
      await assertHoverHides(w, ["use.py:3:1"], [keyMark], { state: "FULL" });
    } finally {
      await disposeWorld(w);
    }
  },
});

/** keys.py: a base class whose method's docstring sits next to a private key (the file is refused). */
async function writeKeyBase(w: World, keyMark: string): Promise<void> {
  await w.write(
    "keys.py",
    `class KeyBase:\n    def run(self):\n        """${keyMark} lives next to a key.\n\n${
      fakePem("        ")
    }\n        """\n        return 1\n`,
  );
}

Deno.test({
  name:
    "hostile19 lsp [pyright]: a method overriding one from a file the read boundary refuses for its content (private key) never shows that file's docstring in hover",
  sanitizeResources: false,
  async fn() {
    const w = await makeWorld({ example: false });
    try {
      const keyMark = `KEYFILEDOC${randomAlnum(10)}`;
      // Refused whole: it holds a private key block (private_key_content).
      await writeKeyBase(w, keyMark);
      await w.write(
        "use.py",
        "from keys import KeyBase\n\nclass A(KeyBase):\n    def run(self):\n        return 2\n\nA().run()\n",
      );
      await assertSkipped(w, ["private_key_content"]);
      await assertHoverHides(w, ["use.py:7:5", "use.py:4:9"], [keyMark], { state: "FULL" });
      // Only the documentation goes: the signature stays, and the note says why.
      await assertDocWithheld(w, ["use.py:7:5", "use.py:4:9"], /def run\(/);
    } finally {
      await disposeWorld(w);
    }
  },
});

Deno.test({
  name:
    "hostile19 lsp [pyright]: a token split into literals that pyright joins in a Literal type (implicit concatenation, +, parentheses) stays masked in hover and diagnostics",
  sanitizeResources: false,
  async fn() {
    const w = await makeWorld({ example: false });
    try {
      const [a, b, c] = [mixed(36), mixed(36), mixed(36)];
      await w.write(
        "other.py",
        [
          "from typing import Final",
          "",
          `PART: Final = "ghp_" "${a}"`,
          `JOINED: Final = "ghp_" + "${b}"`,
          `MULTI: Final = ("ghp_${c.slice(0, 18)}"`,
          `                "${c.slice(18)}")`,
          "",
        ].join("\n"),
      );
      await w.write(
        "use.py",
        "from other import PART, JOINED, MULTI\n\nx: int = PART\nreveal_type(JOINED)\nMULTI.nope\n",
      );
      const texts: string[] = [];
      for (const loc of ["use.py:3:10", "use.py:4:13", "use.py:5:1"]) {
        const r = await trifecta(w, ["lsp", "hover", loc, "--json"], { env: LSP_ENV });
        assert.equal(r.code, 0, shown(r));
        assert.equal(JSON.parse(r.stdout).capability_state, "FULL", shown(r));
        texts.push(r.stdout);
      }
      const d = await trifecta(w, ["lsp", "diagnostics", "use.py", "--json"], { env: LSP_ENV });
      assert.equal(d.code, 0, shown(d));
      assert.match(
        d.stdout,
        /reportAssignmentType|is not assignable/,
        "pyright typed the joined literal",
      );
      texts.push(d.stdout);
      const all = texts.join("\n");
      for (const [name, body] of [["PART", a], ["JOINED", b], ["MULTI", c]] as const) {
        assert.ok(!all.includes(body) && !all.includes(body.slice(18)), `${name} shown: ${all}`);
      }
    } finally {
      await disposeWorld(w);
    }
  },
});

Deno.test({
  name:
    "hostile19 lsp [clangd]: a function defined in an allowed file never shows the doc comment of its declaration in a header the read boundary refuses (private key content)",
  ignore: await missing("clangd"),
  sanitizeResources: false,
  async fn() {
    const w = await makeWorld({ example: false });
    try {
      const mark = `HEADERDOC${randomAlnum(10)}`;
      const pem = fakePem("").split("\n").join("\\n");
      await w.write(
        "keys.h",
        `/// ${mark} documented in a file refused whole.\nint connect(void);\n\nstatic const char *k = "${pem}";\n`,
      );
      await w.write(
        "a.c",
        '#include "keys.h"\n\nint connect(void) { return 1; }\n\nint main(void) { return connect(); }\n',
      );
      await assertSkipped(w, ["private_key_content"]);
      await assertHoverHides(w, ["a.c:5:25", "a.c:3:5"], [mark], { state: "FULL" });
    } finally {
      await disposeWorld(w);
    }
  },
});

Deno.test({
  name:
    "hostile19 lsp [pyright]: a docstring an override inherits from a readable base two classes up, in other files, is still shown",
  sanitizeResources: false,
  async fn() {
    const w = await makeWorld({ example: false });
    try {
      const mark = `BASEDOC${randomAlnum(10)}`;
      await w.write(
        "base.py",
        `class Base:\n    def run(self, x: int) -> int:\n        """${mark} runs *this* with x_y.\n\n        Args:\n            x: the value\n        """\n        return x\n`,
      );
      await w.write("mid.py", "from base import Base\n\nclass Mid(Base):\n    pass\n");
      await w.write(
        "use.py",
        "from mid import Mid\n\nclass A(Mid):\n    def run(self, x: int) -> int:\n        return 2\n\nA().run(1)\n",
      );
      for (const loc of ["use.py:7:5", "use.py:4:9"]) {
        const data = await hoverData(w, loc);
        // pyright escapes the Markdown (`\*this\*`, `x\_y`) and indents with &nbsp;: still traced.
        assert.match(
          data.contents ?? "",
          new RegExp(`${mark} runs \\\\\\*this`),
          JSON.stringify(data),
        );
        assert.match(data.contents ?? "", /the value/);
        assert.equal(data.note, undefined, JSON.stringify(data));
      }
    } finally {
      await disposeWorld(w);
    }
  },
});

Deno.test({
  name:
    "hostile19 lsp [pyright]: a docstring an override inherits from a base in a file a deny glob of trifecta.jsonc refuses is withheld, the signature kept",
  sanitizeResources: false,
  async fn() {
    const w = await makeWorld({ example: false });
    try {
      const mark = `DENYGLOBDOC${randomAlnum(10)}`;
      await w.write("trifecta.jsonc", '{ "deny": ["private/**"] }\n');
      await w.write(
        "private/base.py",
        `class PrivBase:\n    def run(self):\n        """${mark} lives in a denied file."""\n        return 1\n`,
      );
      await w.write(
        "use.py",
        "from private.base import PrivBase\n\nclass A(PrivBase):\n    def run(self):\n        return 2\n\nA().run()\n",
      );
      await assertHoverHides(w, ["use.py:7:5", "use.py:4:9"], [mark], { state: "FULL" });
      await assertDocWithheld(w, ["use.py:7:5", "use.py:4:9"], /def run\(/);
    } finally {
      await disposeWorld(w);
    }
  },
});

Deno.test({
  name:
    "hostile19 lsp [pyright]: an override with its own docstring shows it unchanged although its base lies in a refused file",
  sanitizeResources: false,
  async fn() {
    const w = await makeWorld({ example: false });
    try {
      const keyMark = `KEYFILEDOC${randomAlnum(10)}`;
      const own = `OWNDOC${randomAlnum(10)}`;
      await writeKeyBase(w, keyMark);
      await w.write(
        "use.py",
        `from keys import KeyBase\n\nclass A(KeyBase):\n    def run(self):\n        """${own} is the override's own."""\n        return 2\n\nA().run()\n`,
      );
      for (const loc of ["use.py:8:5", "use.py:4:9"]) {
        const data = await hoverData(w, loc);
        assert.match(
          data.contents ?? "",
          new RegExp(`\`\`\`\n---\n${own} is the override's own\\.$`),
        );
        assert.ok(!(data.contents ?? "").includes(keyMark), JSON.stringify(data));
        assert.equal(data.note, undefined, JSON.stringify(data));
      }
    } finally {
      await disposeWorld(w);
    }
  },
});

/** Pinned as in tests/e2e/lsp_typescript_test.ts (6.x needs Node ≥ 22.22; TypeScript 7 has no tsserver.js). */
const TS_PACKAGES = ["typescript-language-server@5.3.0", "typescript@5.9.3"];

/** typescript-language-server installed with npm under `prefix`: its bin directory, or why not. */
async function installTsServer(prefix: string): Promise<{ bin?: string; why?: string }> {
  try {
    const out = await new Deno.Command("npm", {
      args: ["install", "--prefix", prefix, "--no-audit", "--no-fund", "--silent", ...TS_PACKAGES],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (out.code !== 0) {
      return { why: `npm install failed: ${new TextDecoder().decode(out.stderr).trim()}` };
    }
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return { why: "npm is not on PATH" };
    throw err;
  }
  return { bin: `${prefix}/node_modules/.bin` };
}

Deno.test({
  name:
    "hostile19 lsp [typescript]: JSDoc an override inherits from a base class in a file refused for its content is withheld; from a readable base it is shown",
  sanitizeResources: false,
  async fn() {
    const w = await makeWorld({ example: false });
    try {
      const tools = await installTsServer(w.outside);
      if (!tools.bin) {
        console.log(`SKIPPED hostile19 lsp [typescript]: ${tools.why}`);
        return;
      }
      const env = { ...LSP_ENV, PATH: `${tools.bin}:${Deno.env.get("PATH") ?? ""}` };
      const [keyMark, okMark] = [`KEYFILEDOC${randomAlnum(10)}`, `OKDOC${randomAlnum(10)}`];
      const pem = fakePem("").split("\n").join("\\n");
      await w.write(
        "keys.ts",
        `export class KeyBase {\n  /**\n   * ${keyMark} lives next to a key.\n   * @param x the value\n   */\n  run(x: number): number {\n    return x;\n  }\n}\nexport const KEY = "${pem}";\n`,
      );
      await w.write(
        "ok.ts",
        `export class OkBase {\n  /**\n   * ${okMark} is documented in a readable file; see {@link OkBase}.\n   * @param {number} x the value\n   */\n  run(x: number): number {\n    return x;\n  }\n}\n`,
      );
      await w.write(
        "use.ts",
        [
          'import { KeyBase } from "./keys";',
          'import { OkBase } from "./ok";',
          "",
          "export class A extends KeyBase {",
          "  override run(x: number): number {",
          "    return 2;",
          "  }",
          "}",
          "export class B extends OkBase {",
          "  override run(x: number): number {",
          "    return 3;",
          "  }",
          "}",
          "new A().run(1);",
          "new B().run(1);",
          "",
        ].join("\n"),
      );
      await w.write("tsconfig.json", '{ "compilerOptions": { "strict": true } }\n');
      await assertSkipped(w, ["private_key_content"]);
      await assertDocWithheld(w, ["use.ts:14:9", "use.ts:5:12"], /\(method\) A\.run/, {
        env,
        hidden: [keyMark],
      });
      for (const loc of ["use.ts:15:9", "use.ts:10:12"]) {
        const data = await hoverData(w, loc, env);
        assert.match(
          data.contents ?? "",
          new RegExp(`${okMark} is documented`),
          JSON.stringify(data),
        );
        assert.equal(data.note, undefined, JSON.stringify(data));
      }
    } finally {
      await disposeWorld(w);
    }
  },
});
