/**
 * The MCP tools: input and output schemas (zod, advertised as JSON Schema),
 * descriptions that tell an agent when to use each and how to stay within
 * a budget, and implementations that call the libraries on the session's
 * warm state.
 *
 * @module
 */
import { z } from "zod";
import { TrifectaError } from "../errors.ts";
import {
  collectSkeletonTargets,
  IN_PROCESS_LIMIT,
  singleFileFailure,
  skeletonOfFiles,
  skippedTargets,
} from "../ast/mod.ts";
import { discloseSymbol, resolveSymbol, symbolJson, symbolRangeJson } from "../symbols/mod.ts";
import { type LspMethod, REASON_TEXT } from "../lsp/mod.ts";
import { DEFAULT_BUDGET, getChunks, searchPack } from "../context/mod.ts";
import { buildReport, readTelemetry, telemetryDirFor } from "../telemetry/mod.ts";
import { checkInside } from "../segment/mod.ts";
import { sha256Hex } from "../sha256.ts";
import {
  budgetOutline,
  fitSymbolAnswer,
  MIN_SKELETON_BUDGET,
  MIN_SYMBOL_BUDGET,
} from "./budget.ts";
import type { McpState } from "./state.ts";
import { escapeField } from "../escape.ts";

/** What a tool hands back: text for the agent, structured content, and event fields. */
export interface ToolOutput {
  /** Text content. */
  text: string;
  /** Structured content (matches the tool's output schema). */
  structured: Record<string, unknown>;
  /** Telemetry `args` of the `mcp.<tool>` event (redacted on write). */
  eventArgs?: Record<string, unknown>;
  /** Telemetry `result` fields of the event. */
  eventResult?: Record<string, unknown>;
}

/** One tool. */
export interface ToolSpec {
  /** Tool name. */
  name: string;
  /** Short title. */
  title: string;
  /** When to use it and how to stay within a budget. */
  description: string;
  /** Input schema. */
  input: z.ZodObject<z.ZodRawShape>;
  /** Output schema. */
  output: z.ZodObject<z.ZodRawShape>;
  /** Run it on validated arguments. */
  run: (state: McpState, args: Record<string, unknown>) => Promise<ToolOutput>;
}

/** Fields every output has; on an error only these are set. */
const BASE_OUTPUT = {
  status: z.enum(["ok", "error"]).describe("`ok`, or `error` with error_code"),
  error_code: z.string().optional().describe("trifecta error code when status is error"),
  message: z.string().optional(),
  next_steps: z.array(z.string()).optional(),
};

function outputOf(shape: z.ZodRawShape): z.ZodObject<z.ZodRawShape> {
  const optional: z.ZodRawShape = {};
  for (const [k, v] of Object.entries(shape)) optional[k] = v.optional();
  return z.object({ ...BASE_OUTPUT, ...optional }).passthrough();
}

function define<S extends z.ZodRawShape>(spec: {
  name: string;
  title: string;
  description: string;
  input: S;
  output: z.ZodRawShape;
  run: (state: McpState, args: z.infer<z.ZodObject<S>>) => Promise<ToolOutput>;
}): ToolSpec {
  const input = z.object(spec.input).strict();
  return {
    name: spec.name,
    title: spec.title,
    description: spec.description,
    input: input as unknown as z.ZodObject<z.ZodRawShape>,
    output: outputOf(spec.output),
    run: (state, args) => spec.run(state, args as z.infer<z.ZodObject<S>>),
  };
}

const MODES = ["skeleton", "excerpt", "raw"] as const;
const DEFAULT_SKELETON_BUDGET = 2000;
const DEFAULT_SYMBOL_BUDGET = 2000;
const DEFAULT_LOCATIONS = 100;

const rangeShape = z.object({
  path: z.string(),
  line: z.number(),
  col: z.number(),
  end_line: z.number(),
  end_col: z.number(),
});

function json(value: unknown): string {
  return JSON.stringify(value, null, 1);
}

