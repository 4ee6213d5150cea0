/**
 * The layer rule of `lib/`, checked on Deno's own module graph: a module may
 * import from its own folder and from the layers below it, never upward and
 * never sideways into a sibling of the same layer. Lowest first:
 *
 * `lib/*.ts` (base) ← `languages` ← `segment` ← `config` ← `telemetry` ← `cache` ← `ast` ←
 * `symbols` | `context` | `lsp` (siblings: none imports another) ←
 * `contract` ← `mcp` ← `cli`.
 *
 * Nothing in `lib/` imports `main.ts`, `mod.ts`, `tests/`, `tools/` or
 * `bench/` (only `deno.json`, for the version), and no import cycle.
 * Static, dynamic (`import("…")`) and type-only imports all count. Used by
 * tests/cli/layers_test.ts; run it alone with
 * `deno run --allow-read --allow-write --allow-run tools/layers.ts`.
 *
 * @module
 */
import { fileURLToPath, pathToFileURL } from "node:url";
import { join, relative } from "node:path";

/** The layers of `lib/`, lowest first; the folders of one entry are siblings. */
export const LAYERS: readonly (readonly string[])[] = [
  ["(base)"],
  ["languages"],
  ["segment"],
  ["config"],
  ["telemetry"],
  ["cache"],
  ["ast"],
  ["symbols", "context", "lsp"],
  ["nav", "watch"],
  ["contract"],
  ["mcp"],
  ["cli"],
];

/** Files outside `lib/` that a `lib/` module may import (data, not code above it). */
export const OUTSIDE_ALLOWED: readonly string[] = ["deno.json"];

/** One import edge, paths relative to the checkout (`lib/cli/ast.ts`). */
export interface ImportEdge {
  /** The importing module. */
  from: string;
  /** The imported module, or a URL (`npm:…`, `node:…`) when not a local file. */
  to: string;
  /** 1-based line of the import in `from`. */
  line: number;
  /** `import("…")` rather than a static import. */
  dynamic: boolean;
}

/**
 * Import cycles among the modules of `lib/` (each as `a -> b -> a`): the
 * layer rule rules out cycles between folders, this finds those inside one.
 */
export function importCycles(edges: readonly ImportEdge[]): string[] {
  const next = new Map<string, Set<string>>();
  for (const e of edges) {
    if (layerOf(e.to) !== undefined) next.set(e.from, (next.get(e.from) ?? new Set()).add(e.to));
  }
  const done = new Set<string>();
  const stack: string[] = [];
  const cycles: string[] = [];
  function visit(node: string): void {
    stack.push(node);
    for (const to of next.get(node) ?? []) {
      const at = stack.indexOf(to);
      if (at >= 0) cycles.push([...stack.slice(at), to].join(" -> "));
      else if (!done.has(to)) visit(to);
    }
    stack.pop();
    done.add(node);
  }
  for (const node of [...next.keys()].sort()) if (!done.has(node)) visit(node);
  return cycles;
}

/** Where a module of `lib/` sits: its folder (`(base)` for `lib/*.ts`) and layer. */
export interface LayerPlace {
  /** The folder under `lib/`, or `(base)`. */
  group: string;
  /** Index in {@linkcode LAYERS}, -1 when the folder is in no layer. */
  rank: number;
}

/** The layer of a checkout-relative path under `lib/`; undefined outside `lib/`. */
export function layerOf(path: string): LayerPlace | undefined {
  const parts = path.split("/");
  if (parts[0] !== "lib" || parts.length < 2) return undefined;
  const group = parts.length === 2 ? "(base)" : parts[1] ?? "";
  return { group, rank: LAYERS.findIndex((layer) => layer.includes(group)) };
}

