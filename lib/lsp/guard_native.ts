/**
 * The server-config rule of the segment guard for native servers
 * (lib/lsp/guard_config.ts has the rule itself): the paths clangd's
 * compile flags (`compile_flags.txt`, `compile_commands.json`, `.clangd`)
 * and gopls' module files (`go.mod`, `go.work`) make the server read. Each
 * reader returns the paths to judge, absolute or relative to the config's
 * directory, or undefined when the file holds what is not understood here
 * (a response file, a shell escape): it then fails closed.
 *
 * @module
 */
import { isAbsolute, resolve } from "../path.ts";
import type { ConfigFormat } from "../languages/types.ts";

/** Flags whose value is a path the compiler front end reads (longest first: prefixes match). */
const PATH_FLAGS: readonly string[] = [
  "-I",
  "-isystem",
  "-iquote",
  "-idirafter",
  "-iprefix",
  "-iwithprefix",
  "-iwithprefixbefore",
  "-cxx-isystem",
  "-include",
  "-imacros",
  "-include-pch",
  "-isysroot",
  "--sysroot",
  "-F",
  "-iframework",
  "-ivfsoverlay",
  "--include-directory",
  "--include-directory-after",
  "--include",
  "-fmodule-file",
  "-fmodule-map-file",
  "-fmodules-cache-path",
  "-fprebuilt-module-path",
  "--gcc-toolchain",
  "--config",
  "-B",
].sort((a, b) => b.length - a.length);

/**
 * System directories a compiler reads anyway (its headers and runtime):
 * naming them in flags opens nothing new, as a server's own library does
 * not (pyright's typeshed, `site-packages`).
 */
const SYSTEM_DIRS = /^\/usr\/(local\/)?include(\/|$)|^\/usr\/lib(\/|$)/;

/**
 * The paths a compiler command line makes clangd read: its sources and the
 * values of path flags (`-Idir`, `-I dir`, `--sysroot=dir`), system
 * directories left out. Undefined for a response file (`@file`): its flags
 * are not seen here.
 */
export function flagPaths(args: readonly string[]): string[] | undefined {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? "";
    if (a.startsWith("@")) return undefined;
    if (!a.startsWith("-")) {
      out.push(a);
      continue;
    }
    const flag = PATH_FLAGS.find((f) => a === f || a.startsWith(f));
    if (flag === undefined) continue;
    if (a === flag) {
      out.push(args[i + 1] ?? "");
      i++;
    } else out.push(a.slice(flag.length).replace(/^=/, ""));
  }
  return out.filter((p) => p !== "" && !SYSTEM_DIRS.test(p));
}

/** Words of a shell command line; undefined when it escapes or substitutes (not judged). */
function shellWords(command: string): string[] | undefined {
  if (/[\\$`]/.test(command)) return undefined;
  const words: string[] = [];
  for (const m of command.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) {
    words.push(m[1] ?? m[2] ?? m[3] ?? "");
  }
  return words;
}

/** The paths of one `compile_commands.json` entry, resolved against its directory. */
function entryPaths(entry: unknown, configDir: string): string[] | undefined {
  if (!entry || typeof entry !== "object") return undefined;
  const e = entry as Record<string, unknown>;
  const dir = typeof e.directory === "string" ? resolve(configDir, e.directory) : configDir;
  const args = Array.isArray(e.arguments)
    ? e.arguments.filter((a): a is string => typeof a === "string")
    : typeof e.command === "string"
    ? shellWords(e.command)
    : undefined;
  if (args === undefined) return undefined;
  // The first word is the compiler: clangd does not read it (no --query-driver).
  const paths = flagPaths(args.slice(1));
  if (paths === undefined) return undefined;
  const file = typeof e.file === "string" ? [e.file] : [];
  return [dir, ...file, ...paths].map((p) => (isAbsolute(p) ? p : resolve(dir, p)));
}

/** The paths of a compile database, or undefined when it is not one understood here. */
function compileCommandsPaths(text: string, configDir: string): string[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    // Not JSON: clangd would not use it, but it is not judged either (fail closed).
    if (err instanceof SyntaxError) return undefined;
    throw err;
  }
  if (!Array.isArray(parsed)) return undefined;
  const out: string[] = [];
  for (const entry of parsed) {
    const paths = entryPaths(entry, configDir);
    if (paths === undefined) return undefined;
    out.push(...paths);
  }
  return out;
}

/**
 * The paths of a `.clangd` file, read as words (YAML keys left out): every
 * flag it adds and every value its keys name (`CompilationDatabase`, an
 * external index `File`) is judged as a path, wherever it stands.
 */
function clangdPaths(text: string): string[] | undefined {
  const words = text.split(/\r?\n/).map((l) => l.replace(/(^|\s)#.*$/, "")).join("\n")
    .split(/[\s,[\]{}"']+/).filter((w) => w !== "" && !w.endsWith(":"));
  return flagPaths(words);
}

/**
 * The local paths of a `go.mod` or `go.work`: `replace … => ./dir` targets
 * (a path starting with `./`, `../` or `/`, as Go tells them from module
 * paths) and `use` directories.
 */
function goModPaths(text: string): string[] {
  const out: string[] = [];
  let block: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\/\/.*$/, "").trim();
    if (line === ")") {
      block = undefined;
      continue;
    }
    const open = /^(replace|use)\s*\($/.exec(line);
    if (open) {
      block = open[1];
      continue;
    }
    const stmt = /^(replace|use)\s+(.*)$/.exec(line);
    const kind = stmt ? stmt[1] : block;
    const body = stmt ? stmt[2] ?? "" : line;
    if (kind === "use") out.push(body.replace(/^"|"$/g, ""));
    if (kind === "replace") {
      const target = (body.split("=>")[1] ?? "").trim().split(/\s+/)[0] ?? "";
      if (/^(\.\.?\/|\/|\.\.?$)/.test(target)) out.push(target);
    }
  }
  return out;
}

/**
 * The paths a native server config makes its server read, or undefined
 * when it cannot be judged (see the module doc).
 */
export function nativeConfigPaths(
  text: string,
  format: ConfigFormat,
  configDir: string,
): string[] | undefined {
  if (format === "compile_flags") return flagPaths(text.split(/\r?\n/).map((l) => l.trim()));
  if (format === "compile_commands") return compileCommandsPaths(text, configDir);
  if (format === "clangd") return clangdPaths(text);
  if (format === "gomod") return goModPaths(text);
  return undefined; // a format not read here is not judged: fail closed
}
