/**
 * Hostile worlds: a copy of fixtures/example as the segment, an outside
 * directory beside it, and the markers and secrets that must never leak.
 *
 * @module
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { EXAMPLE_DIR, keepForPiiScan } from "../helpers.ts";

/** Words written next to every marker, so plain searches find hostile chunks. */
export const CANARY_WORDS: readonly string[] = ["quokkacanary", "zebrawhistle"];

/** Directory of the helper scripts (fake daemon, flooding server, swapper). */
export const FIXTURE_DIR: string = fileURLToPath(new URL("./fixtures/", import.meta.url));

/** Error codes that mean "refused by the read boundary" (lib/segment/boundary.ts). */
export const REFUSED: readonly string[] = [
  "PATH_OUTSIDE_SEGMENT",
  "PATH_DENIED",
  "SYMLINK_LOOP",
  "NOT_A_REGULAR_FILE",
  "FILE_CHANGED_DURING_READ",
];

/** The walker's skip reasons (contract, lib/segment); reports name no others. */
export const SKIP_REASONS: readonly string[] = [
  "denied",
  "symlink_outside_segment",
  "symlink_to_denied",
  "symlink_loop",
  "unreadable",
  "invalid_name",
  "path_too_long",
  "vanished",
  "not_regular_file",
  "changed_during_read",
  "private_key_content",
  "too_large",
  "binary",
  "secret_in_name",
  "too_complex",
];

/** One unique string that must never leave the file that holds it. */
export interface Marker {
  /** What it marks (letters and digits only). */
  kind: string;
  /** The whole marker, a valid identifier: `TRIFECTA_MARKER_<kind>_<token>`. */
  value: string;
  /** The random part the scanner looks for. */
  token: string;
  /** A search term that prefix-matches the marker without containing the token. */
  query: string;
}

function randomToken(length: number): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  // A letter first: FTS and identifiers treat a leading digit differently.
  return [...bytes].map((b, i) => alphabet.charAt(b % (i === 0 ? 26 : alphabet.length))).join("");
}

/** A fresh marker of `kind`. */
export function newMarker(kind: string): Marker {
  const token = randomToken(16);
  return {
    kind,
    token,
    value: `TRIFECTA_MARKER_${kind}_${token}`,
    query: `TRIFECTA_MARKER_${kind}_${token.slice(0, 8)}`,
  };
}

/** A random string of letters and digits (for fake secrets). */
export function randomAlnum(length: number, upper = false): string {
  const t = randomToken(length);
  return upper ? t.toUpperCase() : t;
}

/**
 * Content for a hostile file named `rel`, carrying `m` in every place a
 * reader could surface it: Python symbols (name, signature, doc line,
 * constant), a Markdown heading, a config value, plain text.
 */
export function markedContent(m: Marker, rel: string): string {
  const words = CANARY_WORDS.join(" ");
  const ext = rel.slice(rel.lastIndexOf(".") + 1).toLowerCase();
  if (["py", "pyi"].includes(ext)) {
    return [
      `"""${m.value} ${words}: module doc."""`,
      `HOSTILE_VALUE = "${m.value}"`,
      `${m.value} = "${words}"`,
      "",
      "",
      `def hostile_fn(arg: str = "${m.value}") -> str:`,
      `    """${m.value} ${words}"""`,
      `    return "${m.value}"`,
      "",
      "",
      `class HostileHolder:`,
      `    """${m.value} holder ${words}."""`,
      "",
      `    def ${m.value}(self) -> str:`,
      `        """${m.value}"""`,
      `        return HOSTILE_VALUE`,
      "",
    ].join("\n");
  }
  if (["ts", "js", "mjs", "tsx"].includes(ext)) {
    return [
      `/** ${m.value} ${words} */`,
      `export const HOSTILE_VALUE = "${m.value}";`,
      `/** ${m.value} */`,
      `export function hostile_fn(arg = "${m.value}"): string {`,
      `  return arg;`,
      `}`,
      "",
    ].join("\n");
  }
  if (["md", "markdown", "mdx"].includes(ext)) {
    return `# ${m.value} ${words}\n\n${m.value} ${words} in a paragraph.\n`;
  }
  if (ext === "json") return `{"hostile": "${m.value} ${words}", "${m.value}": 1}\n`;
  if (["toml", "ini", "cfg", "conf"].includes(ext)) {
    return `[hostile]\nvalue = "${m.value} ${words}"\n`;
  }
  if (["yaml", "yml"].includes(ext)) return `hostile: "${m.value} ${words}"\n`;
  return `${m.value} ${words}\nHOSTILE_VALUE=${m.value}\n`;
}

