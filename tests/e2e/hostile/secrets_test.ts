/**
 * Secrets in ordinary files, in file names and in queries (issue 12,
 * classes 5 and "secrets inside ordinary files"): raw values never appear in
 * output, the pack, the caches or telemetry; content is masked as
 * `<SECRET_REDACTED:rule>`; names and queries never land in telemetry.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { readPack } from "../../../lib/context/mod.ts";
import { resolveSegment } from "../../../lib/segment/mod.ts";
import {
  assertError,
  assertOk,
  Checks,
  CLI_MODES,
  disposeWorld,
  findLeaks,
  jsonOf,
  makeWorld,
  McpSession,
  type Mode,
  randomAlnum,
  type Run,
  shown,
  sweepCli,
  sweepMcp,
  type SweepPlan,
  trifecta,
  type World,
} from "./helpers.ts";

const MASK = "<SECRET_REDACTED:";

/** A set of fake credentials of the shapes scanners must know. */
interface Secrets {
  aws: string;
  awsSecret: string;
  github: string;
  openai: string;
  password: string;
  url: string;
  /** What must never appear: each value's first 12 characters (truncation keeps prefixes). */
  needles: string[];
}

function secrets(): Secrets {
  const aws = "AKIA" + randomAlnum(16, true);
  const awsSecret = randomAlnum(20) + randomAlnum(20, true);
  const github = "ghp_" + randomAlnum(18) + randomAlnum(18, true);
  const openai = "sk-" + randomAlnum(20) + "T3BlbkFJ" + randomAlnum(20, true);
  const password = "Pw" + randomAlnum(18);
  const url = `postgres://admin:${password}@db.internal:5432/app`;
  const needles = [aws, awsSecret, github, openai, password].map((s) => s.slice(0, 12));
  return { aws, awsSecret, github, openai, password, url, needles };
}

function settingsPy(s: Secrets): string {
  return [
    `"""Settings for the app quokkacanary."""`,
    `AWS_ACCESS_KEY_ID = "${s.aws}"`,
    `aws_secret_access_key = "${s.awsSecret}"`,
    `GITHUB_TOKEN = "${s.github}"`,
    `OPENAI_API_KEY = "${s.openai}"`,
    `DATABASE_URL = "${s.url}"`,
    "",
    "",
    `def connect(url: str = "${s.url}") -> str:`,
    `    """Connect with token ${s.github} zebrawhistle."""`,
    "    return url",
    "",
    "",
    "class Settings:",
    `    """Keys: ${s.aws} quokkacanary."""`,
    "",
    `    token = "${s.github}"`,
    "",
    `    def key(self, default: str = "${s.openai}") -> str:`,
    `        """OpenAI ${s.openai} key."""`,
    "        return default",
    "",
  ].join("\n");
}

const USE_PY = [
  "from settings import connect, Settings",
  "",
  "def main():",
  "    return connect(), Settings().key()",
  "",
].join("\n");

interface SecretWorld extends World {
  content: Secrets;
  /** Secrets in file names and queries: never in telemetry. */
  quiet: Secrets;
  mail: string;
  names: { py: string; md: string; mailPy: string };
}

async function secretWorld(): Promise<SecretWorld> {
  const w = await makeWorld();
  const content = secrets();
  const quiet = secrets();
  const mailLocal = "u" + randomAlnum(11);
  w.forbidden.push(...content.needles);
  await w.write("settings.py", settingsPy(content));
  await w.write("use_settings.py", USE_PY);
  await w.write("config/app.toml", `[api]\ntoken = "${content.github}"\nkey = "${content.aws}"\n`);
  await w.write(
    "docs/setup.md",
    `# Setup quokkacanary\n\nConnect to ${content.url} with ${content.openai}.\n`,
  );
  await w.write(
    "web/keys.ts",
    `/** zebrawhistle */\nexport const KEY = "${content.aws}";\nexport const GH = "${content.github}";\n`,
  );
  // Secrets (and an e-mail address) in file names.
  const names = {
    py: `${quiet.aws}_backup.py`,
    md: `notes_${quiet.github}.md`,
    mailPy: `${mailLocal}@example.org.py`,
  };
  await w.write(names.py, "def restore() -> int:\n    return 1\n");
  await w.write(names.md, "# Notes zebrawhistle\n");
  await w.write(names.mailPy, "def mail() -> int:\n    return 2\n");
  return Object.assign(w, { content, quiet, mail: `${mailLocal}@example.org`, names });
}

const PLAN: SweepPlan = {
  symbols: ["sym://python/type/settings/Settings", "sym://python/mod/settings"],
  positions: ["use_settings.py:4:12", "use_settings.py:4:23", "use_settings.py:4:34"],
  queries: ["Settings connect key token"],
};

/** Queries carrying the quiet secrets: they may be echoed on stdout, never kept. */
function secretQueries(w: SecretWorld): string[] {
  return [
    w.quiet.github,
    `${w.quiet.aws}_prod`,
    `contact ${w.mail} please`,
    `key ${w.quiet.openai}`,
    `db ${w.quiet.url}`,
  ];
}

