/**
 * The MCP `skeleton` tool under its default budget on a directory too large
 * to fit: files ranked by the map and paged. Prints the milliseconds of the
 * first call of a fresh session (cold: parses and tags every file), of the
 * same call again (warm), of its next page, and of one file, over `runs`
 * sessions, with medians.
 *
 * `deno run -A --unstable-raw-imports bench/mcp_skeleton_rank.ts <segment> <path> [runs]`
 *
 * @module
 */
import { McpState, TOOLS } from "../lib/mcp/mod.ts";
import { resolveSegment } from "../lib/segment/mod.ts";
import { Telemetry } from "../lib/telemetry/mod.ts";

const [root = "/work/bench-corpus/django", path = ".", runsArg = "3"] = Deno.args;
const segment = await resolveSegment(root);
const found = TOOLS.find((t) => t.name === "skeleton");
if (!found) throw new Error("no skeleton tool");
const tool = found;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0);
}

async function timed(
  state: McpState,
  args: Record<string, unknown>,
): Promise<[number, unknown, string | undefined]> {
  const began = performance.now();
  const out = await tool.run(state, tool.input.parse(args));
  // The first file shown (the top-ranked one) is the "one file" asked for alone.
  const files = out.structured.files;
  const first = Array.isArray(files) ? (files[0] as { path?: unknown } | undefined) : undefined;
  const file = typeof first?.path === "string" ? first.path : undefined;
  return [performance.now() - began, out.structured.next_cursor, file];
}

const times: Record<string, number[]> = { cold: [], warm: [], next_page: [], one_file: [] };
for (let r = 0; r < Number(runsArg); r++) {
  const state = McpState.open(segment, { telemetry: Telemetry.disabled() });
  const [cold, cursor, file = path] = await timed(state, { path });
  times.cold?.push(cold);
  for (let i = 0; i < 3; i++) {
    times.warm?.push((await timed(state, { path }))[0]);
    times.next_page?.push((await timed(state, { path, cursor }))[0]);
    times.one_file?.push((await timed(state, { path: file }))[0]);
  }
  await state.close();
}
const load = await Deno.readTextFile("/proc/loadavg").catch(() => "?");
console.log(JSON.stringify({
  median_ms: Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)])),
  runs_ms: Object.fromEntries(Object.entries(times).map(([k, v]) => [k, v.map(Math.round)])),
  loadavg: load.trim(),
}));
