/**
 * The read sandbox of a language server run by Deno from npm (a registry
 * candidate's `npm`, e.g. pyright): the server may read the segment, its
 * own package (pyright's bundled typeshed stubs) and the search paths its
 * interpreter reports (Python's standard library and installed packages),
 * and nothing else. A server config, an import such as `from ..outside
 * import x`, a `.pth` file or a symlink naming anything else meets Deno's
 * permission check and the server sees no file there.
 *
 * The grants are computed when a server is spawned, by a child `deno eval`
 * (trifecta itself may run without the grants to run an interpreter or read
 * `HOME`): it runs the candidate's `searchPathProbe` commands in order
 * (pyright's: `python3`, else `python`, printing `sys.path`) and finds the
 * package's directory in Deno's npm cache. The probe is data, so this
 * module names no server and no language. A search path that is the
 * segment root or one of its ancestors (`PYTHONPATH=..`) is never granted:
 * it would open everything the sandbox closes. Paths inside the segment are
 * covered by the root's grant.
 *
 * @module
 */
import { isAbsolute, normalize } from "../path.ts";
import { isWithin } from "../segment/contain.ts";
import type { ServerSpec } from "../languages/types.ts";

/** A server run by Deno from npm, as its sandbox needs it. */
export interface NpmServer {
  /** Package name (`pyright`). */
  pkg: string;
  /** Its pinned version: the package's directory in Deno's npm cache is granted. */
  version: string;
  /** What Deno runs (`npm:<pkg>@<version>/<entry>`). */
  specifier: string;
  /** Commands printing search paths as a JSON array, tried in order (may be empty). */
  searchPathProbe: readonly (readonly string[])[];
  /** Executables that serve without Deno (named in a miss's fix). */
  names: readonly string[];
}

/**
 * The npm server of a registry candidate, or undefined when it has none
 * (no `npm`, or no `npmSpecifier` pinning an exact version of it).
 *
 * @example
 * ```ts
 * import { npmServerOf } from "./sandbox.ts";
 * import { equal } from "node:assert/strict";
 * const spec = { backend: "b", names: ["srv"], args: [], env: "E", languageId: "x" };
 * equal(npmServerOf({ ...spec, npm: "srv", npmSpecifier: "npm:srv@1.2.3/main.js" })?.version, "1.2.3");
 * equal(npmServerOf({ ...spec, npm: "srv", npmSpecifier: "npm:srv@^1/main.js" }), undefined);
 * equal(npmServerOf(spec), undefined);
 * ```
 */
export function npmServerOf(spec: ServerSpec): NpmServer | undefined {
  const { npm, npmSpecifier } = spec;
  if (npm === undefined || npmSpecifier === undefined) return undefined;
  const prefix = `npm:${npm}@`;
  if (!npmSpecifier.startsWith(prefix)) return undefined;
  const version = npmSpecifier.slice(prefix.length).split("/")[0] ?? "";
  // An exact version names one cache directory; a range does not.
  if (!/^[0-9][0-9A-Za-z.+-]*$/.test(version)) return undefined;
  return {
    pkg: npm,
    version,
    specifier: npmSpecifier,
    searchPathProbe: spec.searchPathProbe ?? [],
    names: spec.names,
  };
}

/** Longest the probe may take, a first download of pyright included (ms). */
export const PROBE_TIMEOUT_MS = 120_000;

/** Most bytes of probe output read. */
export const PROBE_MAX_BYTES = 1024 * 1024;

/** What the probe found, before filtering against a segment. */
export interface SandboxProbe {
  /** Search paths the probe commands printed (and their real paths): `sys.path` for pyright. */
  searchPaths: string[];
  /** The server's package directory in Deno's npm cache (and its real path), or empty. */
  npmPkgDirs: string[];
  /** Why the package directory was not found, when it was not. */
  npmMiss?: string;
}

/** Read grants for one segment. */
export interface SandboxGrants {
  /** Absolute paths for `--allow-read=`. */
  grants: string[];
  /** Search paths left out, with why (for the docs and tests; never secret). */
  dropped: string[];
}

/** Why the server cannot be sandboxed. */
export interface SandboxMiss {
  /** Always `server_not_sandboxed`. */
  reason: "server_not_sandboxed";
  /** What failed and how to fix it. */
  detail: string;
}

