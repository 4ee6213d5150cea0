/**
 * Small terminal charts for `telemetry report`: horizontal bars and a
 * latency histogram (`label │ value ████`, at most 40 blocks).
 *
 * @module
 */

/**
 * The largest of `values` after `map` (`floor` when empty). A loop, not
 * `Math.max(...values)`: spreading 100,000+ values (a large telemetry file)
 * overflows the call stack.
 */
function maxOf<T>(values: readonly T[], map: (v: T) => number, floor = -Infinity): number {
  let m = floor;
  for (const v of values) {
    const n = map(v);
    if (n > m) m = n;
  }
  return m;
}

/** Options for {@linkcode barChart} and {@linkcode histogram}. */
export interface ChartOptions {
  /** Widest bar in blocks (default 40). */
  width?: number;
}

/** A bar chart of labelled values, one line per item, in the given order. */
export function barChart(items: readonly [string, number][], options: ChartOptions = {}): string {
  if (items.length === 0) return "";
  const width = options.width ?? 40;
  const max = maxOf(items, ([, v]) => v, 0);
  const labelW = maxOf(items, ([l]) => l.length);
  const valueW = maxOf(items, ([, v]) => String(v).length);
  return items.map(([label, v]) => {
    const n = max > 0 ? Math.round((v / max) * width) : 0;
    const bar = "█".repeat(v > 0 ? Math.max(1, n) : 0);
    return `  ${label.padEnd(labelW)} │ ${String(v).padStart(valueW)} ${bar}`;
  }).join("\n") + "\n";
}

/** A histogram of `values` in `bins` equal-width bins (default 10). */
export function histogram(
  values: readonly number[],
  options: ChartOptions & { bins?: number; unit?: string } = {},
): string {
  if (values.length === 0) return "";
  const bins = Math.max(1, options.bins ?? 10);
  const lo = -maxOf(values, (v) => -v);
  const hi = maxOf(values, (v) => v);
  const step = hi > lo ? (hi - lo) / bins : 1;
  const counts = new Array<number>(hi > lo ? bins : 1).fill(0);
  for (const v of values) {
    const i = Math.min(counts.length - 1, Math.floor((v - lo) / step));
    counts[i] = (counts[i] ?? 0) + 1;
  }
  const unit = options.unit ?? "";
  const items: [string, number][] = counts.map((c, i) => {
    const a = lo + i * step;
    const b = hi > lo ? a + step : hi;
    return [`${a.toFixed(1)} - ${b.toFixed(1)}${unit}`, c];
  });
  return barChart(items, options);
}
