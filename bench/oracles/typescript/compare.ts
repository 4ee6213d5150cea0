/**
 * Parity of trifecta's TypeScript/JavaScript skeleton with the TypeScript
 * compiler's parser (oracle.ts).
 *
 *   deno run --allow-read bench/oracles/typescript/compare.ts SEGMENT_ROOT SKELETON_JSON [--show N]
 *
 * SKELETON_JSON is the output of `trifecta ast skeleton --json -s SEGMENT_ROOT .`.
 * The files compared are the `.ts .tsx .mts .cts .js .jsx .mjs .cjs` files
 * under SEGMENT_ROOT, walked here (directories named `node_modules` and VCS
 * directories below the root are skipped, symlinks are not followed): the
 * definitions of a file trifecta did not parse count as missing (the file
 * is listed, with trifecta's reason when its output has one). Definitions are
 * matched on (file, kind, qualified name); a match whose start or end line
 * differs is a line mismatch; trifecta definitions left unmatched are
 * extras. TypeScript (`.ts .tsx .mts .cts`, `.d.ts` included) and
 * JavaScript are reported apart. Exit status 0 when nothing is missing,
 * mismatched or extra.
 *
 * @module
 */
import { type OracleDef, oracleFile } from "./oracle.ts";

const EXTENSIONS = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;
const SKIPPED_DIRS = new Set(["node_modules", ".git", ".hg", ".svn"]);

interface SkeletonSymbol {
  kind: string;
  qualified_name: string;
  start_line: number;
  end_line: number;
  children?: SkeletonSymbol[];
}

interface SkeletonOutput {
  files: { path: string; symbols: SkeletonSymbol[] }[];
  skipped?: { path: string; reason: string }[];
}

/** Counters of one language group. */
interface Tally {
  files: number;
  lines: number;
  oracle: number;
  found: number;
  exact: number;
  lineMismatch: number;
  missing: number;
  extras: number;
  notParsed: number;
  skipped: number;
  syntaxErrors: number;
  byKind: Map<string, number>;
}

function newTally(): Tally {
  return {
    files: 0,
    lines: 0,
    oracle: 0,
    found: 0,
    exact: 0,
    lineMismatch: 0,
    missing: 0,
    extras: 0,
    notParsed: 0,
    skipped: 0,
    syntaxErrors: 0,
    byKind: new Map(),
  };
}

/** Sorted relative paths of the source files under `root`. */
function walk(root: string, rel = "", out: string[] = []): string[] {
  const entries = [...Deno.readDirSync(rel === "" ? root : `${root}/${rel}`)]
    .sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  for (const e of entries) {
    const path = rel === "" ? e.name : `${rel}/${e.name}`;
    if (e.isDirectory && !SKIPPED_DIRS.has(e.name)) walk(root, path, out);
    else if (e.isFile && EXTENSIONS.test(e.name)) out.push(path);
  }
  return out;
}

function flatten(symbols: readonly SkeletonSymbol[]): OracleDef[] {
  const out: OracleDef[] = [];
  const stack = [...symbols].reverse();
  for (let s = stack.pop(); s !== undefined; s = stack.pop()) {
    out.push({
      kind: s.kind,
      qualifiedName: s.qualified_name,
      start: s.start_line,
      end: s.end_line,
    });
    stack.push(...[...(s.children ?? [])].reverse());
  }
  return out;
}

function key(d: OracleDef): string {
  return `${d.kind} ${d.qualifiedName}`;
}

function show(d: OracleDef): string {
  return `${key(d)} ${d.start}-${d.end}`;
}

/** Findings of the comparison, as printable rows. */
interface Rows {
  missing: string[];
  lines: string[];
  extras: string[];
  notes: string[];
}

/** Matches one file's oracle definitions with trifecta's; counts into `t`. */
function compareFile(
  path: string,
  want: readonly OracleDef[],
  ours: readonly OracleDef[],
  t: Tally,
  rows: Rows,
): void {
  const pool = new Map<string, OracleDef[]>();
  for (const d of ours) pool.set(key(d), [...(pool.get(key(d)) ?? []), d]);
  for (const w of want) {
    t.byKind.set(w.kind, (t.byKind.get(w.kind) ?? 0) + 1);
    const list = pool.get(key(w)) ?? [];
    let i = list.findIndex((d) => d.start === w.start && d.end === w.end);
    if (i >= 0) {
      t.found++;
      t.exact++;
      list.splice(i, 1);
      continue;
    }
    i = list.findIndex((d) => d.start === w.start || d.end === w.end);
    const d = list[i >= 0 ? i : 0];
    if (d === undefined) {
      t.missing++;
      rows.missing.push(`${path}: ${show(w)}`);
      continue;
    }
    t.found++;
    t.lineMismatch++;
    list.splice(list.indexOf(d), 1);
    rows.lines.push(`${path}: ${key(w)} oracle ${w.start}-${w.end}, trifecta ${d.start}-${d.end}`);
  }
  for (const list of pool.values()) {
    for (const d of list) {
      t.extras++;
      rows.extras.push(`${path}: ${show(d)}`);
    }
  }
}