/** The probe for `server`: plain JavaScript run by `deno eval` in the child, printing one JSON line. */
function probeCode(server: NpmServer): string {
  const config = {
    pkg: server.pkg,
    version: server.version,
    specifier: server.specifier,
    probes: server.searchPathProbe,
  };
  return `
const SERVER = ${JSON.stringify(config)};
const MAX = ${PROBE_MAX_BYTES};
const env = (k) => { try { return Deno.env.get(k) ?? ""; } catch { return ""; } };
async function capped(cmd, args) {
  let child;
  try {
    child = new Deno.Command(cmd, { args, stdin: "null", stdout: "piped", stderr: "null" }).spawn();
  } catch { return undefined; } // not installed, or not runnable
  const chunks = [];
  let n = 0;
  for await (const c of child.stdout) {
    n += c.length;
    if (n > MAX) { try { child.kill("SIGKILL"); } catch { /* gone */ } break; }
    chunks.push(c);
  }
  const st = await child.status;
  if (!st.success || n > MAX) return undefined;
  const all = new Uint8Array(n);
  let o = 0;
  for (const c of chunks) { all.set(c, o); o += c.length; }
  return new TextDecoder().decode(all);
}
function withReal(p) {
  try { const r = Deno.realPathSync(p); return r === p ? [p] : [p, r]; } catch { return []; }
}
async function searchPaths() {
  for (const [exe, ...args] of SERVER.probes) {
    const out = await capped(exe, args);
    if (out === undefined) continue;
    try {
      const v = JSON.parse(out);
      if (Array.isArray(v)) return v.filter((x) => typeof x === "string" && x.startsWith("/")).flatMap(withReal);
    } catch { /* not JSON: try the next name */ }
  }
  return [];
}
function cacheRoot() {
  const dir = env("DENO_DIR");
  if (dir) return dir;
  const home = env("HOME");
  if (Deno.build.os === "darwin") return home ? home + "/Library/Caches/deno" : "";
  const xdg = env("XDG_CACHE_HOME");
  if (xdg) return xdg + "/deno";
  return home ? home + "/.cache/deno" : "";
}
function host() {
  const reg = env("NPM_CONFIG_REGISTRY");
  if (!reg) return "registry.npmjs.org";
  try { return new URL(reg).hostname; } catch { return ""; }
}
function pkgDir() {
  const root = cacheRoot();
  const h = host();
  if (!root.startsWith("/") || !h) return { miss: "no absolute Deno cache directory (DENO_DIR, XDG_CACHE_HOME or HOME)" };
  const dir = root + "/npm/" + h + "/" + SERVER.pkg + "/" + SERVER.version;
  try { if (Deno.statSync(dir + "/package.json").isFile) return { dirs: withReal(dir) }; } catch { /* absent */ }
  return { miss: SERVER.pkg + " " + SERVER.version + " is not in Deno's npm cache at " + dir };
}
let pkg = pkgDir();
if (pkg.miss && !pkg.miss.startsWith("no ")) {
  // First use: let Deno fetch it, as the server's own start would.
  await capped(Deno.execPath(), ["cache", "--no-config", "--quiet", SERVER.specifier]);
  pkg = pkgDir();
}
console.log(JSON.stringify({ search_paths: await searchPaths(), npm_pkg_dirs: pkg.dirs ?? [], npm_miss: pkg.miss ?? null }));
`;
}

const probes = new Map<string, Promise<SandboxProbe | SandboxMiss>>();

/** True for a {@linkcode SandboxMiss}. */
export function isSandboxMiss(x: unknown): x is SandboxMiss {
  return typeof x === "object" && x !== null &&
    (x as { reason?: unknown }).reason === "server_not_sandboxed";
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

async function readCapped(stream: ReadableStream<Uint8Array>): Promise<string | undefined> {
  const chunks: Uint8Array[] = [];
  let n = 0;
  for await (const c of stream) {
    n += c.length;
    if (n > PROBE_MAX_BYTES) return undefined; // the loop's exit cancels the stream
    chunks.push(c);
  }
  const all = new Uint8Array(n);
  let o = 0;
  for (const c of chunks) {
    all.set(c, o);
    o += c.length;
  }
  return new TextDecoder().decode(all);
}

async function runProbe(
  cwd: string,
  server: NpmServer,
  timeoutMs: number,
): Promise<SandboxProbe | SandboxMiss> {
  const onPath = server.names.length > 0 ? `, or put ${server.names.join(" or ")} on PATH` : "";
  const miss = (why: string): SandboxMiss => ({
    reason: "server_not_sandboxed",
    detail:
      `${server.pkg} from npm runs only with its reads limited to the segment, and ${why}. Set DENO_DIR to Deno's cache directory (or run \`deno cache ${server.specifier}\`)${onPath}.`,
  });
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(Deno.execPath(), {
      args: [
        "eval",
        "--no-config",
        "--no-prompt",
        "--allow-run",
        "--allow-env",
        "--allow-read",
        probeCode(server),
      ],
      cwd,
      stdin: "null",
      stdout: "piped",
      stderr: "null",
      signal: AbortSignal.timeout(timeoutMs),
    }).spawn();
  } catch (err) {
    // No grant to run Deno (or no Deno): the server could not be spawned either.
    if (err instanceof Deno.errors.NotCapable || err instanceof Deno.errors.NotFound) {
      return miss("the probe for its read grants could not run (no --allow-run for deno)");
    }
    throw err;
  }
  const text = await readCapped(child.stdout);
  if (text === undefined) {
    try {
      child.kill("SIGKILL");
    } catch (err) {
      // It ended meanwhile.
      if (!(err instanceof TypeError)) throw err;
    }
  }
  const status = await child.status;
  if (text === undefined || !status.success) {
    return miss("the probe for its read grants failed or timed out");
  }
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text.trim().split("\n").at(-1) ?? "");
  } catch (err) {
    if (err instanceof SyntaxError) return miss("the probe for its read grants printed no JSON");
    throw err;
  }
  const npmPkgDirs = strings(parsed.npm_pkg_dirs);
  const probe: SandboxProbe = { searchPaths: strings(parsed.search_paths), npmPkgDirs };
  if (npmPkgDirs.length === 0) {
    return miss(
      typeof parsed.npm_miss === "string"
        ? parsed.npm_miss.slice(0, 500)
        : "its package directory was not found",
    );
  }
  return probe;
}