const skeleton = define({
  name: "skeleton",
  title: "Outline files (classes, functions, signatures, line ranges)",
  description:
    "Start here. The symbol outline of a file or a directory (recursive, .gitignore respected): " +
    "imports, classes, functions and methods with signatures, first doc line and L<start>-<end> " +
    "line ranges — no bodies. Costs far fewer tokens than reading files. The outline never " +
    "exceeds budget_tokens: whole files in path order, then one file cut by lines, then a " +
    "marker line saying how many symbols and files were left out (ask again with a narrower " +
    "path). Then use `symbol`/`snippet` with a sym:// URI for the code you need.",
  input: {
    path: z.string().min(1).describe(
      "file or directory, relative to the segment root (e.g. `src/app/models.py`, `src`)",
    ),
    budget_tokens: z.number().int().min(MIN_SKELETON_BUDGET).max(200_000).optional()
      .describe(`token budget of the outline (default ${DEFAULT_SKELETON_BUDGET})`),
  },
  output: {
    outline: z.string(),
    files: z.array(z.object({
      path: z.string(),
      language: z.string(),
      has_errors: z.boolean(),
      symbols: z.number(),
      shown: z.enum(["full", "partial"]),
    })),
    skipped: z.array(z.object({ path: z.string(), reason: z.string() }).passthrough()),
    files_total: z.number(),
    files_omitted: z.number(),
    symbols_total: z.number(),
    symbols_omitted: z.number(),
    truncated: z.boolean(),
    token_est: z.number(),
    budget_tokens: z.number(),
  },
  run: async (state, args) => {
    const { segment, cache, telemetry } = state;
    const budget = args.budget_tokens ?? DEFAULT_SKELETON_BUDGET;
    const targets = await collectSkeletonTargets(segment, [args.path]);
    const many = targets.files.length >= IN_PROCESS_LIMIT;
    const batch = await skeletonOfFiles(segment, targets.files, {
      cache,
      telemetry,
      pool: many ? state.pool() : undefined,
    });
    const failed = singleFileFailure(batch, targets.singles);
    if (failed) throw failed;
    const skipped = skippedTargets(targets, batch);
    const skeletons = batch.files.flatMap((o) => (o.skeleton ? [o.skeleton] : []));
    const outline = budgetOutline(skeletons, { budgetTokens: budget });
    return {
      text: outline.text === "" ? "(no source files)\n" : outline.text,
      structured: {
        status: "ok",
        outline: outline.text,
        files: outline.files,
        skipped: skipped.slice(0, 20),
        files_total: outline.files_total,
        files_omitted: outline.files_omitted,
        symbols_total: outline.symbols_total,
        symbols_omitted: outline.symbols_omitted,
        truncated: outline.truncated,
        token_est: outline.token_est,
        budget_tokens: budget,
      },
      eventArgs: { path: args.path, budget_tokens: budget, dirs_count: targets.dirs },
      eventResult: {
        files: outline.files_total,
        cache_hits: batch.stats.cache_hits,
        cache_misses: batch.stats.cache_misses,
        truncated: outline.truncated,
        token_est: outline.token_est,
      },
    };
  },
});

const symbol = define({
  name: "symbol",
  title: "Resolve a sym:// URI to a symbol and its line range",
  description:
    "Find one symbol and its exact line range, or list a module's symbols, without reading code. " +
    "URI forms: `sym://python/mod/pkg.module` (a module: its symbols), " +
    "`sym://python/type/pkg.module/Class` (a class or function), " +
    "`sym://python/type/pkg.module/Class#method` (a member); `typescript` works the same " +
    "(`sym://typescript/mod/web/api`). Cheap; use before `snippet`. Errors name near misses " +
    "(SYMBOL_NOT_FOUND) or the candidates (AMBIGUOUS_SYMBOL). The answer never exceeds " +
    "budget_tokens: symbols past it are left out (truncated: true, symbols_omitted) and the " +
    "text ends with a marker line.",
  input: {
    uri: z.string().min(1).max(2048).describe("a sym:// URI"),
    budget_tokens: z.number().int().min(MIN_SYMBOL_BUDGET).max(200_000).optional()
      .describe(`token budget of the answer (default ${DEFAULT_SYMBOL_BUDGET})`),
  },
  output: {
    uri: z.string(),
    kind: z.string(),
    file: z.string(),
    language: z.string(),
    has_errors: z.boolean(),
    symbol: z.object({
      kind: z.string(),
      name: z.string(),
      qualified_name: z.string(),
      start_line: z.number(),
      end_line: z.number(),
    }).passthrough(),
    symbols: z.array(z.object({}).passthrough()),
    symbols_total: z.number(),
    symbols_omitted: z.number(),
    truncated: z.boolean(),
    token_est: z.number(),
    budget_tokens: z.number(),
  },
  run: async (state, args) => {
    const budget = args.budget_tokens ?? DEFAULT_SYMBOL_BUDGET;
    const r = await resolveSymbol(state.segment, args.uri, {
      cache: state.cache,
      telemetry: state.telemetry,
    });
    const sk = r.parse.skeleton;
    const head: Record<string, unknown> = {
      status: "ok",
      uri: r.query.uri,
      kind: r.query.kind,
      file: r.file.rel,
      language: sk.language,
      has_errors: sk.has_errors,
      ...(r.symbol ? { symbol: symbolRangeJson(r.symbol) } : {}),
    };
    const list = (r.symbol ? r.symbol.children : sk.symbols).map(symbolJson);
    const fitted = fitSymbolAnswer(head, list, { budgetTokens: budget });
    return {
      text: fitted.text,
      structured: fitted.structured,
      eventArgs: {
        uri_hash: sha256Hex(args.uri).slice(0, 16),
        kind: r.query.kind,
        budget_tokens: budget,
      },
      eventResult: {
        file: r.file.rel,
        symbol: r.symbol?.qualified_name ?? null,
        truncated: fitted.structured.truncated,
        token_est: fitted.structured.token_est,
      },
    };
  },
});

