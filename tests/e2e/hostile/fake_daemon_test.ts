/**
 * An impostor daemon (issue 12, class 6): a socket in a runtime directory
 * that another user owns or that others may write, or a socket another user
 * owns. The CLI must not contact it (the impostor logs every connection),
 * must answer from elsewhere with the fallback reason `daemon_untrusted`,
 * and nothing the impostor says may appear.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { daemonPaths } from "../../../lib/lsp/daemon_paths.ts";
import {
  assertNoCrash,
  Background,
  Checks,
  disposeWorld,
  jsonOf,
  makeWorld,
  type Mode,
  newMarker,
  type Run,
  shown,
  trifecta,
  type World,
} from "./helpers.ts";

const NOBODY = 65534;
const POSITION = "src/inventory/service.py:11:25";

type Variant = "foreign_dir_0777" | "own_dir_0777" | "foreign_socket" | "trusted";

interface Impostor {
  socket: string;
  dir: string;
  log: string;
  bg: Background;
}

async function startImpostor(w: World, variant: Variant): Promise<Impostor> {
  const paths = daemonPaths(w.seg, (n) => (n === "XDG_RUNTIME_DIR" ? w.runtime : undefined));
  await Deno.mkdir(paths.dir, { recursive: true });
  if (variant === "foreign_socket" || variant === "trusted") await Deno.chmod(paths.dir, 0o700);
  else await Deno.chmod(paths.dir, 0o777);
  if (variant === "foreign_dir_0777") await Deno.chown(paths.dir, NOBODY, NOBODY);
  const marker = newMarker("impostor");
  w.markers.push(marker);
  const log = join(w.base, "impostor.log");
  await Deno.writeTextFile(log, "");
  const bg = await Background.start("fake_daemon.ts", [
    paths.socket,
    marker.value,
    log,
    paths.lock,
  ]);
  if (variant === "foreign_socket") await Deno.chown(paths.socket, NOBODY, NOBODY);
  // A state file as a real daemon writes, so "a daemon runs" is believable.
  await Deno.writeTextFile(
    paths.state,
    JSON.stringify({ pid: Deno.pid, server_pid: Deno.pid, ttl_s: 300, socket: paths.socket }),
  );
  return { socket: paths.socket, dir: paths.dir, log, bg };
}

const ENV = {
  TRIFECTA_LSP: "1",
  // If the CLI falls through to a one-shot server, it must not start pyright here.
  TRIFECTA_LSP_COMMAND: JSON.stringify(["/nonexistent/trifecta-no-server", "--stdio"]),
  TRIFECTA_LSP_READY_TIMEOUT: "5",
};

async function ask(w: World, imp: Impostor, mode: Mode, c: Checks): Promise<Run[]> {
  const extraFlags = mode === "A"
    ? []
    : [`--allow-read=${imp.dir}`, `--allow-write=${imp.dir}`, `--allow-net=unix:${imp.socket}`];
  const runs: Run[] = [];
  for (const method of ["hover", "definition"]) {
    const r = await trifecta(w, ["lsp", method, POSITION, "--json"], {
      mode,
      env: ENV,
      extraFlags,
    });
    runs.push(r);
    c.check(() => {
      assertNoCrash(r);
      assert.equal(r.code, 0, shown(r));
      const j = jsonOf(r);
      assert.notEqual(
        j.capability_state,
        "FULL",
        `[${mode}] the impostor's answer was used: ${shown(r)}`,
      );
      assert.equal(j.fallback_reason, "daemon_untrusted", `[${mode}] fallback reason: ${shown(r)}`);
      assert.ok(!r.stdout.includes("etc/shadow"), `[${mode}] the impostor's location: ${shown(r)}`);
    });
  }
  const st = await trifecta(w, ["lsp", "daemon", "status", "--json"], {
    mode,
    env: ENV,
    extraFlags,
  });
  runs.push(st);
  c.check(() => assertNoCrash(st));
  return runs;
}

async function connections(imp: Impostor): Promise<string[]> {
  return (await Deno.readTextFile(imp.log)).split("\n").filter((l) => l !== "");
}

const CASES: [Variant, Mode[]][] = [
  ["foreign_dir_0777", ["A", "narrow", "bundle"]],
  ["own_dir_0777", ["A"]],
  ["foreign_socket", ["A", "narrow"]],
];

// Giving files to another user (the foreign variants) needs root: known once, at load.
const IS_ROOT = Deno.uid() === 0;

for (const [variant, modes] of CASES) {
  const name = `fake daemon (${variant}) [${
    modes.join(", ")
  }]: never contacted, fallback daemon_untrusted, nothing of its answer shown`;
  const capable = variant === "own_dir_0777" || IS_ROOT;
  if (!capable) console.log(`SKIPPED ${name}: giving files to another user needs root`);
  Deno.test({
    name,
    ignore: !capable,
    sanitizeResources: false,
    sanitizeOps: false,
    fn: async () => {
      const w = await makeWorld();
      const c = new Checks();
      let imp: Impostor | undefined;
      try {
        imp = await startImpostor(w, variant);
        const runs: Run[] = [];
        for (const mode of modes) runs.push(...await ask(w, imp, mode, c));
        const seen = await connections(imp);
        c.check(() => assert.deepEqual(seen, [], `the impostor was contacted: ${seen.join(", ")}`));
        await c.leaks(w, { runs });
        c.done();
      } finally {
        await imp?.bg.stop();
        await disposeWorld(w);
      }
    },
  });
}

Deno.test({
  name:
    "fake daemon (control): the same fake in a private directory is contacted and answers FULL, so the refusals above are real",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const w = await makeWorld();
    let imp: Impostor | undefined;
    try {
      imp = await startImpostor(w, "trusted");
      const marker = w.markers.pop()!;
      const r = await trifecta(w, ["lsp", "hover", POSITION, "--json"], { env: ENV });
      assertNoCrash(r);
      assert.equal(jsonOf(r).capability_state, "FULL", shown(r));
      assert.ok(r.stdout.includes(marker.value), `the fake daemon answered: ${shown(r)}`);
      assert.ok((await connections(imp)).length > 0, "the fake daemon saw the connection");
    } finally {
      await imp?.bg.stop();
      await disposeWorld(w);
    }
  },
});
