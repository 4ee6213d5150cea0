/**
 * Helpers for end-to-end tests: run the real CLI as a subprocess.
 *
 * @module
 */
import { fileURLToPath as fromFileUrl } from "node:url";
import { join, resolve } from "node:path";
import { permissionFlags, segmentArg } from "../../tools/permissions.ts";

/** Absolute path of the repository checkout. */
export const REPO_ROOT: string = fromFileUrl(new URL("../../", import.meta.url));

/** Absolute path of `main.ts`. */
export const MAIN_TS: string = fromFileUrl(new URL("../../main.ts", import.meta.url));

/** Absolute path of the example project. */
export const EXAMPLE_DIR: string = fromFileUrl(new URL("../../fixtures/example", import.meta.url));

/** What one CLI run produced. */
export interface CliResult {
  /** Exit code. */
  code: number;
  /** Standard output. */
  stdout: string;
  /** Standard error. */
  stderr: string;
}

/** Options for {@linkcode runCli}. */
export interface RunCliOptions {
  /** Working directory (default: the repository root). */
  cwd?: string;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Standard input to send. */
  stdin?: string;
  /** Permission flags instead of the computed narrow ones. */
  flags?: readonly string[];
  /**
   * `false` keeps this run's `_ctx/` and `.trifecta/` out of the no-PII scan:
   * only for a segment whose `_ctx/` the test itself planted with secrets (a
   * shipped pack), which is not something trifecta wrote.
   */
  piiScan?: boolean;
}

/**
 * Broad permission flags, for tests that must spawn the CLI with more: the
 * `lsp` and `mcp` tests configure other server commands (a fake server, a
 * missing binary) that the documented `--allow-run=<deno>` would refuse.
 * {@linkcode runCli} uses {@linkcode narrowFlags} for everything else;
 * tests/e2e/lsp_narrow_flags_test.ts runs `lsp` under the narrow flags.
 */
export const CLI_FLAGS: readonly string[] = [
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-run",
  "--allow-sys",
  "--unstable-raw-imports",
];

/** Absolute path of the checkout's `lib/` (the AST worker loads it). */
export const LIB_DIR: string = fromFileUrl(new URL("../../lib", import.meta.url));

/**
 * The documented narrow flags for the segment named by `-s` in `args`
 * (tools/permissions.ts): read the segment and `lib/`, write its `_ctx` and
 * `.trifecta`, run only Deno, env `TRIFECTA_*` and a few more.
 */
export function narrowFlags(
  args: readonly string[],
  cwd: string = REPO_ROOT,
  env: Record<string, string> = {},
): string[] {
  const extraWrite: string[] = [];
  const out = args.findIndex((a) => a === "-o" || a === "--output");
  const file = out >= 0 ? args[out + 1] : undefined;
  if (file !== undefined) extraWrite.push(resolve(cwd, file));
  if (env.TRIFECTA_TELEMETRY_DIR) extraWrite.push(resolve(cwd, env.TRIFECTA_TELEMETRY_DIR));
  return permissionFlags({ segment: segmentArg(args), cwd, codeDirs: [LIB_DIR], extraWrite });
}

function flagsFor(args: readonly string[], options: RunCliOptions): readonly string[] {
  if (options.flags) return options.flags;
  // See CLI_FLAGS: the lsp and mcp tests run other server commands.
  if (args[0] === "lsp" || args[0] === "mcp") return CLI_FLAGS;
  return narrowFlags(args, options.cwd ?? REPO_ROOT, options.env);
}

/** Run `deno run <flags> main.ts <args>` and collect its output. */
export async function runCli(
  args: readonly string[],
  options: RunCliOptions = {},
): Promise<CliResult> {
  const cwd = options.cwd ?? REPO_ROOT;
  const cmd = new Deno.Command(Deno.execPath(), {
    args: ["run", ...flagsFor(args, options), MAIN_TS, ...args],
    cwd,
    env: { NO_COLOR: "1", ...options.env },
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  });
  const child = cmd.spawn();
  if (options.stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(options.stdin));
    await w.close();
  }
  const out = await child.output();
  if (options.piiScan !== false) await keepForPiiScan(resolve(cwd, segmentArg(args)));
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

let scanCount = 0;
const SCAN_TAG = crypto.randomUUID().slice(0, 8);

/**
 * When `TRIFECTA_PII_SCAN_DIR` is set (the `test` task sets it), copy what
 * trifecta wrote into the segment (`_ctx/`, `.trifecta/`) there after every
 * run: the task's last step, tools/pii_scan.ts, scans it all after the suite.
 */