const snippet = define({
  name: "snippet",
  title: "A symbol's code, by disclosure mode, within a budget",
  description:
    "The code of the symbol a sym:// URI names, with progressive disclosure: `skeleton` " +
    "(signatures and doc lines of the symbol and its members — cheapest), `excerpt` (default: " +
    "the first lines of the body, marked where cut), `raw` (the whole symbol — use last, " +
    "for the one symbol you must read in full). With budget_tokens the call fails with " +
    "BUDGET_EXCEEDED rather than return more; then use a cheaper mode or a narrower symbol.",
  input: {
    uri: z.string().min(1).max(2048).describe("a sym:// URI (see `symbol`)"),
    mode: z.enum(MODES).optional().describe("skeleton | excerpt (default) | raw"),
    budget_tokens: z.number().int().min(1).max(1_000_000).optional()
      .describe("most tokens to return; over it the call fails with BUDGET_EXCEEDED"),
  },
  output: {
    uri: z.string(),
    file: z.string(),
    mode: z.enum(MODES),
    range: z.object({ start_line: z.number(), end_line: z.number() }),
    content: z.string(),
    truncated: z.boolean(),
    token_est: z.number(),
    symbol: z.object({}).passthrough().nullable(),
  },
  run: async (state, args) => {
    const mode = args.mode ?? "excerpt";
    const r = await resolveSymbol(state.segment, args.uri, {
      cache: state.cache,
      telemetry: state.telemetry,
    });
    const s = await discloseSymbol(r, {
      mode,
      budgetTokenEst: args.budget_tokens,
      telemetry: state.telemetry,
    });
    const d = s.disclosure;
    const what = r.symbol ? `${r.symbol.kind} ${r.symbol.qualified_name}` : "module";
    const head = `# ${
      escapeField(r.file.rel)
    }:${d.range.start_line}-${d.range.end_line}  ${what}  [${d.mode}, ~${d.token_est} tokens]`;
    return {
      text: `${head}\n${d.content}`,
      structured: {
        status: "ok",
        uri: r.query.uri,
        file: r.file.rel,
        mode: d.mode,
        range: d.range,
        content: d.content,
        truncated: d.truncated,
        truncated_reason: d.truncated_reason,
        omitted_lines: d.omitted_lines,
        token_est: d.token_est,
        budget_tokens: args.budget_tokens ?? null,
        symbol: r.symbol ? symbolRangeJson(r.symbol) : null,
      },
      eventArgs: {
        uri_hash: sha256Hex(args.uri).slice(0, 16),
        mode,
        budget_tokens: args.budget_tokens ?? null,
      },
      eventResult: { file: r.file.rel, bytes_read: s.bytes_read, truncated: d.truncated },
    };
  },
});

