/**
 * The cache benchmarks' stand-in for one file's skeleton.
 *
 * @module
 */

/** A skeleton-sized value (~2 KB of JSON), like one file's symbols. */
export function skeletonValue(i: number): unknown {
  const symbols = [];
  for (let s = 0; s < 8; s++) {
    symbols.push({
      kind: s === 0 ? "class" : "method",
      name: `name_${i}_${s}`,
      qualified_name: `Klass${i}.name_${i}_${s}`,
      start_line: s * 10 + 1,
      end_line: s * 10 + 9,
      signature: `def name_${i}_${s}(self, arg_one: int, arg_two: str = "x") -> None:`,
      decorators: s % 3 === 0 ? ["@property"] : [],
      doc: "Return the thing computed from the arguments.",
      children: [],
    });
  }
  return { path: `src/pkg/mod_${i}.py`, language: "python", symbols };
}
