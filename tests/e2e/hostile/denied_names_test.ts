/**
 * The denylist as documented (issue 12, class 3): `.env*`, `id_rsa*`,
 * `*.pem`, `*.key`, `*.p12`, `*.pfx`, `.git/`, `.ssh/`, `.aws/` anywhere,
 * `.netrc`, `.npmrc`, `.pypirc`, `credentials*.json`, links landing on any
 * of them, and any file whose content holds a private key block.
 */
import assert from "node:assert/strict";
import {
  assertOk,
  Checks,
  CLI_MODES,
  disposeWorld,
  jsonOf,
  makeWorld,
  McpSession,
  type Mode,
  plant,
  randomAlnum,
  shown,
  sweepCli,
  sweepMcp,
  type SweepPlan,
  trifecta,
  type World,
} from "./helpers.ts";

/** A private key block; its body is random and forbidden everywhere. */
function keyBlock(world: World, kind: string): string {
  const body = randomAlnum(64);
  world.forbidden.push(body);
  return `-----BEGIN ${kind} PRIVATE KEY-----\n${body}\n-----END ${kind} PRIVATE KEY-----\n`;
}

/** Denied by name; the walker must report these (indexable extensions) as `denied`. */
const DENIED_INDEXABLE = [
  ".env-prod.py",
  ".env_local.py",
  ".env_secrets.yaml",
  "config/.env.production.toml",
  "id_rsa_backup.py",
  "id_rsa.txt",
  "credentials-prod.json",
  "deploy/credentials.json",
  // Case variants: on a case-insensitive file system these are the same files.
  ".ENV_PROD.py",
  "ID_RSA_OLD.py",
];

/** Denied by name or directory, whatever their extension. */
const DENIED_OTHER = [
  "server.pem",
  "x.key",
  "cert.p12",
  "cert.pfx",
  ".aws/credentials",
  ".aws/config.toml",
  ".netrc",
  ".npmrc",
  ".pypirc",
  "vendor/lib/.git/config",
  "vendor/lib/.git/hooks/post.py",
  "src/.ssh/config.py",
  "home/.ssh/authorized_keys.txt",
  "Server.PEM",
  // A denied name as a directory component.
  ".env.d/prod.py",
];

const USE_PY = [
  "from notes import hostile_fn",
  "from id_rsa_backup import HostileHolder",
  "",
  "def main():",
  "    return hostile_fn(), HostileHolder()",
  "",
].join("\n");

async function deniedWorld(): Promise<World> {
  const w = await makeWorld();
  for (const rel of [...DENIED_INDEXABLE, ...DENIED_OTHER]) {
    const kind = rel.replace(/[^A-Za-z0-9]/g, "");
    await plant(w, rel, { kind, prefix: rel === "id_rsa.txt" ? keyBlock(w, "RSA") : "" });
  }
  // Ordinary names whose content holds a key block: refused whole.
  await plant(w, "notes.py", { kind: "notespy", prefix: keyBlock(w, "OPENSSH") });
  await plant(w, "docs/keynote.md", { kind: "keynote", suffix: "\n" + keyBlock(w, "EC") });
  await plant(w, "keys.py", { kind: "keyspy", suffix: `\nKEY = """${keyBlock(w, "")}"""\n` });
  // Links with ordinary names that land on denied files.
  await w.link("pemlink.py", "server.pem");
  await w.link("sshlink.md", "home/.ssh/authorized_keys.txt");
  await w.write("use_notes.py", USE_PY);
  return w;
}

const PLAN: SweepPlan = {
  refusedPaths: [
    ".env-prod.py",
    ".env_local.py",
    "id_rsa_backup.py",
    "src/.ssh/config.py",
    "vendor/lib/.git/hooks/post.py",
    "notes.py",
    "keys.py",
    "pemlink.py",
    ".ENV_PROD.py",
    ".env.d/prod.py",
  ].map((target) => ({ target, codes: ["PATH_DENIED"] })),
  refusedSymbols: [
    { target: "sym://python/mod/notes", codes: ["PATH_DENIED"] },
    { target: "sym://python/type/id_rsa_backup/HostileHolder", codes: ["PATH_DENIED"] },
  ],
  positions: ["use_notes.py:5:12", "use_notes.py:5:26", "use_notes.py:1:20"],
};

/** What the walker must report, by path. */
const SKIPS: Record<string, string> = {
  ...Object.fromEntries(DENIED_INDEXABLE.map((p) => [p, "denied"])),
  "notes.py": "private_key_content",
  "docs/keynote.md": "private_key_content",
  "keys.py": "private_key_content",
  "pemlink.py": "symlink_to_denied",
  "sshlink.md": "symlink_to_denied",
};

function assertSkips(build: Record<string, unknown>, mode: Mode): void {
  const skipped = (build.skipped ?? []) as { path: string; reason: string }[];
  const wrong: string[] = [];
  for (const [path, reason] of Object.entries(SKIPS)) {
    const hit = skipped.find((s) => s.path === path);
    if (hit?.reason !== reason) {
      wrong.push(`${path}: ${hit?.reason ?? "not reported"} (want ${reason})`);
    }
  }
  assert.deepEqual(wrong, [], `[${mode}] ctx build skip report: ${wrong.join("; ")}`);
}

for (const mode of CLI_MODES) {
  Deno.test(`denied names [${mode}]: every documented denied name and key content is refused, skipped and never served`, async () => {
    const w = await deniedWorld();
    const c = new Checks();
    try {
      const runs = await sweepCli(w, { mode, plan: PLAN, checks: c });
      const build = runs.find((r) => r.args[1] === "build")!;
      c.check(() => assertSkips(jsonOf(build), mode));
      const notes = runs.find((r) => r.args[1] === "skeleton" && r.args[2] === "notes.py")!;
      c.check(() => {
        const details = jsonOf(notes).details as { reason?: string } | undefined;
        assert.equal(
          details?.reason,
          "private_key_content",
          `notes.py refusal reason: ${shown(notes)}`,
        );
      });
      await c.leaks(w, { runs });
      c.done();
    } finally {
      await disposeWorld(w);
    }
  });
}

Deno.test("denied names [bundle]: skeleton, build, search and get serve nothing denied", async () => {
  const w = await deniedWorld();
  const c = new Checks();
  try {
    const runs = await sweepCli(w, {
      mode: "bundle",
      plan: { refusedPaths: PLAN.refusedPaths!.slice(0, 2) },
      checks: c,
    });
    await c.leaks(w, { runs });
    c.done();
  } finally {
    await disposeWorld(w);
  }
});

Deno.test({
  name: "denied names [mcp]: every tool refuses denied names and key content",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const w = await deniedWorld();
    const c = new Checks();
    let s: McpSession | undefined;
    try {
      const build = await trifecta(w, ["ctx", "build", "--json"]);
      c.check(() => assertOk(build));
      s = await McpSession.start(w);
      await sweepMcp(s, w, { plan: PLAN, checks: c });
      await s.close();
      await c.leaks(w, { runs: [build], texts: s.texts() });
      c.done();
    } finally {
      await s?.close();
      await disposeWorld(w);
    }
  },
});