function lspTool(method: Exclude<LspMethod, "diagnostics">, description: string): ToolSpec {
  return define({
    name: method,
    title: `${method} at a position (language server, AST fallback)`,
    description,
    input: {
      file: z.string().min(1).describe("file relative to the segment root"),
      line: z.number().int().min(1).describe("1-based line"),
      column: z.number().int().min(1).describe("1-based column (characters)"),
      ...(method === "references"
        ? {
          limit: z.number().int().min(1).max(2000).optional().describe(
            `most locations returned (default ${DEFAULT_LOCATIONS})`,
          ),
        }
        : {}),
    },
    output: {
      capability_state: z.enum(["FULL", "DEGRADED", "UNAVAILABLE"]),
      backend: z.string(),
      response_state: z.string(),
      fallback_reason: z.string().nullable(),
      fallback_text: z.string().nullable(),
      symbol: z.string().nullable(),
      locations: z.array(rangeShape),
      locations_total: z.number(),
      contents: z.string(),
      note: z.string(),
      lsp_state: z.string(),
    },
    run: async (state, args) => {
      // The read boundary's path check: inside the segment, really (no
      // symlink out), and neither the name nor the target denied.
      const file = await checkInside(state.segment, args.file);
      if (file.isDirectory) {
        throw new TrifectaError(
          "INVALID_LOCATION",
          `Expected a file, got a directory: ${file.rel}`,
        );
      }
      const outcome = await state.lsp.answer({
        method,
        file: { abs: file.abs, rel: file.rel },
        line: args.line,
        col: args.column,
      });
      const res = outcome.response;
      const d = res.data;
      const limit = (args as { limit?: number }).limit ?? DEFAULT_LOCATIONS;
      const all = d?.locations ?? [];
      const structured: Record<string, unknown> = {
        status: "ok",
        capability_state: res.capability_state,
        backend: res.backend,
        response_state: res.response_state,
        fallback_reason: res.fallback_reason ?? null,
        fallback_text: res.fallback_reason ? REASON_TEXT[res.fallback_reason] : null,
        file: file.rel,
        line: args.line,
        column: args.column,
        symbol: d?.symbol ?? null,
        lsp_state: outcome.state,
      };
      if (method === "hover") {
        structured.contents = d?.contents ?? "";
        if (d?.range) structured.range = d.range;
      } else {
        structured.locations = all.slice(0, limit);
        structured.locations_total = all.length;
      }
      if (d?.note) structured.note = d.note;
      return {
        text: json(structured),
        structured,
        eventArgs: { file: file.rel, line: args.line, col: args.column },
        eventResult: {
          capability_state: res.capability_state,
          backend: res.backend,
          fallback_reason: res.fallback_reason ?? null,
          locations: method === "hover" ? undefined : all.length,
          lsp_state: outcome.state,
        },
      };
    },
  });
}

const search = define({
  name: "search",
  title: "Search the context pack (docs and code chunks)",
  description:
    "Full-text search (BM25, names and paths ranked first) over the segment's context pack: " +
    "Markdown sections, one chunk per top-level symbol, config files. Returns chunk ids with a " +
    "200-character preview and token estimates; read the chunks you need with `get`. Needs a " +
    "pack (`trifecta ctx build`); a pack whose files changed is rebuilt first (pack_rebuilt).",
  input: {
    query: z.string().min(1).max(1000).describe("words or identifiers (2+ characters)"),
    limit: z.number().int().min(1).max(50).optional().describe("most hits (default 5)"),
  },
  output: {
    hits: z.array(
      z.object({ id: z.string(), path: z.string(), token_est: z.number() })
        .passthrough(),
    ),
    total_matches: z.number(),
    zero_hit_reason: z.string(),
    warnings: z.array(z.string()),
    pack_rebuilt: z.boolean(),
  },
  run: async (state, args) => {
    const fresh = await state.pack.fresh();
    const r = await searchPack(state.segment, args.query, {
      limit: args.limit,
      checkStale: false,
    });
    const structured: Record<string, unknown> = {
      status: "ok",
      hits: r.hits,
      total_matches: r.total_matches,
      warnings: r.warnings,
      pack_rebuilt: fresh.rebuilt !== undefined,
    };
    if (r.zero_hit_reason) structured.zero_hit_reason = r.zero_hit_reason;
    return {
      text: json(structured),
      structured,
      eventArgs: {
        query_hash: sha256Hex(args.query).slice(0, 16),
        query_len: args.query.length,
        limit: args.limit ?? null,
      },
      eventResult: {
        hits: r.hits.length,
        total_matches: r.total_matches,
        pack_rebuilt: fresh.rebuilt !== undefined,
      },
    };
  },
});

