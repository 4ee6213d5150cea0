/**
 * Cost of secret masking (lib/secrets.ts maskSecrets) on a tree of real
 * files: every regular file up to 2 MiB without NUL bytes is read into memory
 * first (so the disk is not measured), then masked `--rounds` times:
 *
 *   deno run -A bench/secrets_bench.ts <dir> [--rounds 3] [--list]
 *   deno run -A bench/secrets_bench.ts --hostile
 *
 * Prints one JSON object: files, bytes, the best and median round in ms,
 * MB/s of the best round, the files the literal pre-filter let through, and
 * the findings by rule (with `--list`, also `file:line rule` per finding;
 * never a value). `--hostile` times instead, for every rule's literal
 * followed by a few characters, 100 KB of it repeated (`eyJeyJeyJ…`), in
 * both modes: the worst case of a file built to make a pattern backtrack.
 * Under `deno bench` it measures a clean and a dirty synthetic file.
 *
 * @module
 */
import { join, relative } from "node:path";
import { CONTENT_SECRET_RULES, hasPrivateKeyBlock, maskSecrets } from "../lib/secrets.ts";

const MAX_BYTES = 2 * 1024 * 1024;

interface Doc {
  rel: string;
  text: string;
  bytes: number;
}

async function readTree(root: string): Promise<Doc[]> {
  const docs: Doc[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    for await (const e of Deno.readDir(dir)) {
      const p = join(dir, e.name);
      if (e.isDirectory) stack.push(p);
      if (!e.isFile) continue;
      const raw = await Deno.readFile(p);
      if (raw.length > MAX_BYTES || raw.includes(0)) continue;
      docs.push({ rel: relative(root, p), text: new TextDecoder().decode(raw), bytes: raw.length });
    }
  }
  return docs.sort((a, b) => a.rel.localeCompare(b.rel));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

function hostile(): void {
  const needles = [...new Set(CONTENT_SECRET_RULES.flatMap((r) => r.needs))];
  const tails = ["", "a", "A1", "_", "-", ".", "=", '"', " ", "Q~abc", "://a:b", "@", ":"];
  let worst = { ms: 0, piece: "" };
  let total = 0;
  for (const needle of needles) {
    for (const tail of tails) {
      const piece = needle + tail;
      const text = piece.repeat(Math.ceil(100_000 / piece.length));
      for (const prefixes of [false, true]) {
        const t0 = performance.now();
        maskSecrets(text, { prefixes });
        hasPrivateKeyBlock(text);
        const ms = performance.now() - t0;
        total += ms;
        if (ms > worst.ms) worst = { ms, piece };
      }
    }
  }
  console.log(JSON.stringify({
    texts: needles.length * tails.length * 2,
    bytes_each: 100_000,
    total_ms: Math.round(total),
    worst_ms: Math.round(worst.ms),
    worst_piece: worst.piece,
  }));
}

async function main(args: string[]): Promise<void> {
  if (args.includes("--hostile")) return hostile();
  const dir = args.find((a) => !a.startsWith("--"));
  if (!dir) {
    console.error("usage: deno run -A bench/secrets_bench.ts <dir> [--rounds N] [--list]");
    Deno.exit(2);
  }
  const roundsAt = args.indexOf("--rounds");
  const rounds = roundsAt >= 0 ? Math.max(1, Number(args[roundsAt + 1])) : 3;
  const docs = await readTree(dir);
  const bytes = docs.reduce((n, d) => n + d.bytes, 0);
  const times: number[] = [];
  const byRule: Record<string, number> = {};
  const listed: string[] = [];
  let filesWithFindings = 0;
  let changedLineCounts = 0;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (const d of docs) maskSecrets(d.text);
    times.push(performance.now() - t0);
  }
  // Counted outside the timed rounds.
  for (const d of docs) {
    const m = maskSecrets(d.text);
    if (m.findings.length > 0) filesWithFindings++;
    if (m.text.split("\n").length !== d.text.split("\n").length) changedLineCounts++;
    for (const f of m.findings) {
      byRule[f.rule] = (byRule[f.rule] ?? 0) + 1;
      if (args.includes("--list")) listed.push(`${d.rel}:${f.line} ${f.rule}`);
    }
  }
  const best = Math.min(...times);
  console.log(JSON.stringify(
    {
      dir,
      files: docs.length,
      bytes,
      rounds,
      best_ms: Math.round(best),
      median_ms: Math.round(median(times)),
      mb_per_s: Math.round((bytes / 1e6) / (best / 1000)),
      files_with_findings: filesWithFindings,
      findings_by_rule: byRule,
      line_count_changed_files: changedLineCounts,
      ...(args.includes("--list") ? { findings: listed } : {}),
    },
    null,
    2,
  ));
}

if (import.meta.main) {
  await main(Deno.args);
} else {
  // `deno bench bench/`: a clean 100 KB Python file, and one with a key.
  const clean = "def f(x):\n    return x + 1  # https://example.com/doc\n".repeat(2000);
  const dirty = clean + 'KEY = "AKIA' + "IOSFODNN7EXAMPLE" + '"\n';
  Deno.bench("maskSecrets, clean 100 KB file", () => {
    maskSecrets(clean);
  });
  Deno.bench("maskSecrets, 100 KB file with one key", () => {
    maskSecrets(dirty);
  });
}
