/**
 * The size rule of `lib/`: no function, method or function-valued constant
 * longer than {@linkcode UNIT_LIMIT} lines, no file longer than
 * {@linkcode FILE_LIMIT} lines. Units are measured with trifecta's own
 * skeleton (`ast skeleton lib --json`: a symbol's `start_line`..`end_line`,
 * from its declaration to its closing line, doc comment not counted); files
 * by their line count (`wc -l`). Used by tests/cli/unit_sizes_test.ts; run it
 * alone with
 * `deno run --allow-read --allow-run tools/unit_sizes.ts`.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { join } from "node:path";

/** Longest function, method or arrow/function constant allowed in `lib/`, in lines. */
export const UNIT_LIMIT = 80;

/** Longest file allowed in `lib/`, in lines. */
export const FILE_LIMIT = 500;

/** Skeleton kinds that are code units (`function` covers arrow and function constants). */
export const UNIT_KINDS: readonly string[] = ["function", "method"];

/** One measured function, method or file. */
export interface Measured {
  /** Checkout-relative file. */
  path: string;
  /** `Class.method`, a function's name, or "" for a whole file. */
  name: string;
  /** First line (1-based). */
  line: number;
  /** Length in lines. */
  lines: number;
}

/** The part of a skeleton symbol this tool reads. */
interface SkeletonSymbol {
  kind: string;
  qualified_name: string;
  start_line: number;
  end_line: number;
  children?: SkeletonSymbol[];
}

/** The part of `ast skeleton --json` this tool reads. */
export interface SkeletonJson {
  /** Parsed files. */
  files: { path: string; has_errors?: boolean; symbols: SkeletonSymbol[] }[];
  /** Files the skeleton did not parse. */
  skipped?: { path: string; reason: string }[];
}

/** Every function, method and function constant of a skeleton, longest first. */
export function unitsOf(skeleton: SkeletonJson): Measured[] {
  const out: Measured[] = [];
  function walk(path: string, symbols: readonly SkeletonSymbol[]): void {
    for (const s of symbols) {
      if (UNIT_KINDS.includes(s.kind)) {
        const lines = s.end_line - s.start_line + 1;
        out.push({ path, name: s.qualified_name, line: s.start_line, lines });
      }
      walk(path, s.children ?? []);
    }
  }
  for (const f of skeleton.files) walk(f.path, f.symbols);
  return out.sort(longestFirst);
}

function longestFirst(a: Measured, b: Measured): number {
  return b.lines - a.lines || a.path.localeCompare(b.path) || a.line - b.line;
}

/** Lines of a text as `wc -l` counts them (newlines, plus an unterminated last line). */
export function lineCount(text: string): number {
  if (text === "") return 0;
  const newlines = text.split("\n").length - 1;
  return text.endsWith("\n") ? newlines : newlines + 1;
}

/** Every file under `dir` of `root` with its line count, longest first. */
export async function fileSizes(root: string, dir: string): Promise<Measured[]> {
  const out: Measured[] = [];
  async function walk(rel: string): Promise<void> {
    for await (const e of Deno.readDir(join(root, rel))) {
      const child = `${rel}/${e.name}`;
      if (e.isDirectory) await walk(child);
      else if (e.isFile) {
        const lines = lineCount(await Deno.readTextFile(join(root, child)));
        out.push({ path: child, name: "", line: 1, lines });
      }
    }
  }
  await walk(dir);
  return out.sort(longestFirst);
}

const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));
const LIB = fileURLToPath(new URL("../lib", import.meta.url));

/**
 * `ast skeleton <dir> -s <segment> --json`, run by this checkout's `main.ts`
 * with read access to the segment and `lib/` only, telemetry off (it writes
 * nothing).
 */
export async function skeletonOf(segment: string, dir: string): Promise<SkeletonJson> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      `--allow-read=${segment},${LIB}`,
      "--allow-env",
      "--allow-sys",
      "--unstable-raw-imports",
      MAIN,
      ...["ast", "skeleton", dir, "-s", segment, "--json", "--telemetry", "off"],
    ],
    cwd: segment,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  if (!out.success) {
    throw new Error(`ast skeleton ${dir} exited ${out.code}: ${dec.decode(out.stderr)}`);
  }
  return JSON.parse(dec.decode(out.stdout));
}

/** What the size rule finds. */
export interface SizeReport {
  /** The longest unit, if any. */
  longestUnit?: Measured;
  /** The longest file, if any. */
  longestFile?: Measured;
  /** One line per unit or file over its limit, or file the skeleton could not measure. */
  offenders: string[];
}

/** Applies the limits to measured units and files. */
export function sizeReport(
  skeleton: SkeletonJson,
  files: readonly Measured[],
  limits: { unit?: number; file?: number } = {},
): SizeReport {
  const unitLimit = limits.unit ?? UNIT_LIMIT;
  const fileLimit = limits.file ?? FILE_LIMIT;
  const units = unitsOf(skeleton);
  const offenders = [
    ...units.filter((u) => u.lines > unitLimit).map((u) =>
      `${u.path}:${u.line} ${u.name}: ${u.lines} lines (limit ${unitLimit})`
    ),
    ...files.filter((f) => f.lines > fileLimit).map((f) =>
      `${f.path}: ${f.lines} lines (limit ${fileLimit})`
    ),
    ...skeleton.files.filter((f) => f.has_errors).map((f) =>
      `${f.path}: parse errors, unit lengths unreliable`
    ),
    ...(skeleton.skipped ?? []).filter((s) => s.path.endsWith(".ts")).map((s) =>
      `${s.path}: not measured (${s.reason})`
    ),
  ];
  return { longestUnit: units[0], longestFile: files[0], offenders };
}

/** Measures the units and files under `dir` of `root` (`lib` of this checkout by default). */
export async function measure(
  root: string = fileURLToPath(new URL("..", import.meta.url)),
  dir = "lib",
  limits: { unit?: number; file?: number } = {},
): Promise<SizeReport> {
  return sizeReport(await skeletonOf(root, dir), await fileSizes(root, dir), limits);
}

function describe(m: Measured | undefined): string {
  if (m === undefined) return "none";
  return `${m.path}${m.name === "" ? "" : `:${m.line} ${m.name}`} (${m.lines} lines)`;
}

if (import.meta.main) {
  const report = await measure();
  console.log(`longest unit: ${describe(report.longestUnit)}`);
  console.log(`longest file: ${describe(report.longestFile)}`);
  for (const o of report.offenders) console.log(`over: ${o}`);
  console.log(`unit sizes: ${report.offenders.length} over the limits`);
  Deno.exit(report.offenders.length === 0 ? 0 : 1);
}
