/**
 * One suite for a native language server the registry names (clangd,
 * gopls): a small project written in a temp dir, asked through the same
 * paths as every server — one-shot (READY machine), the warm daemon, and
 * the AST fallback with its reason when the server is absent. Used by
 * `clangd_test.ts` and `gopls_test.ts`; not a test file itself.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { languageOfPath } from "../../lib/languages/mod.ts";
import { which } from "../../lib/lsp/discovery.ts";
import { answerQuery, type QueryOutcome } from "../../lib/lsp/query.ts";
import { daemonPaths } from "../../lib/lsp/daemon_paths.ts";
import type { LspMethod, LspResponse } from "../../lib/lsp/types.ts";
import { CLI_FLAGS, MAIN_TS, REPO_ROOT } from "../e2e/helpers.ts";
import { resolveSegment, type Segment } from "../../lib/segment/mod.ts";

/** A native server's fixture and what its answers must hold. */
export interface NativeServerCase {
  /** Executable name on PATH (`gopls`). */
  binary: string;
  /** The registry backend expected (`lsp_gopls`). */
  backend: string;
  /** Files of the project (relative path → text). */
  files: Record<string, string>;
  /** The file asked about. */
  ask: string;
  /** The identifier asked about: its first occurrence on `line` of `ask`. */
  symbol: string;
  /** 1-based line of the use asked about. */
  line: number;
  /** Where the definition must be: [path, line, col]. */
  definition: [string, number, number];
  /** Text the hover must contain. */
  hover: RegExp;
  /** Locations references must include: [path, line]. */
  references: [string, number][];
  /** Environment variables the server needs, set for the test's processes (temp dirs). */
  serverEnv?: (tmp: string) => Record<string, string>;
}

const READY_S = "180"; // a first start on a busy 2-core CI box

/** Why the suite cannot run here, or undefined when it can. */
export async function skipReason(c: NativeServerCase): Promise<string | undefined> {
  const spec = languageOfPath(c.ask);
  if (!spec) return `no registry entry claims ${c.ask}`;
  if (!spec.servers.some((s) => s.backend === c.backend)) {
    return `the registry entry ${spec.name} names no ${c.backend} server`;
  }
  if (!(await which(c.binary))) return `${c.binary} is not on PATH (apt-get install ${c.binary})`;
  return undefined;
}

/** A project written for a case. */
export interface Project {
  /** Its segment. */
  segment: Segment;
  /** The temp dir holding it (and the caches and runtime dir, outside the segment). */
  tmp: string;
  /** The environment discovery and the daemon paths read. */
  env: (k: string) => string | undefined;
  /** Restore the process environment and remove the temp dir. */
  done: () => Promise<void>;
}

/** A project in a temp dir, its segment, an env for discovery and the daemon, and cleanup. */
export async function project(
  c: NativeServerCase,
  vars: Record<string, string | undefined> = {},
): Promise<Project> {
  const tmp = await Deno.makeTempDir({ prefix: "trifecta-native-lsp-" });
  const root = join(tmp, "project");
  for (const [rel, text] of Object.entries(c.files)) {
    await Deno.mkdir(join(root, rel, ".."), { recursive: true });
    await Deno.writeTextFile(join(root, rel), text);
  }
  const runtime = join(tmp, "run");
  await Deno.mkdir(runtime, { mode: 0o700 });
  // Spawned servers inherit this process's environment: writable caches outside the segment.
  const saved = new Map<string, string | undefined>();
  for (const [k, v] of Object.entries(c.serverEnv?.(tmp) ?? {})) {
    saved.set(k, Deno.env.get(k));
    Deno.env.set(k, v);
  }
  const table: Record<string, string | undefined> = {
    PATH: Deno.env.get("PATH"),
    XDG_RUNTIME_DIR: runtime,
    TRIFECTA_LSP_READY_TIMEOUT: READY_S,
    ...vars,
  };
  return {
    segment: await resolveSegment(root),
    tmp,
    env: (k) => table[k],
    done: async () => {
      for (const [k, v] of saved) v === undefined ? Deno.env.delete(k) : Deno.env.set(k, v);
      await Deno.remove(tmp, { recursive: true });
    },
  };
}

/** The column of the case's symbol on its line. */
function colOf(c: NativeServerCase): number {
  const text = c.files[c.ask] ?? "";
  const lineText = text.split("\n")[c.line - 1] ?? "";
  const at = lineText.indexOf(c.symbol);
  assert.ok(at >= 0, `${c.symbol} is on line ${c.line} of ${c.ask}`);
  return at + 1;
}

/** Ask one question the way `trifecta lsp <method>` does. */
export function ask(
  c: NativeServerCase,
  p: Project,
  method: LspMethod,
): Promise<QueryOutcome> {
  const abs = join(p.segment.root, c.ask);
  const at = method === "diagnostics" ? {} : { line: c.line, col: colOf(c) };
  return answerQuery(p.segment, { method, file: { abs, rel: c.ask }, ...at }, { env: p.env });
}