/** Telemetry readers' output and the telemetry directory hold no quiet secret. */
async function checkTelemetry(w: SecretWorld, mode: Mode, c: Checks): Promise<Run[]> {
  const runs: Run[] = [];
  for (
    const args of [
      ["telemetry", "report", "--last", "0", "--json"],
      ["telemetry", "export", "--format", "json"],
      ["telemetry", "export", "--format", "csv"],
      ["telemetry", "health", "--json"],
      ["ctx", "stats", "--json"],
    ]
  ) {
    const r = await trifecta(w, args, { mode });
    runs.push(r);
    c.check(() => {
      assert.ok([0, 2, 3].includes(r.code), shown(r));
      if (args[1] !== "health") assertOk(r);
    });
  }
  const needles = [...w.quiet.needles, w.mail.split("@")[0] ?? w.mail];
  await c.leaks(w, { dirs: ["_ctx/telemetry"], needles, runs });
  return runs;
}

async function askWithSecretNames(w: SecretWorld, mode: Mode, c: Checks): Promise<Run[]> {
  const runs: Run[] = [];
  const mod = w.names.py.replace(/\.py$/, "");
  // A file whose name holds a secret is refused by name (PATH_DENIED,
  // secret_in_name); the e-mail-named one is an ordinary file.
  const cases: [string[], boolean][] = [
    [["ast", "skeleton", w.names.py, "--json"], false],
    [["ast", "skeleton", w.names.mailPy, "--json"], true],
    [["ast", "symbols", `sym://python/mod/${mod}`, "--json"], false],
    [["lsp", "hover", `${w.names.py}:1:5`, "--json"], false],
    [["ast", "skeleton", "settings.py", "--persist-cache", "--json"], true],
  ];
  for (const [args, ok] of cases) {
    const r = await trifecta(w, args, { mode });
    runs.push(r);
    c.check(() => {
      if (ok) {
        assertOk(r);
        return;
      }
      const j = assertError(r, ["PATH_DENIED", "FILE_NOT_FOUND"]);
      if (j.error_code === "PATH_DENIED") {
        assert.equal((j.details as Record<string, unknown>)?.reason, "secret_in_name", shown(r));
      }
    });
  }
  for (const [i, q] of secretQueries(w).entries()) {
    const args = ["ctx", "search", "-q", q, "--json"];
    if (i === 0) args.push("--telemetry", "full");
    const r = await trifecta(w, args, { mode });
    c.check(() => assertOk(r));
    // Scanned for the content secrets only: stdout echoes the query, the user's own input.
    runs.push(r);
  }
  return runs;
}

function checkMasks(runs: Run[], mode: Mode, c: Checks): void {
  const find = (pred: (r: Run) => boolean, what: string) => {
    const r = runs.find(pred);
    c.check(() => {
      assert.ok(r, `[${mode}] no ${what} run`);
      assert.ok(r.stdout.includes(MASK), `[${mode}] ${what} shows no ${MASK}…> mask: ${shown(r)}`);
    });
  };
  find((r) => r.args[1] === "get" && r.args.includes("raw"), "ctx get -m raw");
  find(
    (r) => r.args[1] === "snippet" && (r.args[2] ?? "").includes("/type/settings/Settings"),
    "ast snippet Settings",
  );
  find((r) => r.args[1] === "skeleton" && r.args[2] === "settings.py", "ast skeleton settings.py");
}

/**
 * The pack's texts are DEFLATE-compressed (issue 16), so a byte scan alone
 * cannot see a secret in them: read every chunk back decompressed
 * (readPack) and look there, and check that the leak scan sees through the
 * compression (it finds the mask, which only the compressed texts hold).
 */
async function checkPackTexts(w: SecretWorld, mode: Mode, c: Checks): Promise<void> {
  await c.checkAsync(async () => {
    const { pack } = await readPack(await resolveSegment(w.seg));
    const texts = [
      ...pack.source_files.map((f) => f.path),
      ...pack.chunks.flatMap((ch) => [
        ch.id,
        ch.source_path,
        ch.text,
        ch.skeleton ?? "",
        ...ch.title_path,
        ...(ch.symbol_names ?? []),
      ]),
    ].join("\n").toLowerCase();
    const needles = [...w.content.needles, ...w.quiet.needles].map((n) => n.toLowerCase());
    const found = needles.filter((n) => texts.includes(n));
    assert.deepEqual(found, [], `[${mode}] decompressed pack texts hold secrets`);
    const settings = pack.chunks.filter((ch) => ch.source_path === "settings.py");
    assert.ok(settings.length > 0, `[${mode}] settings.py is not in the pack`);
    assert.ok(
      settings.some((ch) => ch.text.includes(MASK)),
      `[${mode}] settings.py's chunks show no ${MASK}…> mask`,
    );
  });
  await c.checkAsync(async () => {
    const seen = await findLeaks(w, { dirs: ["_ctx"], needles: [MASK] });
    assert.ok(
      seen.some((l) => l.where === `${join("_ctx", "context_pack.db")} (sqlite rows/terms)`),
      `[${mode}] the leak scan cannot see into the pack's compressed texts: ${
        JSON.stringify(seen)
      }`,
    );
  });
}

