/**
 * Absolute paths in what an error prints. An error card goes to a person and,
 * as often, to an agent that forwards it to a remote model: it may name the
 * segment and what the user typed, but not where a hostile symlink leads or
 * the layout of the user's home directory. Paths inside the segment, paths
 * the user gave on the command line and trifecta's own locations (Deno, the
 * daemon's runtime directory, the checkout's code, the `PATH` directories
 * that language servers are found in) stay; any other absolute path or
 * `file://` URI is replaced by {@linkcode OUTSIDE_PATH}. The CLI's cards and
 * the MCP server's tool errors use the same rules (`errors.ts`). Imports
 * nothing heavy: the fast path renders errors too.
 *
 * @module
 */
import { optionalEnv } from "../env.ts";

/** What an absolute path outside the segment is printed as. */
export const OUTSIDE_PATH = "<path outside the segment>";

/** Where trifecta's own code lives (`<checkout>/`), for stack traces. */
const CODE_ROOT = import.meta.url.startsWith("file:")
  ? decodeURIComponent(new URL("../../", import.meta.url).pathname)
  : undefined;

/** What an error may name in full. */
export interface PathScope {
  /** Real path of the segment root, when it was resolved. */
  segmentRoot?: string;
  /** Absolute paths (or prefixes) the user named or trifecta owns. */
  keep: string[];
  /**
   * Masks secrets in a text before paths are looked at (lib/secrets.ts,
   * loaded only when an error is printed).
   */
  maskSecrets?: (text: string) => string;
}

/**
 * Scheme URLs, quoted absolute paths, home-relative paths (`~/…`) and bare
 * absolute paths, in that order at a position. A slash after a word, a dot,
 * a placeholder (`<segment>/_ctx`, `$REPO/_ctx`) or another path character
 * does not start a path.
 */
const PATH_IN_TEXT =
  /(?<url>\b[a-zA-Z][\w+.-]*:\/\/[^\s'"`<>]*)|(?<q>['"`])(?<quoted>\/[^'"`\n]*)\k<q>|(?<![\w.~\\/$>}%*@-])(?<home>~\/[^\s'"`<>|,;()[\]{}]*)|(?<![\w.~\\/$>}%*@-])(?<bare>\/[^\s'"`<>|,;()[\]{}]*)/g;

function under(path: string, prefix: string): boolean {
  if (prefix === "" || prefix === "/") return prefix === "/";
  const p = prefix.endsWith("/") ? prefix.slice(0, -1) : prefix;
  return path === p || path.startsWith(p + "/");
}

/** The daemon's fallback runtime directory, `/tmp/trifecta-<uid>` (lib/lsp/daemon_paths.ts). */
const TMP_RUNTIME_DIR = /^\/tmp\/trifecta-[\w.-]+(?:\/|$)/;

function kept(path: string, scope: PathScope): boolean {
  if (scope.segmentRoot !== undefined && under(path, scope.segmentRoot)) return true;
  if (TMP_RUNTIME_DIR.test(path)) return true;
  return scope.keep.some((k) => under(path, k));
}

/** A path of trifecta's own code becomes `<trifecta>/lib/…` (stack traces stay useful). */
function ownCode(path: string): string | undefined {
  if (CODE_ROOT === undefined || !path.startsWith(CODE_ROOT)) return undefined;
  return `<trifecta>/${path.slice(CODE_ROOT.length)}`;
}

function cleanPath(path: string, scope: PathScope): string {
  // A location suffix (`:12:3`) and sentence punctuation are not the path.
  const m = /^(.*?)((?::\d+)*[.,:;!?)]*)$/.exec(path);
  const body = m?.[1] || path;
  const tail = m?.[1] ? m[2] ?? "" : "";
  // The root alone names no file (a message quoting a leading '/').
  if (body === "/" || kept(body, scope)) return path;
  const own = ownCode(body);
  return (own ?? OUTSIDE_PATH) + tail;
}

function cleanUrl(url: string, scope: PathScope): string {
  if (!/^file:/i.test(url)) return url;
  let path: string;
  try {
    path = decodeURIComponent(new URL(url).pathname);
  } catch {
    // Not a parsable URI: nothing of it can be shown safely.
    return OUTSIDE_PATH;
  }
  const cleaned = cleanPath(path, scope);
  return cleaned === path ? url : cleaned;
}

/**
 * Replace absolute paths and `file://` URIs that `scope` does not cover.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { redactErrorPaths } from "./error_paths.ts";
 * const text = "link.py leads to /home/alice/.ssh/id_rsa";
 * equal(
 *   redactErrorPaths(text, { segmentRoot: "/repo", keep: [] }),
 *   "link.py leads to <path outside the segment>",
 * );
 * const rule = "no leading '/', no '..' parts";
 * equal(redactErrorPaths(rule, { segmentRoot: "/repo", keep: [] }), rule);
 * ```
 */
export function redactErrorPaths(input: string, scope: PathScope): string {
  const text = scope.maskSecrets ? scope.maskSecrets(input) : input;
  if (!text.includes("/")) return text;
  PATH_IN_TEXT.lastIndex = 0;
  return text.replace(PATH_IN_TEXT, (...args: unknown[]) => {
    const g = args[args.length - 1] as Record<string, string | undefined>;
    if (g.url !== undefined) return cleanUrl(g.url, scope);
    if (g.quoted !== undefined) return `${g.q}${cleanPath(g.quoted, scope)}${g.q}`;
    if (g.home !== undefined) return OUTSIDE_PATH;
    return cleanPath(g.bare ?? "", scope);
  });
}

function absoluteIn(arg: string): string[] {
  const out: string[] = [];
  for (const part of arg.split(/[=,]/)) if (part.startsWith("/")) out.push(part);
  return out;
}

/**
 * The scope of one run: its segment (when resolved), the absolute paths in
 * its arguments (the CLI's argv; none for the MCP server, whose tools take
 * segment-relative paths), Deno, the daemon's runtime directory and the
 * `PATH` directories.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { pathScope } from "./error_paths.ts";
 * const scope = pathScope(["-s", "/srv/repo", "--output=/tmp/o.csv"], "/srv/repo");
 * ok(scope.keep.includes("/tmp/o.csv"));
 * ```
 */
export function pathScope(argv: readonly string[], segmentRoot?: string): PathScope {
  const keep = argv.flatMap(absoluteIn);
  keep.push(Deno.execPath());
  const xdg = optionalEnv("XDG_RUNTIME_DIR");
  if (xdg?.startsWith("/")) keep.push(`${xdg.replace(/\/+$/, "")}/trifecta`);
  for (const dir of (optionalEnv("PATH") ?? "").split(":")) {
    if (dir.startsWith("/") && dir !== "/") keep.push(dir);
  }
  return { segmentRoot, keep: keep.map((k) => (k.length > 1 ? k.replace(/\/+$/, "") : k)) };
}
