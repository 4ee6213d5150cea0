/**
 * Runs documented commands the way a reader pastes them into a terminal: in
 * bash, from a copy of the checkout, one document's blocks in order in what
 * behaves like one shell session (variables and the working directory carry
 * over from block to block), with `deno` on PATH and the placeholders of
 * plan.ts filled in.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { keepForPiiScan, removeSegment, REPO_ROOT } from "../helpers.ts";

/** Top-level entries of the checkout that are not copied (state, outputs, history). */
const NOT_COPIED = new Set([".git", "dist", "_ctx", ".trifecta", "node_modules", "bench-corpus"]);

/** Directories never copied at any depth (what trifecta wrote into fixtures). */
const NEVER_COPIED = new Set(["_ctx", ".trifecta"]);

/** The loopback server that serves a directory over http (shared with url_run_test.ts). */
const SERVER = fileURLToPath(new URL("../serve_checkout.ts", import.meta.url));

/** A hang guard, not a timing assertion: a block still running after this is killed. */
const HANG_GUARD_MS = 300_000;

/** Whether util-linux's setsid is installed (it is on Debian and most Linux systems). */
const HAS_SETSID: boolean = (Deno.env.get("PATH") ?? "").split(":").some((d) => {
  try {
    return d !== "" && Deno.statSync(join(d, "setsid")).isFile;
  } catch (err) {
    // Not in this PATH entry: look in the next one.
    if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory) {
      return false;
    }
    throw err;
  }
});

/** One document's terminal: its directories and its shell state. */
export interface Session {
  /** Temporary root of everything below. */
  root: string;
  /** A copy of the checkout, served over http as `/trifecta/`; the working directory. */
  checkout: string;
  /** The segment (`/path/to/repo`, `$REPO`): a fresh copy of fixtures/example. */
  segment: string;
  /** Holds the `deno` that is put first on PATH. */
  bin: string;
  /** Where `/tmp/<name>` paths of the commands go. */
  scratch: string;
  /** The tiny corpus (`/work/bench-corpus`), made on first use. */
  corpus: string;
  /** Shell state (variables, working directory) after the last block. */
  state: string;
}

/** What one shell run produced. */
export interface ShellResult {
  /** Exit code of bash. */
  code: number;
  /** Standard output. */
  stdout: string;
  /** Standard error. */
  stderr: string;
}

/** Copy a tree, files and directories only, leaving out {@linkcode NEVER_COPIED}. */
async function copyDir(src: string, dest: string, skip: Set<string> = NEVER_COPIED): Promise<void> {
  await Deno.mkdir(dest, { recursive: true });
  for await (const e of Deno.readDir(src)) {
    if (skip.has(e.name) || NEVER_COPIED.has(e.name)) continue;
    if (e.isDirectory) await copyDir(join(src, e.name), join(dest, e.name));
    else if (e.isFile) await Deno.copyFile(join(src, e.name), join(dest, e.name));
  }
}

/** A fresh terminal for one document. */
export async function openSession(): Promise<Session> {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-doc-" }));
  const s: Session = {
    root,
    checkout: join(root, "www", "trifecta"),
    segment: join(root, "repo"),
    bin: join(root, "bin"),
    scratch: join(root, "scratch"),
    corpus: join(root, "corpus"),
    state: join(root, "state.sh"),
  };
  await copyDir(REPO_ROOT, s.checkout, NOT_COPIED);
  await copyDir(join(REPO_ROOT, "fixtures", "example"), s.segment);
  await Deno.mkdir(s.bin);
  await Deno.mkdir(s.scratch);
  // The reader's `deno` is the Deno that runs this test.
  await Deno.symlink(Deno.execPath(), join(s.bin, "deno"));
  await Deno.writeTextFile(
    s.state,
    `REPO=${shellQuote(s.segment)}\ncd ${shellQuote(s.checkout)}\n`,
  );
  return s;
}

/** Remove a session, keeping what trifecta wrote for the no-PII scan. */
export async function closeSession(s: Session): Promise<void> {
  await keepForPiiScan(s.checkout);
  for (const name of ["django", "large"]) await keepForPiiScan(join(s.corpus, name));
  await removeSegment(s.segment);
  await Deno.remove(s.root, { recursive: true });
}

/**
 * The tiny corpus that stands in for `/work/bench-corpus`: `django/` is the
 * example project plus one module of 120 small functions (bench/ctx_cli_latency.sh
 * takes every 60th distinct name as a query), `large/` adds fixtures/ast.
 */