/** Why an edge breaks the rule, or undefined when it keeps it. */
export function edgeViolation(edge: ImportEdge): string | undefined {
  const from = layerOf(edge.from);
  if (from === undefined) return undefined;
  const where = `${edge.from}:${edge.line} ${edge.dynamic ? "dynamically imports" : "imports"}`;
  if (from.rank < 0) return `${edge.from}: lib/${from.group} is in no layer (add it to LAYERS)`;
  if (/^[a-z]+:/.test(edge.to)) return undefined; // npm:, node:, jsr:, data:
  const to = layerOf(edge.to);
  if (to === undefined) {
    return OUTSIDE_ALLOWED.includes(edge.to)
      ? undefined
      : `${where} ${edge.to}, outside lib/ (lib/ imports nothing above it)`;
  }
  if (to.group === from.group) return undefined;
  if (to.rank < 0) return `${where} ${edge.to}: lib/${to.group} is in no layer (add it to LAYERS)`;
  if (to.rank === from.rank) {
    return `${where} ${edge.to}: ${from.group} and ${to.group} are siblings of one layer`;
  }
  if (to.rank > from.rank) return `${where} ${edge.to}: ${to.group} is above ${from.group}`;
  return undefined;
}

/** Every edge that breaks the layer rule, as one line each. */
export function layerViolations(edges: readonly ImportEdge[]): string[] {
  return edges.map(edgeViolation).filter((v): v is string => v !== undefined);
}

interface InfoTarget {
  specifier?: string;
  span?: { start?: { line?: number } };
}
interface InfoDependency {
  specifier: string;
  isDynamic?: boolean;
  code?: InfoTarget;
  type?: InfoTarget;
}
interface InfoModule {
  specifier: string;
  error?: string;
  dependencies?: InfoDependency[];
}

/** Every `.ts` file under `dir`, checkout-relative, sorted. */
async function tsFiles(root: string, dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(join(root, dir))) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory) out.push(...await tsFiles(root, rel));
    else if (e.isFile && e.name.endsWith(".ts")) out.push(rel);
  }
  return out.sort();
}

function toRelative(root: string, specifier: string): string {
  if (!specifier.startsWith("file:")) return specifier;
  return relative(root, fileURLToPath(specifier)).split("\\").join("/");
}

/** The edges `deno info` reports for one module (code and type targets alike). */
function moduleEdges(root: string, mod: InfoModule): ImportEdge[] {
  const from = toRelative(root, mod.specifier);
  const out: ImportEdge[] = [];
  for (const dep of mod.dependencies ?? []) {
    for (const target of [dep.code, dep.type]) {
      if (target?.specifier === undefined) continue;
      out.push({
        from,
        to: toRelative(root, target.specifier),
        line: (target.span?.start?.line ?? -1) + 1,
        dynamic: dep.isDynamic === true,
      });
    }
  }
  return out;
}

/**
 * The import edges of every module under `lib/` of the checkout at `root`,
 * from `deno info --json` over a scratch module that imports them all.
 * Throws when `deno info` fails or a module cannot be loaded.
 */
export async function libImportEdges(root: string): Promise<ImportEdge[]> {
  const files = await tsFiles(root, "lib");
  const scratch = await Deno.makeTempDir({ prefix: "trifecta-layers-" });
  try {
    const entry = join(scratch, "all_lib.ts");
    const lines = files.map((f) => `import "${pathToFileURL(join(root, f)).href}";`);
    await Deno.writeTextFile(entry, lines.join("\n") + "\n");
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", "--config", join(root, "deno.json"), entry],
      cwd: root,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const dec = new TextDecoder();
    if (!out.success) throw new Error(`deno info failed: ${dec.decode(out.stderr)}`);
    const info: { modules: InfoModule[] } = JSON.parse(dec.decode(out.stdout));
    const broken = info.modules.filter((m) => m.error !== undefined);
    if (broken.length > 0) {
      throw new Error(`deno info cannot load: ${broken.map((m) => m.error).join("; ")}`);
    }
    return info.modules
      .filter((m) => layerOf(toRelative(root, m.specifier)) !== undefined)
      .flatMap((m) => moduleEdges(root, m));
  } finally {
    await Deno.remove(scratch, { recursive: true });
  }
}

if (import.meta.main) {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const edges = await libImportEdges(root);
  const problems = [...layerViolations(edges), ...importCycles(edges).map((c) => `cycle: ${c}`)];
  for (const p of problems) console.log(p);
  console.log(`layers: ${problems.length} upward or sideways imports or cycles`);
  Deno.exit(problems.length === 0 ? 0 : 1);
}
