/**
 * Hostile symlinks inside the segment (issue 12, classes 1 and 4): links to
 * denied files, to files and directories outside, chains, `..` runs and
 * loops. Nothing behind them may reach the pack, an answer or telemetry,
 * whichever way trifecta runs.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { readPack } from "../../../lib/context/mod.ts";
import { resolveSegment } from "../../../lib/segment/mod.ts";
import {
  assertOk,
  Checks,
  CLI_MODES,
  disposeWorld,
  jsonOf,
  makeWorld,
  McpSession,
  type Mode,
  newMarker,
  plant,
  type Run,
  shown,
  sweepCli,
  sweepMcp,
  type SweepPlan,
  trifecta,
  type World,
} from "./helpers.ts";

/** Paths the walker must skip, with the reason the contract names. */
const SKIPS: Record<string, string> = {
  "envlink.py": "symlink_to_denied",
  "gitcfg.toml": "symlink_to_denied",
  "AGENTS.md": "symlink_outside_segment",
  "pkg/mod.py": "symlink_outside_segment",
  "linkdir": "symlink_outside_segment",
  "chain_a.py": "symlink_outside_segment",
  "deep.py": "symlink_outside_segment",
  "loop_a.py": "symlink_loop",
  "self.py": "symlink_loop",
  "gitdir": "symlink_to_denied",
  "environ.txt": "symlink_outside_segment",
};

const USE_PY = [
  "from pkg.mod import hostile_fn, HOSTILE_VALUE, HostileHolder",
  "",
  "def main() -> str:",
  "    return hostile_fn() + HOSTILE_VALUE + HostileHolder.__doc__",
  "",
].join("\n");

/** The symlink world: every kind of link the walker and readers must refuse. */
async function symlinkWorld(): Promise<World> {
  const w = await makeWorld();
  // Links to denied files inside the segment.
  await plant(w, ".env", { kind: "dotenv" });
  await w.link("envlink.py", ".env");
  await plant(w, ".git/config", { kind: "gitconfig" });
  await w.link("gitcfg.toml", ".git/config");
  // Links that leave the segment: file, module, directory, chain, `..` run.
  const agents = await plant(w, "agents.md", { kind: "outagents", where: "outside" });
  await w.link("AGENTS.md", agents.path);
  await plant(w, "mod.py", { kind: "outmod", where: "outside" });
  await w.write("pkg/__init__.py", "");
  await w.link("pkg/mod.py", "../../outside/mod.py");
  await plant(w, "tree/inner.py", { kind: "outdir", where: "outside" });
  await plant(w, "tree/notes.md", { kind: "outdirmd", where: "outside" });
  await w.link("linkdir", join(w.outside, "tree"));
  const chain = await plant(w, "chain.py", { kind: "outchain", where: "outside" });
  await w.link("sub/chain_c.txt", chain.path);
  await w.link("sub/chain_b.py", "chain_c.txt");
  await w.link("chain_a.py", "sub/chain_b.py");
  const rel = await plant(w, "rel.py", { kind: "outrel", where: "outside" });
  await w.link("deep.py", "../".repeat(40) + rel.path.slice(1));
  // Loops.
  await w.link("loop_a.py", "loop_b.py");
  await w.link("loop_b.py", "loop_a.py");
  await w.link("self.py", "self.py");
  // A directory link onto a denied directory, and the process's own environment.
  await w.link("gitdir", ".git");
  await w.link("environ.txt", "/proc/self/environ");
  w.markers.push(ENV_MARKER);
  await w.write("use.py", USE_PY);
  return w;
}

/** Put in trifecta's environment: `environ.txt` would serve it. */
const ENV_MARKER = newMarker("procenviron");

const PLAN: SweepPlan = {
  env: { TRIFECTA_HOSTILE_ENV: ENV_MARKER.value },
  refusedPaths: [
    { target: "envlink.py", codes: ["PATH_DENIED"] },
    { target: "pkg/mod.py", codes: ["PATH_OUTSIDE_SEGMENT"] },
    { target: "linkdir/inner.py", codes: ["PATH_OUTSIDE_SEGMENT"] },
    { target: "chain_a.py", codes: ["PATH_OUTSIDE_SEGMENT"] },
    { target: "deep.py", codes: ["PATH_OUTSIDE_SEGMENT"] },
    { target: "loop_a.py", codes: ["SYMLINK_LOOP"] },
    { target: "gitdir/config", codes: ["PATH_DENIED"] },
  ],
  refusedSymbols: [
    { target: "sym://python/mod/pkg.mod", codes: ["PATH_OUTSIDE_SEGMENT"] },
    { target: "sym://python/type/pkg.mod/HostileHolder", codes: ["PATH_OUTSIDE_SEGMENT"] },
    { target: "sym://python/mod/envlink", codes: ["PATH_DENIED"] },
  ],
  // hostile_fn, HOSTILE_VALUE and HostileHolder in use.py's body.
  positions: ["use.py:4:12", "use.py:4:30", "use.py:4:46", "use.py:1:22"],
};

function assertSkips(build: Record<string, unknown>, mode: Mode): void {
  const skipped = (build.skipped ?? []) as { path: string; reason: string }[];
  const wrong: string[] = [];
  for (const [path, reason] of Object.entries(SKIPS)) {
    const hit = skipped.find((s) => s.path === path || s.path.startsWith(path + "/"));
    if (hit?.reason !== reason) {
      wrong.push(`${path}: ${hit?.reason ?? "not reported"} (want ${reason})`);
    }
  }
  assert.deepEqual(wrong, [], `[${mode}] ctx build skip report: ${wrong.join("; ")}`);
}