const get = define({
  name: "get",
  title: "Read context-pack chunks by id, within a budget",
  description:
    "Read chunks returned by `search`, in the order given, until budget_tokens is spent. Modes: " +
    "`skeleton` (signatures/headings only — cheapest), `excerpt` (default: the first lines), " +
    "`raw` (whole chunks — use last). Chunks past the budget are not returned " +
    "(stop_reason: budget).",
  input: {
    ids: z.array(z.string().min(1).max(1000)).min(1).max(50).describe("chunk ids from `search`"),
    mode: z.enum(MODES).optional().describe("skeleton | excerpt (default) | raw"),
    budget_tokens: z.number().int().min(1).max(1_000_000).optional()
      .describe(`token budget (default ${DEFAULT_BUDGET})`),
  },
  output: {
    chunks: z.array(z.object({ id: z.string(), text: z.string() }).passthrough()),
    total_tokens: z.number(),
    stop_reason: z.string(),
    missing_ids: z.array(z.string()),
    pack_rebuilt: z.boolean(),
  },
  run: async (state, args) => {
    const fresh = await state.pack.fresh();
    const mode = args.mode ?? "excerpt";
    const budget = args.budget_tokens ?? DEFAULT_BUDGET;
    const r = getChunks(fresh.loaded.pack, args.ids, { mode, budget });
    const structured: Record<string, unknown> = {
      status: "ok",
      ...r,
      pack_rebuilt: fresh.rebuilt !== undefined,
    };
    let text = "";
    for (const c of r.chunks) {
      text += `## [${escapeField(c.id)}] ${escapeField(c.title_path.join(" > "))}\n${
        c.text.replace(/\n$/, "")
      }\n\n`;
    }
    if (r.missing_ids.length > 0) {
      text += `unknown id(s): ${escapeField(r.missing_ids.join(", "))}\n`;
    }
    text += `(${r.chunks_returned} chunk(s), mode=${mode}, ~${r.total_tokens} tokens, ` +
      `stop: ${r.stop_reason})\n`;
    return {
      text,
      structured,
      eventArgs: { ids_count: args.ids.length, mode, budget },
      eventResult: {
        chunks_returned: r.chunks_returned,
        total_tokens: r.total_tokens,
        stop_reason: r.stop_reason,
        pack_rebuilt: fresh.rebuilt !== undefined,
      },
    };
  },
});

const telemetryReport = define({
  name: "telemetry_report",
  title: "trifecta's own telemetry for this segment",
  description:
    "Commands and tool calls recorded for this segment: counts, latency p50/p95, cache hit " +
    "rates, tokens returned, warnings. Paths are relative and contents are never recorded. " +
    "Use to check what trifecta cost in this session.",
  input: {
    last_days: z.number().int().min(0).max(3650).optional()
      .describe("only the last N days (0 = all, default 7)"),
  },
  output: {
    report: z.object({}).passthrough(),
  },
  run: async (state, args) => {
    const lastDays = args.last_days ?? 7;
    await state.telemetry.flush();
    const data = await readTelemetry(telemetryDirFor(state.segment), {
      lastDays,
      root: state.segment.root,
    });
    const report = buildReport(data, { lastDays });
    const { metrics: _metrics, last_run: _lastRun, files: _files, ...brief } = report;
    const structured = { status: "ok", report: brief };
    return {
      text: json(structured),
      structured,
      eventArgs: { last_days: lastDays },
      eventResult: { events: report.events },
    };
  },
});

/** Every tool, in the order they are listed. */
export const TOOLS: readonly ToolSpec[] = [
  skeleton,
  symbol,
  snippet,
  lspTool(
    "definition",
    "Where the identifier at file:line:column is defined, from the language server (pyright) " +
      "kept warm for the session. If the server is not READY or absent, the answer comes from " +
      "the AST (capability_state DEGRADED, fallback_reason named): symbols found by name. " +
      "Follow up with `snippet` on the location, or `symbol` for its range.",
  ),
  lspTool(
    "references",
    "Every use of the identifier at file:line:column, from the language server (AST fallback: " +
      "whole-word text matches, capability_state DEGRADED). Returns at most `limit` " +
      "locations (locations_total says how many there were).",
  ),
  lspTool(
    "hover",
    "The type and documentation of the identifier at file:line:column, from the language " +
      "server (AST fallback: the signature and doc line of a symbol with that name).",
  ),
  search,
  get,
  telemetryReport,
];