/** Check one full answer of the server for `method`. */
export function checkAnswer(c: NativeServerCase, method: LspMethod, r: LspResponse): void {
  assert.equal(r.fallback_reason, undefined, `${method}: ${r.message ?? ""} ${r.data?.note ?? ""}`);
  assert.equal(r.capability_state, "FULL");
  assert.equal(r.backend, c.backend);
  assert.equal(r.data?.source, "lsp");
  const locs = (r.data?.locations ?? []).map((l) => [l.path, l.line, l.col]);
  if (method === "definition") assert.deepEqual(locs, [c.definition]);
  if (method === "hover") assert.match(r.data?.contents ?? "", c.hover);
  if (method === "references") {
    for (const [path, line] of c.references) {
      assert.ok(locs.some(([p, l]) => p === path && l === line), `${path}:${line} in ${locs}`);
    }
  }
  if (method === "diagnostics") assert.deepEqual(r.data?.diagnostics, []);
}

/**
 * The CLI with the project's environment, and net permission on the
 * daemon's socket (Deno needs it for a Unix socket; the suite runs
 * without `--allow-net`, so the daemon is exercised through the CLI).
 */
async function cli(
  c: NativeServerCase,
  p: Project,
  ...args: string[]
): Promise<Record<string, unknown>> {
  const socket = daemonPaths(p.segment.root, p.env).socket;
  const env: Record<string, string> = { NO_COLOR: "1", ...(c.serverEnv?.(p.tmp) ?? {}) };
  for (const k of ["XDG_RUNTIME_DIR", "TRIFECTA_LSP_READY_TIMEOUT"]) env[k] = p.env(k) ?? "";
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...CLI_FLAGS, `--allow-net=unix:${socket}`, MAIN_TS, ...args],
    cwd: REPO_ROOT,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  assert.equal(out.code, 0, dec.decode(out.stderr));
  return JSON.parse(dec.decode(out.stdout));
}

/**
 * Start the project's daemon with the CLI, ask `methods` through it (each
 * answer checked, and counted by the daemon), then stop it.
 */
export async function checkDaemon(
  c: NativeServerCase,
  p: Project,
  methods: readonly LspMethod[],
): Promise<void> {
  const seg = ["-s", p.segment.root, "--json"];
  const started = await cli(c, p, "lsp", "daemon", "start", "--ttl", "600", ...seg);
  assert.equal(started.daemon, "started");
  try {
    for (const method of methods) {
      const at = `${c.ask}:${c.line}:${colOf(c)}`;
      const res = await cli(c, p, "lsp", method, at, "--require-lsp", ...seg);
      checkAnswer(c, method, res as unknown as LspResponse);
    }
    const status = await cli(c, p, "lsp", "daemon", "status", ...seg);
    assert.equal(status.queries, methods.length, "every question went through the daemon");
    assert.equal(status.state, "READY");
    assert.equal(status.backend, c.backend);
  } finally {
    const stopped = await cli(c, p, "lsp", "daemon", "stop", ...seg);
    assert.equal(stopped.daemon, "stopped");
  }
}

/** Names a suite's tests carry: `<server>: …` and `<server> absent: <Language> …`. */
export interface SuiteNames {
  /** The server's name in test names (`gopls`). */
  server: string;
  /** The language's name for people (`Go`). */
  language: string;
}

/**
 * Register the three tests of a native server's suite: one-shot to READY,
 * the warm daemon, and the AST fallback when the server is absent. Where
 * the server cannot run here, the first two are ignored and why is printed.
 */
export async function defineNativeServerTests(
  c: NativeServerCase,
  names: SuiteNames,
): Promise<void> {
  const skip = await skipReason(c);
  const oneShot =
    `${names.server}: one-shot definition, hover, references and diagnostics at READY`;
  const daemon = `${names.server}: the warm daemon answers definition, hover and references`;
  if (skip !== undefined) {
    console.log(`SKIPPED ${oneShot}: ${skip}`);
    console.log(`SKIPPED ${daemon}: ${skip}`);
  }

  Deno.test({ name: oneShot, ignore: skip !== undefined }, async () => {
    const p = await project(c, { TRIFECTA_LSP_DAEMON: "0" });
    try {
      for (const method of ["definition", "hover", "references", "diagnostics"] as const) {
        const out = await ask(c, p, method);
        assert.equal(out.via, "oneshot");
        assert.equal(out.state, "READY");
        checkAnswer(c, method, out.response);
      }
    } finally {
      await p.done();
    }
  });

  Deno.test({ name: daemon, ignore: skip !== undefined }, async () => {
    const p = await project(c);
    try {
      await checkDaemon(c, p, ["definition", "hover", "references"]);
    } finally {
      await p.done();
    }
  });

  Deno.test(
    `${names.server} absent: ${names.language} answers from the AST with lsp_binary_not_found`,
    async () => {
      const p = await project(c, { PATH: "", TRIFECTA_LSP_DAEMON: "0" });
      try {
        const out = await ask(c, p, "definition");
        assert.equal(out.response.fallback_reason, "lsp_binary_not_found");
        assert.equal(out.response.capability_state, "DEGRADED");
        assert.equal(out.response.data?.source, "ast");
        assert.deepEqual(out.response.data?.locations?.map((l) => [l.path, l.line, l.col]), [
          c.definition,
        ]);
      } finally {
        await p.done();
      }
    },
  );
}