/** A hostile segment, the outside directory beside it, and what must never leak. */
export class World {
  /** Temp directory holding both (real path). */
  readonly base: string;
  /** The segment (real path). */
  readonly seg: string;
  /** A directory outside the segment (real path). */
  readonly outside: string;
  /** A private runtime directory base for `XDG_RUNTIME_DIR`. */
  readonly runtime: string;
  /** Markers that must never appear in output or in what trifecta writes. */
  markers: Marker[] = [];
  /** Other strings that must never appear (secret values, their prefixes). */
  forbidden: string[] = [];

  /** A world rooted at `base` (see {@linkcode makeWorld}). */
  constructor(base: string) {
    this.base = base;
    this.seg = join(base, "seg");
    this.outside = join(base, "outside");
    this.runtime = join(base, "runtime");
  }

  /** Write `text` to `rel` inside the segment (parents created); the absolute path. */
  async write(rel: string, text: string): Promise<string> {
    return await writeUnder(join(this.seg, rel), text);
  }

  /** Write `text` to `rel` inside the outside directory (parents created); the absolute path. */
  async writeOutside(rel: string, text: string): Promise<string> {
    return await writeUnder(join(this.outside, rel), text);
  }

  /** Create the symlink `rel` (inside the segment) pointing at `target` as given. */
  async link(rel: string, target: string): Promise<void> {
    const path = join(this.seg, rel);
    await Deno.mkdir(dirname(path), { recursive: true });
    await Deno.symlink(target, path);
  }
}

async function writeUnder(path: string, text: string): Promise<string> {
  await Deno.mkdir(dirname(path), { recursive: true });
  await Deno.writeTextFile(path, text);
  return path;
}

/** Options for {@linkcode makeWorld}. */
export interface MakeWorldOptions {
  /** Start from a copy of fixtures/example (default true). */
  example?: boolean;
  /** Create the segment under this directory instead of a new temp dir. */
  under?: string;
}

async function copyTree(src: string, dest: string): Promise<void> {
  await Deno.mkdir(dest, { recursive: true });
  for await (const entry of Deno.readDir(src)) {
    const from = join(src, entry.name);
    const to = join(dest, entry.name);
    if (entry.isDirectory) await copyTree(from, to);
    else if (entry.isFile) await Deno.copyFile(from, to);
  }
}

/** A fresh world: `<base>/seg` (the example project) and `<base>/outside`. */
export async function makeWorld(options: MakeWorldOptions = {}): Promise<World> {
  const base = options.under ??
    await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-hostile-" }));
  const w = new World(base);
  if (options.example ?? true) await copyTree(EXAMPLE_DIR, w.seg);
  else await Deno.mkdir(w.seg, { recursive: true });
  await Deno.mkdir(w.outside, { recursive: true });
  await Deno.mkdir(w.runtime, { recursive: true, mode: 0o700 });
  return w;
}

/**
 * Write a hostile file carrying a new marker of `kind`, inside the segment
 * (`where: "in"`) or outside it; the marker becomes forbidden.
 */
export async function plant(
  world: World,
  rel: string,
  options: { kind: string; where?: "in" | "outside"; prefix?: string; suffix?: string },
): Promise<{ marker: Marker; path: string }> {
  const marker = newMarker(options.kind);
  world.markers.push(marker);
  const text = (options.prefix ?? "") + markedContent(marker, rel) + (options.suffix ?? "");
  const path = options.where === "outside"
    ? await world.writeOutside(rel, text)
    : await world.write(rel, text);
  return { marker, path };
}

/** Run a shell script (bash) and fail loudly when it fails. */
export async function sh(script: string, cwd?: string): Promise<string> {
  const out = await new Deno.Command("bash", {
    args: ["-c", script],
    cwd,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  assert.equal(out.code, 0, `bash failed: ${script}\n${dec.decode(out.stderr)}`);
  return dec.decode(out.stdout);
}

/**
 * Remove a world, keeping what trifecta wrote for the no-PII scan first.
 * `rm -rf` rather than Deno.remove: trees deeper than PATH_MAX and
 * unreadable directories defeat path-based removal.
 */
export async function disposeWorld(world: World): Promise<void> {
  await keepForPiiScan(world.seg).catch((err) => {
    // A hostile tree (loops, FIFOs) may defeat the copy; the scan is best-effort here.
    console.error(`keepForPiiScan skipped for ${world.seg}: ${(err as Error).message}`);
  });
  await new Deno.Command("rm", { args: ["-rf", world.base], stdout: "null", stderr: "null" })
    .output();
}