function groupOf(path: string): string {
  return /\.[cm]?tsx?$/.test(path) ? "TypeScript" : "JavaScript";
}

function percent(a: number, b: number): string {
  return b === 0 ? "n/a" : `${(a / b * 100).toFixed(2)}%`;
}

function report(tallies: Map<string, Tally>, rows: Rows, showN: number, oracleMs: number): void {
  for (const [group, t] of tallies) {
    const kinds = [...t.byKind].map(([k, n]) => `${n} ${k}`).join(", ");
    console.log(`${group}: ${t.files} files, ${t.lines} lines`);
    console.log(`  files trifecta skipped with a reason (defs count as missing): ${t.skipped}`);
    console.log(`  files absent from trifecta's output (defs count as missing): ${t.notParsed}`);
    console.log(`  files the compiler reports syntax errors in: ${t.syntaxErrors}`);
    console.log(`  oracle definitions: ${t.oracle} (${kinds})`);
    console.log(`  found: ${t.found} (recall ${percent(t.found, t.oracle)})`);
    console.log(`  exact lines: ${t.exact} (${percent(t.exact, t.oracle)})`);
    console.log(`  line mismatches: ${t.lineMismatch}`);
    console.log(`  missing: ${t.missing}`);
    console.log(`  extras: ${t.extras}`);
  }
  console.log(`oracle time (TypeScript compiler parser): ${(oracleMs / 1000).toFixed(2)}s`);
  for (const r of rows.notes.slice(0, showN)) console.log(`  note:    ${r}`);
  for (const r of rows.missing.slice(0, showN)) console.log(`  missing: ${r}`);
  for (const r of rows.lines.slice(0, showN)) console.log(`  lines:   ${r}`);
  for (const r of rows.extras.slice(0, showN)) console.log(`  extra:   ${r}`);
}

/** Runs the comparison; returns the process exit status. */
function main(args: string[]): number {
  const [root, json] = args;
  if (root === undefined || json === undefined) {
    console.error("usage: compare.ts SEGMENT_ROOT SKELETON_JSON [--show N]");
    return 2;
  }
  const at = args.indexOf("--show");
  const showN = at >= 0 ? Number(args[at + 1] ?? 20) : 20;
  const skeleton: SkeletonOutput = JSON.parse(Deno.readTextFileSync(json));
  const ours = new Map(skeleton.files.map((f) => [f.path, flatten(f.symbols)]));
  const skipped = new Map((skeleton.skipped ?? []).map((s) => [s.path, s.reason]));
  const tallies = new Map<string, Tally>();
  const rows: Rows = { missing: [], lines: [], extras: [], notes: [] };
  let oracleMs = 0;
  const paths = walk(root);
  for (const path of paths) {
    const group = groupOf(path);
    const t = tallies.get(group) ?? newTally();
    tallies.set(group, t);
    const text = Deno.readTextFileSync(`${root}/${path}`);
    const began = performance.now();
    const { defs: want, syntaxErrors } = oracleFile(path, text);
    oracleMs += performance.now() - began;
    t.files++;
    t.lines += text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
    t.oracle += want.length;
    if (syntaxErrors > 0) {
      t.syntaxErrors++;
      rows.notes.push(`${path}: the compiler's parser reports syntax errors`);
    }
    const mine = ours.get(path);
    const reason = skipped.get(path);
    if (reason !== undefined) {
      t.skipped++;
      rows.notes.push(`${path}: skipped by trifecta (${reason}), ${want.length} definitions`);
    } else if (mine === undefined) {
      t.notParsed++;
      rows.notes.push(`${path}: not in trifecta's output, ${want.length} definitions`);
    }
    compareFile(path, want, mine ?? [], t, rows);
  }
  // Files trifecta parsed that the walk here did not see: all their definitions are extras.
  const walked = new Set(paths);
  for (const [path, defs] of ours) {
    if (walked.has(path) || !EXTENSIONS.test(path)) continue;
    const t = tallies.get(groupOf(path)) ?? newTally();
    tallies.set(groupOf(path), t);
    rows.notes.push(`${path}: in trifecta's output only`);
    compareFile(path, [], defs, t, rows);
  }
  report(tallies, rows, showN, oracleMs);
  const bad = [...tallies.values()].some((t) => t.missing + t.lineMismatch + t.extras > 0);
  return bad ? 1 : 0;
}

if (import.meta.main) Deno.exit(main(Deno.args));
