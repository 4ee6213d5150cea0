import assert from "node:assert/strict";
import { join } from "node:path";
import {
  FILE_LIMIT,
  lineCount,
  measure,
  sizeReport,
  type SkeletonJson,
  UNIT_LIMIT,
} from "../../tools/unit_sizes.ts";

// The size rule of lib/ (tools/unit_sizes.ts), measured with trifecta's own
// skeleton: no function, method or function constant over 80 lines, no file
// over 500 lines.

Deno.test("unit sizes: no unit in lib/ over 80 lines and no file over 500 lines", async () => {
  const report = await measure();
  assert.ok(report.longestUnit !== undefined && report.longestFile !== undefined);
  assert.deepEqual(report.offenders, [], `over the limits:\n${report.offenders.join("\n")}`);
  assert.ok(report.longestUnit.lines <= UNIT_LIMIT);
  assert.ok(report.longestFile.lines <= FILE_LIMIT);
});

function body(n: number): string {
  return Array.from({ length: n }, (_, i) => `  const v${i} = ${i};`).join("\n");
}

Deno.test("unit sizes: long functions, methods, arrow constants and files are offenders", async () => {
  const seg = await Deno.makeTempDir({ prefix: "trifecta-sizes-" });
  try {
    await Deno.mkdir(join(seg, "src"));
    const code = [
      `export function longFn(): void {\n${body(8)}\n}`, // 10 lines
      `export function shortFn(): void {\n${body(3)}\n}`, // 5 lines
      `export class Box {\n  method(): void {\n${body(7)}\n  }\n}`, // method: 9 lines
      `const arrow = (): void => {\n${body(9)}\n};`, // 11 lines
      `export const DATA: number[] = [\n${"  1,\n".repeat(20)}];`, // data: not a unit
    ].join("\n");
    await Deno.writeTextFile(join(seg, "src/a.ts"), code + "\n");
    await Deno.writeTextFile(join(seg, "src/b.ts"), "export const b = 1;\n");
    const report = await measure(seg, "src", { unit: 8, file: 20 });
    assert.deepEqual(report.offenders, [
      "src/a.ts:27 arrow: 11 lines (limit 8)",
      "src/a.ts:1 longFn: 10 lines (limit 8)",
      "src/a.ts:17 Box.method: 9 lines (limit 8)",
      `src/a.ts: ${lineCount(code + "\n")} lines (limit 20)`,
    ]);
    assert.equal(report.longestUnit?.name, "arrow");
    assert.equal(report.longestFile?.path, "src/a.ts");
    assert.deepEqual((await measure(seg, "src", { unit: 11, file: 100 })).offenders, []);
  } finally {
    await Deno.remove(seg, { recursive: true });
  }
});

Deno.test("unit sizes: a file with parse errors or left unparsed is an offender", () => {
  const skeleton: SkeletonJson = {
    files: [{ path: "lib/x.ts", has_errors: true, symbols: [] }],
    skipped: [{ path: "lib/y.ts", reason: "too_large" }],
  };
  assert.deepEqual(sizeReport(skeleton, []).offenders, [
    "lib/x.ts: parse errors, unit lengths unreliable",
    "lib/y.ts: not measured (too_large)",
  ]);
});

Deno.test("unit sizes: lines are counted as wc -l counts them", () => {
  assert.equal(lineCount(""), 0);
  assert.equal(lineCount("a\nb\n"), 2);
  assert.equal(lineCount("a\nb"), 2);
  assert.equal(lineCount("\n\n"), 2);
});