/** Options for {@linkcode probeSandbox}. */
export interface ProbeOptions {
  /** Longest the probe may take (ms, default {@linkcode PROBE_TIMEOUT_MS}). */
  timeoutMs?: number;
}

/**
 * Find the server's package directory and its search paths, in a child
 * `deno eval` run from `cwd` (the segment root: the server runs there
 * too). A successful result is kept for the process.
 */
export function probeSandbox(
  cwd: string,
  server: NpmServer,
  options: ProbeOptions = {},
): Promise<SandboxProbe | SandboxMiss> {
  const key = `${server.specifier}\n${cwd}`;
  const kept = probes.get(key);
  if (kept) return kept;
  const p = runProbe(cwd, server, options.timeoutMs ?? PROBE_TIMEOUT_MS);
  probes.set(key, p);
  // A failure (a timeout, a first download cut off) is tried again next time.
  p.then((r) => {
    if (isSandboxMiss(r)) probes.delete(key);
  }, () => probes.delete(key));
  return p;
}

/** True for a path Deno's comma-separated flag list carries as one path. */
function grantable(p: string): boolean {
  // deno-lint-ignore no-control-regex -- these are the characters refused on purpose
  return isAbsolute(p) && p.length <= 4096 && !/[,\u0000-\u001f\u007f]/.test(p);
}

/**
 * The read grants for a segment: its root, the server's package directory, and
 * each search path that is neither the root, an ancestor of it, nor inside
 * it (those inside are covered by the root).
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { sandboxGrants } from "./sandbox.ts";
 * const grants = sandboxGrants("/w/seg", {
 *   npmPkgDirs: ["/c/npm/registry.npmjs.org/pyright/1.1.414"],
 *   searchPaths: ["/usr/lib/python3.12", "/w", "/w/seg/src"],
 * });
 * deepEqual(grants, {
 *   grants: ["/w/seg", "/c/npm/registry.npmjs.org/pyright/1.1.414", "/usr/lib/python3.12"],
 *   dropped: ["/w (contains the segment)"],
 * });
 * ```
 */
export function sandboxGrants(root: string, probe: SandboxProbe): SandboxGrants | SandboxMiss {
  if (!grantable(root)) {
    return {
      reason: "server_not_sandboxed",
      detail:
        "the segment's path holds a comma or a control character, which Deno's --allow-read list cannot carry; choose a segment path without them.",
    };
  }
  const grants = [root];
  const dropped: string[] = [];
  for (const raw of [...probe.npmPkgDirs, ...probe.searchPaths]) {
    if (!grantable(raw)) {
      dropped.push(`${JSON.stringify(raw).slice(0, 200)} (not a plain absolute path)`);
      continue;
    }
    const p = normalize(raw);
    if (isWithin(p, root)) {
      dropped.push(`${p} (contains the segment)`);
      continue;
    }
    if (isWithin(root, p) || grants.includes(p)) continue;
    grants.push(p);
  }
  if (!probe.npmPkgDirs.some((d) => grants.includes(normalize(d)))) {
    return {
      reason: "server_not_sandboxed",
      detail:
        "the server's package directory contains the segment, so granting it would grant everything; move the segment or set DENO_DIR elsewhere.",
    };
  }
  return { grants, dropped };
}
