/**
 * Sweeps: every read command of the CLI (or every MCP tool) asked about a
 * world, with exit and error codes checked as they go.
 *
 * @module
 */
import assert from "node:assert/strict";
import { assertToolError, assertToolOk, type McpSession } from "./mcp.ts";
import {
  assertError,
  assertNoCrash,
  assertOk,
  jsonOf,
  type Mode,
  type Run,
  shown,
  trifecta,
} from "./run.ts";
import type { Checks } from "./scan.ts";
import { CANARY_WORDS, REFUSED, type World } from "./world.ts";

/** A direct request that must be refused. */
export interface Refusal {
  /** Segment-relative path (ast skeleton) or sym:// URI (ast symbols, snippet). */
  target: string;
  /** Acceptable error codes. */
  codes: readonly string[];
}

/** What to ask in {@linkcode sweepCli} and {@linkcode sweepMcp}. */
export interface SweepPlan {
  /** Paths whose skeleton must be refused. */
  refusedPaths?: readonly Refusal[];
  /** sym:// URIs whose symbols and snippet must be refused. */
  refusedSymbols?: readonly Refusal[];
  /** sym:// URIs that must resolve (their answers scanned). */
  symbols?: readonly string[];
  /** `file:line:col` positions to ask hover and definition at. */
  positions?: readonly string[];
  /** Extra search queries. */
  queries?: readonly string[];
  /** Extra env for every run. */
  env?: Record<string, string>;
}

/** The search queries of a sweep: the canary words, then marker prefixes (≤ 16 terms each). */
export function sweepQueries(world: World, extra: readonly string[] = []): string[] {
  const queries = [CANARY_WORDS.join(" ") + " hostile_fn HostileHolder HOSTILE_VALUE", ...extra];
  const terms = world.markers.map((m) => m.query);
  for (let i = 0; i < terms.length; i += 16) queries.push(terms.slice(i, i + 16).join(" "));
  return queries;
}

/** The hit ids of a `ctx search --json` run. */
export function hitIds(r: Run): string[] {
  const hits = (jsonOf(r).hits ?? []) as { id: string }[];
  return hits.map((h) => h.id);
}

/** Options for {@linkcode sweepCli} and {@linkcode sweepMcp}. */
export interface SweepOptions {
  /** How to run the CLI (sweepCli only; default `A`). */
  mode?: Mode;
  /** What to ask. */
  plan?: SweepPlan;
  /** Where failed checks are recorded. */
  checks: Checks;
}

/**
 * Run the read commands on the world in `options.mode`: skeleton of the segment,
 * refused paths and symbols, `ctx build`, searches and `ctx get` of every
 * hit (raw and skeleton), hover and definition. Checks exit and error codes
 * into `checks`; returns every run for the leak scan.
 */