export async function keepForPiiScan(segment: string): Promise<void> {
  const scanDir = Deno.env.get("TRIFECTA_PII_SCAN_DIR");
  if (!scanDir) return;
  // Each test module has its own counter in the same process: a random part
  // keeps two modules' copies apart.
  const dest = `${scanDir}/${Deno.pid}-${SCAN_TAG}-${++scanCount}`;
  for (const name of ["_ctx", ".trifecta"]) {
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(`${segment}/${name}`);
    } catch (err) {
      if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory) continue;
      throw err;
    }
    if (info.isDirectory) await copyTree(`${segment}/${name}`, `${dest}/${name}`);
  }
}

/**
 * Remove a test's temporary segment, keeping what trifecta wrote into it for
 * the no-PII scan first (see {@linkcode keepForPiiScan}): every e2e test
 * removes its segments through here, whichever way it ran the CLI.
 */
export async function removeSegment(dir: string): Promise<void> {
  await keepForPiiScan(dir);
  await Deno.remove(dir, { recursive: true });
}

/**
 * Run `fn` in a fresh temporary segment holding `files` (segment-relative
 * path → text), then remove it (kept for the PII scan like every segment).
 */
export async function withTempSegment(
  files: Record<string, string>,
  fn: (dir: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-e2e-seg-" });
  try {
    for (const [rel, text] of Object.entries(files)) {
      await Deno.mkdir(join(dir, rel, ".."), { recursive: true });
      await Deno.writeTextFile(join(dir, rel), text);
    }
    await fn(dir);
  } finally {
    await removeSegment(dir);
  }
}
/** Copy a directory tree (for tests that modify a fixture). */
export async function copyTree(src: string, dest: string): Promise<void> {
  await Deno.mkdir(dest, { recursive: true });
  for await (const entry of Deno.readDir(src)) {
    const from = `${src}/${entry.name}`;
    const to = `${dest}/${entry.name}`;
    if (entry.isDirectory) await copyTree(from, to);
    else if (entry.isFile) await Deno.copyFile(from, to);
  }
}

/** A fresh temporary copy of the example project; remove it when done. */
export async function tempExample(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-e2e-" });
  await copyTree(EXAMPLE_DIR, dir);
  return dir;
}

/** True when `path` exists (a dangling link counts). */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

/** What {@linkcode runGuarded} gives back. */
export interface GuardedRun {
  /** False when the hang guard killed the process. */
  finished: boolean;
  /** Exit code. */
  code: number;
  /** Standard output (empty when not piped). */
  stdout: string;
  /** Standard error. */
  stderr: string;
}

/** Options for {@linkcode runGuarded}. */
export interface GuardedOptions {
  /** Kill the process (SIGKILL) if it has not exited by then: a hang guard, never a timing. */
  deadlineMs: number;
  /** Working directory. */
  cwd?: string;
  /** Environment (added to the test's own unless `clearEnv`). */
  env?: Record<string, string>;
  /** Start from an empty environment. */
  clearEnv?: boolean;
  /** Discard standard output instead of collecting it. */
  discardStdout?: boolean;
}

/**
 * Run `deno <args>` as a child process under a hang guard: a run still going
 * at `deadlineMs` is killed and comes back with `finished: false`, so a
 * hostile input that blocks (a FIFO, a catastrophic pattern) fails its test
 * instead of hanging the suite.
 */
export async function runGuarded(
  args: readonly string[],
  options: GuardedOptions,
): Promise<GuardedRun> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [...args],
    cwd: options.cwd,
    env: { NO_COLOR: "1", ...options.env },
    clearEnv: options.clearEnv,
    stdin: "null",
    stdout: options.discardStdout ? "null" : "piped",
    stderr: "piped",
  }).spawn();
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    child.kill("SIGKILL");
  }, options.deadlineMs);
  try {
    const out = await child.output();
    const dec = new TextDecoder();
    return {
      finished: !killed,
      code: out.code,
      stdout: options.discardStdout ? "" : dec.decode(out.stdout),
      stderr: dec.decode(out.stderr),
    };
  } finally {
    clearTimeout(timer);
  }
}

/** Every file under `dir` (recursive) as one text; empty when there is none. */
export async function allText(dir: string): Promise<string> {
  let out = "";
  try {
    for await (const e of Deno.readDir(dir)) {
      const p = `${dir}/${e.name}`;
      if (e.isDirectory) out += await allText(p);
      else if (e.isFile) out += await Deno.readTextFile(p);
    }
  } catch (err) {
    // A directory that does not exist (nothing written there) holds no text.
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  return out;
}
