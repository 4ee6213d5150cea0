/**
 * Helpers for end-to-end tests: run the real CLI as a subprocess.
 *
 * @module
 */
import { fileURLToPath as fromFileUrl } from "node:url";

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
}

/** Permission flags the e2e tests run the CLI with (the documented ones). */
export const CLI_FLAGS: readonly string[] = [
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-run",
  "--allow-sys",
  "--unstable-raw-imports",
];

/** Run `deno run <flags> main.ts <args>` and collect its output. */
export async function runCli(
  args: readonly string[],
  options: RunCliOptions = {},
): Promise<CliResult> {
  const cmd = new Deno.Command(Deno.execPath(), {
    args: ["run", ...CLI_FLAGS, MAIN_TS, ...args],
    cwd: options.cwd ?? REPO_ROOT,
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
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
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