export async function ensureCorpus(s: Session): Promise<string> {
  const django = join(s.corpus, "django");
  try {
    await Deno.stat(django);
    return s.corpus;
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  await copyDir(join(REPO_ROOT, "fixtures", "example"), django);
  // Letters only: the script's name pattern is [A-Za-z_]+.
  const letters = (i: number) => String.fromCharCode(97 + Math.floor(i / 26), 97 + (i % 26));
  const defs = Array.from({ length: 120 }, (_, i) => `def name_${letters(i)}(x):\n    return x\n`);
  await Deno.writeTextFile(join(django, "names.py"), defs.join("\n"));
  await copyDir(django, join(s.corpus, "large"));
  await copyDir(join(REPO_ROOT, "fixtures", "ast"), join(s.corpus, "large", "ast"));
  return s.corpus;
}

/**
 * `bench/mcp_bench.ts`'s calls for the tiny corpus: its built-in calls name
 * django files, which the stand-in corpus does not have.
 */
export const TINY_MCP_CALLS: string = JSON.stringify([
  ["skeleton", { path: "src/inventory/models.py", budget_tokens: 200000 }],
  ["symbol", { uri: "sym://python/type/src.inventory.models/Inventory" }],
  ["symbol", { uri: "sym://python/type/src.inventory.models/Inventory#add" }],
  ["snippet", { uri: "sym://python/type/src.inventory.models/Inventory#add", mode: "excerpt" }],
  ["definition", { file: "src/inventory/service.py", line: 11, column: 25 }],
  ["hover", { file: "src/inventory/service.py", line: 11, column: 25 }],
  ["references", { file: "src/inventory/models.py", line: 31, column: 7, limit: 50 }],
]);

/** Quote a string for bash. */
export function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/** Fill in the placeholders of plan.ts's PLACEHOLDERS. */
export function substitute(script: string, s: Session, port?: number): string {
  let out = script.replace(
    /(^|[\s="'(,:])\/tmp\/([\w.-]+)/gm,
    (_m, pre: string, name: string) => `${pre}${s.scratch}/${name}`,
  );
  out = out.replaceAll("/path/to/repo", s.segment);
  out = out.replace(/\/work\/bench-corpus\b/g, s.corpus);
  out = out.replace(/\bsrc\.pkg\.mod\b/g, "src.inventory.models");
  if (port !== undefined) out = out.replaceAll("host:port", `127.0.0.1:${port}`);
  return out;
}

/** The shell that runs one block: state in, `set -e` semantics, state out. */
const WRAPPER = `
__tf_base=" $(compgen -v | tr '\\n' ' ') "
source "$1"
set -eEuo pipefail
trap 'printf "doc-commands: line %s of the block failed (exit %s): %s\\n" "$LINENO" "$?" "$BASH_COMMAND" >&2' ERR
source "$2"
trap - ERR
set +eEu +o pipefail
if [ -n "$3" ]; then
  {
    for __tf_v in $(compgen -v); do
      case "$__tf_base" in *" $__tf_v "*) continue ;; esac
      case "$__tf_v" in __tf_*|BASH*|PIPESTATUS|FUNCNAME|LINENO|RANDOM|SECONDS|PWD|OLDPWD|_) continue ;; esac
      __tf_d=$(declare -p "$__tf_v" 2>/dev/null) || continue
      __tf_f=\${__tf_d#declare -}
      case "\${__tf_f%% *}" in *r*) continue ;; esac
      printf '%s\\n' "$__tf_d"
    done
    printf 'cd %q\\n' "$PWD"
  } > "$3.new" && mv "$3.new" "$3"
fi
`;

/** The environment of a reader's terminal: this one's, without test-only settings. */
function readerEnv(s: Session, extra: Record<string, string>): Record<string, string> {
  const env = Deno.env.toObject();
  for (const k of Object.keys(env)) {
    // NO_COLOR and friends: a reader's terminal has colour; INIT_CWD: set by
    // `deno task`/npm, it would make `deno task cli` target the outer checkout.
    if (k.startsWith("TRIFECTA_") || k === "NO_COLOR" || k === "INIT_CWD") delete env[k];
    if (k.startsWith("npm_")) delete env[k];
  }
  env.PATH = `${s.bin}:${env.PATH ?? "/usr/bin:/bin"}`;
  return { ...env, ...extra };
}

/** Options for {@linkcode runShell}. */
export interface RunShellOptions {
  /** Start from the session's state and save it afterwards (blocks); else start fresh (inline commands). */
  keepState: boolean;
  /** Extra environment variables. */
  env?: Record<string, string>;
}

/** Run a script as a pasted block and collect its output. */
export async function runShell(
  s: Session,
  script: string,
  options: RunShellOptions,
): Promise<ShellResult> {
  const dir = await Deno.makeTempDir({ dir: s.root, prefix: "run-" });
  const wrapper = join(dir, "wrapper.sh");
  const block = join(dir, "block.sh");
  let state = s.state;
  if (!options.keepState) {
    state = join(dir, "state.sh");
    await Deno.writeTextFile(
      state,
      `REPO=${shellQuote(s.segment)}\ncd ${shellQuote(s.checkout)}\n`,
    );
  }
  await Deno.writeTextFile(wrapper, WRAPPER);
  await Deno.writeTextFile(block, script + "\n");
  const bash = ["bash", wrapper, state, block, options.keepState ? s.state : ""];
  // setsid makes bash a process-group leader, so a hung block goes with all it started.
  const [cmd = "bash", ...args] = HAS_SETSID ? ["setsid", ...bash] : bash;
  const child = new Deno.Command(cmd, {
    args,
    cwd: s.checkout,
    env: readerEnv(s, options.env ?? {}),
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const guard = setTimeout(() => killGroup(child.pid), HANG_GUARD_MS);
  try {
    const out = await child.output();
    const dec = new TextDecoder();
    return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
  } finally {
    clearTimeout(guard);
    await Deno.remove(dir, { recursive: true });
  }
}

function killGroup(pid: number): void {
  try {
    Deno.kill(HAS_SETSID ? -pid : pid, "SIGKILL");
  } catch (err) {
    // The group is gone already: nothing left to stop.
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
}

/** A running loopback server for `host:port`. */
export interface Served {
  /** Its port on 127.0.0.1. */
  port: number;
  /** Stop it. */
  stop(): Promise<void>;
}

/** Serve the session's `www/` (so `/trifecta/` is the checkout copy) on 127.0.0.1. */
export async function serve(s: Session): Promise<Served> {
  const www = join(s.root, "www");
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net=127.0.0.1", `--allow-read=${www}`, SERVER, www],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the loopback server exited before printing its port");
    text += value;
  }
  return {
    port: Number(text.trim()),
    stop: async () => {
      child.kill("SIGTERM");
      await reader.cancel();
      await child.status;
    },
  };
}