async function assertNotInPack(w: World, mode: Mode): Promise<void> {
  const { pack } = await readPack(await resolveSegment(w.seg));
  const sources = pack.source_files.map((s) => s.path);
  const listed = Object.keys(SKIPS).filter((p) =>
    sources.some((s) => s === p || s.startsWith(p + "/"))
  );
  assert.deepEqual(listed, [], `[${mode}] pack source_files lists ${listed.join(", ")}`);
}

for (const mode of [...CLI_MODES, "bundle"] as Mode[]) {
  Deno.test(`symlinks [${mode}]: links to denied and outside files never reach the pack, answers or telemetry`, async () => {
    const w = await symlinkWorld();
    const c = new Checks();
    try {
      const runs = await sweepCli(w, { mode, plan: PLAN, checks: c });
      const build = runs.find((r) => r.args[1] === "build")!;
      c.check(() => assertSkips(jsonOf(build), mode));
      await c.checkAsync(() => assertNotInPack(w, mode));
      await c.leaks(w, { runs });
      c.done();
    } finally {
      await disposeWorld(w);
    }
  });
}

Deno.test({
  name:
    "symlinks [mcp]: every tool refuses or skips links that leave the segment or land on denied files",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const w = await symlinkWorld();
    const c = new Checks();
    let s: McpSession | undefined;
    try {
      const build = await trifecta(w, ["ctx", "build", "--json"], { env: PLAN.env });
      c.check(() => assertOk(build));
      s = await McpSession.start(w, { env: PLAN.env });
      await sweepMcp(s, w, { plan: PLAN, checks: c });
      await s.close();
      c.check(() => assert.deepEqual(s!.junk, [], "MCP stdout carries only JSON-RPC"));
      await c.leaks(w, { runs: [build], texts: s.texts() });
      c.done();
    } finally {
      await s?.close();
      await disposeWorld(w);
    }
  },
});

Deno.test({
  name:
    "symlinks [pyright]: hover and definition (CLI and MCP) through a module symlinked outside carry nothing from it",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const w = await symlinkWorld();
    const c = new Checks();
    try {
      const env = {
        ...PLAN.env,
        TRIFECTA_LSP: "1",
        TRIFECTA_LSP_DAEMON: "0",
        TRIFECTA_LSP_READY_TIMEOUT: "120",
        TRIFECTA_LSP_REQUEST_TIMEOUT: "60",
      };
      const runs: Run[] = [];
      for (const method of ["hover", "definition"]) {
        for (const pos of ["use.py:4:12", "use.py:4:30"]) {
          const r = await trifecta(w, ["lsp", method, pos, "--json"], {
            env,
            timeoutMs: 180_000,
          });
          runs.push(r);
          c.check(() => {
            const j = assertOk(r);
            // Fail closed (e.g. unsafe_links) names its reason; FULL must carry nothing from outside.
            if (j.capability_state !== "FULL") {
              assert.equal(typeof j.fallback_reason, "string", shown(r));
            }
            const data = j.data as { locations?: { path: string }[] } | undefined;
            for (const l of data?.locations ?? []) {
              assert.ok(
                !l.path.startsWith("/") && !l.path.includes(".."),
                `location ${l.path}: ${shown(r)}`,
              );
            }
          });
        }
      }
      // The MCP server's own warm pyright session, same questions.
      const s = await McpSession.start(w, { env });
      try {
        for (const tool of ["hover", "definition"]) {
          for (const column of [12, 30]) {
            const a = await s.call(tool, { file: "use.py", line: 4, column });
            c.check(() => assert.ok(!a.text.includes("INTERNAL_ERROR"), a.text.slice(0, 400)));
          }
        }
      } finally {
        await s.close();
      }
      await c.leaks(w, { runs, texts: s.texts() });
      c.done();
    } finally {
      await disposeWorld(w);
    }
  },
});

const CONFIGS: [string, string][] = [
  ["pyrightconfig.json", JSON.stringify({ extraPaths: ["../outside/lib"] })],
  ["pyproject.toml", '[tool.pyright]\nextraPaths = ["../outside/lib"]\n'],
];

for (const [configFile, configText] of CONFIGS) {
  Deno.test(`pyright config [pyright]: extraPaths in ${configFile} pointing outside the segment bring nothing from outside into answers`, async () => {
    const w = await makeWorld();
    const c = new Checks();
    try {
      await plant(w, "lib/outmod.py", { kind: "extrapaths", where: "outside" });
      await w.write(configFile, configText);
      await w.write(
        "use.py",
        "from outmod import hostile_fn, HOSTILE_VALUE\n\ndef main() -> str:\n    return hostile_fn() + HOSTILE_VALUE\n",
      );
      const env = {
        TRIFECTA_LSP: "1",
        TRIFECTA_LSP_DAEMON: "0",
        TRIFECTA_LSP_READY_TIMEOUT: "120",
        TRIFECTA_LSP_REQUEST_TIMEOUT: "60",
      };
      const runs: Run[] = [];
      for (const method of ["hover", "definition"]) {
        for (const pos of ["use.py:4:12", "use.py:4:30"]) {
          const r = await trifecta(w, ["lsp", method, pos, "--json"], {
            env,
            timeoutMs: 180_000,
          });
          runs.push(r);
          c.check(() => assertOk(r));
        }
      }
      await c.leaks(w, { runs });
      c.done();
    } finally {
      await disposeWorld(w);
    }
  });
}