export async function sweepCli(world: World, options: SweepOptions): Promise<Run[]> {
  const { mode, checks } = options;
  const plan = options.plan ?? {};
  const runs: Run[] = [];
  const run = async (args: string[]) => {
    const r = await trifecta(world, args, { mode, env: plan.env });
    runs.push(r);
    return r;
  };
  const skeleton = await run(["ast", "skeleton", ".", "--json"]);
  const skJson = checks.check(() => assertOk(skeleton));
  const skFiles = ((skJson?.files ?? []) as { path: string }[]).map((f) => f.path);
  for (const ref of plan.refusedPaths ?? []) {
    checks.check(() =>
      assert.ok(!skFiles.includes(ref.target), `[${mode}] ast skeleton . lists ${ref.target}`)
    );
    const r = await run(["ast", "skeleton", ref.target, "--json"]);
    checks.check(() => assertError(r, ref.codes));
  }
  for (const ref of plan.refusedSymbols ?? []) {
    const a = await run(["ast", "symbols", ref.target, "--json"]);
    checks.check(() => assertError(a, ref.codes));
    const b = await run(["ast", "snippet", ref.target, "--mode", "raw", "--json"]);
    checks.check(() => assertError(b, ref.codes));
  }
  for (const uri of plan.symbols ?? []) {
    const a = await run(["ast", "symbols", uri, "--json"]);
    checks.check(() => assertOk(a));
    const b = await run(["ast", "snippet", uri, "--mode", "raw", "--json"]);
    checks.check(() => assertOk(b));
  }
  const build = await run(["ctx", "build", "--json"]);
  checks.check(() => assertOk(build));
  const ids = new Set<string>();
  for (const q of sweepQueries(world, plan.queries)) {
    const r = await run(["ctx", "search", "-q", q, "-l", "50", "--json"]);
    if (checks.check(() => assertOk(r))) { for (const id of hitIds(r)) ids.add(id); }
  }
  if (ids.size > 0) {
    for (const m of ["raw", "skeleton"]) {
      const idArg = [...ids].join(",");
      const r = await run(["ctx", "get", "-i", idArg, "-m", m, "-b", "1000000", "--json"]);
      checks.check(() => assertOk(r));
    }
  }
  for (const pos of plan.positions ?? []) {
    for (const method of ["hover", "definition"]) {
      const r = await run(["lsp", method, pos, "--json"]);
      checks.check(() => {
        assertNoCrash(r);
        assert.ok(r.code === 0 || r.code === 1, `lsp exit 0|1: ${shown(r)}`);
        if (r.code === 1) assertError(r, REFUSED);
      });
    }
  }
  return runs;
}

/**
 * The MCP counterpart of {@linkcode sweepCli}: skeleton, symbol, snippet,
 * search, get of every hit, hover and definition. The pack must exist.
 */
export async function sweepMcp(s: McpSession, world: World, options: SweepOptions): Promise<void> {
  const { checks } = options;
  const plan = options.plan ?? {};
  const skel = await s.call("skeleton", { path: ".", budget_tokens: 200_000 });
  checks.check(() => assertToolOk(skel, "skeleton ."));
  for (const ref of plan.refusedPaths ?? []) {
    const a = await s.call("skeleton", { path: ref.target });
    checks.check(() => assertToolError(a, ref.codes, { what: `mcp skeleton ${ref.target}` }));
  }
  for (const ref of plan.refusedSymbols ?? []) {
    const a = await s.call("symbol", { uri: ref.target });
    checks.check(() => assertToolError(a, ref.codes, { what: `mcp symbol ${ref.target}` }));
    const b = await s.call("snippet", { uri: ref.target, mode: "raw", budget_tokens: 100_000 });
    checks.check(() => assertToolError(b, ref.codes, { what: `mcp snippet ${ref.target}` }));
  }
  for (const uri of plan.symbols ?? []) {
    const a = await s.call("symbol", { uri });
    checks.check(() => assertToolOk(a, `mcp symbol ${uri}`));
    const b = await s.call("snippet", { uri, mode: "raw", budget_tokens: 100_000 });
    checks.check(() => assertToolOk(b, `mcp snippet ${uri}`));
  }
  const ids = new Set<string>();
  for (const q of sweepQueries(world, plan.queries)) {
    const a = await s.call("search", { query: q, limit: 50 });
    checks.check(() => assertToolOk(a, `mcp search ${q}`));
    for (const h of (a.structured.hits ?? []) as { id: string }[]) ids.add(h.id);
  }
  if (ids.size > 0) {
    for (const mode of ["raw", "skeleton"]) {
      const a = await s.call("get", { ids: [...ids], mode, budget_tokens: 200_000 });
      checks.check(() => assertToolOk(a, `mcp get ${mode}`));
    }
  }
  for (const pos of plan.positions ?? []) {
    const [file, line, col] = pos.split(":");
    for (const tool of ["hover", "definition"]) {
      const a = await s.call(tool, { file, line: Number(line), column: Number(col) });
      checks.check(() => {
        assert.ok(
          !a.text.includes("INTERNAL_ERROR"),
          `mcp ${tool} ${pos}: ${a.text.slice(0, 400)}`,
        );
        if (a.isError) assertToolError(a, REFUSED, { what: `mcp ${tool} ${pos}` });
      });
    }
  }
}