for (const mode of CLI_MODES) {
  Deno.test(`secrets [${mode}]: keys in files are masked everywhere; secrets in names and queries never reach telemetry`, async () => {
    const w = await secretWorld();
    const c = new Checks();
    try {
      const runs = await sweepCli(w, { mode, plan: PLAN, checks: c });
      const named = await askWithSecretNames(w, mode, c);
      checkMasks([...named, ...runs], mode, c);
      const build = runs.find((r) => r.args[1] === "build")!;
      c.check(() => {
        const text = JSON.stringify(jsonOf(build));
        assert.match(
          text,
          /secret/i,
          `[${mode}] ctx build report counts no secrets: ${shown(build)}`,
        );
        assert.match(text, /aws/i, `[${mode}] ctx build report names no AWS rule: ${shown(build)}`);
        assert.match(
          text,
          /github/i,
          `[${mode}] ctx build report names no GitHub rule: ${shown(build)}`,
        );
      });
      await c.checkAsync(async () => {
        const events = await Deno.readTextFile(join(w.seg, "_ctx/telemetry/events.jsonl"));
        const line = events.split("\n").find((l) => l.includes('"cmd":"ctx.build"')) ?? "";
        assert.match(
          line,
          /secret/i,
          `[${mode}] the ctx.build event counts no secrets: ${line.slice(0, 600)}`,
        );
      });
      await checkPackTexts(w, mode, c);
      const readers = await checkTelemetry(w, mode, c);
      await c.leaks(w, { runs: [...named, ...runs, ...readers] });
      c.done();
    } finally {
      await disposeWorld(w);
    }
  });
}

Deno.test("secrets [A]: TRIFECTA_SECRET_FILES=exclude leaves files with findings out of the pack", async () => {
  const w = await secretWorld();
  const c = new Checks();
  try {
    const r = await trifecta(w, ["ctx", "build", "--json"], {
      env: { TRIFECTA_SECRET_FILES: "exclude" },
    });
    c.check(() => assertOk(r));
    const { pack } = await readPack(await resolveSegment(w.seg));
    const sources = pack.source_files.map((s) => s.path);
    c.check(() => {
      for (const p of ["settings.py", "config/app.toml", "docs/setup.md", "web/keys.ts"]) {
        assert.ok(
          !sources.includes(p),
          `${p} is in the pack despite TRIFECTA_SECRET_FILES=exclude`,
        );
      }
      assert.ok(sources.includes("use_settings.py"), "a file without findings stays in the pack");
    });
    await c.leaks(w, { runs: [r] });
    c.done();
  } finally {
    await disposeWorld(w);
  }
});

Deno.test("secrets [bundle]: build, search and get mask keys; a secret query is not kept", async () => {
  const w = await secretWorld();
  const c = new Checks();
  try {
    const runs = await sweepCli(w, {
      mode: "bundle",
      plan: { queries: PLAN.queries, symbols: PLAN.symbols },
      checks: c,
    });
    checkMasks([...runs, ...(await askWithSecretNames(w, "bundle", c))], "bundle", c);
    const readers = await checkTelemetry(w, "bundle", c);
    await c.leaks(w, { runs: [...runs, ...readers] });
    c.done();
  } finally {
    await disposeWorld(w);
  }
});

Deno.test({
  name: "secrets [mcp]: skeleton, snippet, get and hover are masked; a secret query is not kept",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const w = await secretWorld();
    const c = new Checks();
    let s: McpSession | undefined;
    try {
      const build = await trifecta(w, ["ctx", "build", "--json"]);
      c.check(() => assertOk(build));
      s = await McpSession.start(w);
      await sweepMcp(s, w, { plan: PLAN, checks: c });
      const sk = await s.call("skeleton", { path: "settings.py" });
      c.check(() =>
        assert.ok(
          sk.text.includes(MASK),
          `mcp skeleton settings.py unmasked: ${sk.text.slice(0, 600)}`,
        )
      );
      const sn = await s.call("snippet", {
        uri: "sym://python/type/settings/Settings",
        mode: "raw",
        budget_tokens: 10_000,
      });
      c.check(() =>
        assert.ok(sn.text.includes(MASK), `mcp snippet Settings unmasked: ${sn.text.slice(0, 600)}`)
      );
      for (const q of secretQueries(w)) await s.call("search", { query: q });
      await s.call("symbol", { uri: `sym://python/mod/${w.names.py.replace(/\.py$/, "")}` });
      await s.call("hover", { file: w.names.py, line: 1, column: 5 });
      await s.close();
      // The MCP transcript echoes queries; the content secrets must not be in it.
      await c.leaks(w, { runs: [build], texts: s.texts() });
      await c.leaks(w, {
        dirs: ["_ctx/telemetry"],
        needles: [...w.quiet.needles, w.mail.split("@")[0] ?? w.mail],
      });
      c.done();
    } finally {
      await s?.close();
      await disposeWorld(w);
    }
  },
});
