/**
 * `ast symbols <uri>` and `ast snippet <uri>`: resolve a `sym://` URI and show
 * the module's symbols, one symbol, or the symbol's code by disclosure mode.
 *
 * @module
 */
import { type AstCache, createAstCache, describeCache } from "../cache/mod.ts";
import type { SkeletonSymbol } from "../ast/mod.ts";
import {
  discloseSymbol,
  type ResolvedSymbol,
  resolveSymbol,
  type SnippetResult,
  symbolJson,
  telemetryQuery,
} from "../symbols/mod.ts";
import type { OptionsFor } from "../contract/commands.ts";
import { snippetJson, symbolHeadJson } from "../contract/results.ts";
import type { CommandContext, CommandOutcome } from "./command.ts";
import { escapeField } from "../escape.ts";
import { printJson } from "./output.ts";

export { type SymbolJson, symbolJson } from "../symbols/mod.ts";

function openCache(ctx: CommandContext): AstCache {
  return createAstCache({
    persist: ctx.global.persistCache,
    segment: ctx.segment,
    telemetry: ctx.telemetry,
  });
}

async function resolveWith(ctx: CommandContext, cache: AstCache): Promise<ResolvedSymbol> {
  // Commander and the fast path both pass exactly one URI; "" is INVALID_URI.
  return await resolveSymbol(ctx.segment, ctx.args[0] ?? "", {
    cache,
    telemetry: ctx.telemetry,
  });
}

/** A signature on one line, with any other control character escaped. */
function oneLine(text: string): string {
  return escapeField(text.replace(/\s*\r?\n\s*/g, " ").trim());
}

function outlineText(symbols: readonly SkeletonSymbol[], depth: number, out: string[]): void {
  for (const s of symbols) {
    const pad = "  ".repeat(depth);
    const lines = s.start_line === s.end_line
      ? `L${s.start_line}`
      : `L${s.start_line}-${s.end_line}`;
    out.push(`${pad}${s.kind} ${escapeField(s.name)}  ${lines}  ${oneLine(s.signature)}`);
    outlineText(s.children, depth + 1, out);
  }
}

/** Event fields shared by both commands (relative paths and hashes only). */
function eventFields(r: ResolvedSymbol): CommandOutcome {
  return {
    args: telemetryQuery(r.query.uri),
    result: {
      kind: r.query.kind,
      file: r.file.rel,
      symbol: r.symbol?.qualified_name ?? null,
    },
    extra: {
      cache_status: r.lookup.cache_status,
      cache_key: r.parse.cache_key,
      miss_reason: r.lookup.miss_reason,
    },
  };
}

/** `ast symbols <uri>`: a module's symbols, or one symbol with its range. */
export async function symbolsHandler(ctx: CommandContext): Promise<CommandOutcome> {
  const cache = openCache(ctx);
  try {
    const r = await resolveWith(ctx, cache);
    const sk = r.parse.skeleton;
    const symbols = r.symbol ? [r.symbol] : sk.symbols;
    const reason = r.lookup.miss_reason;
    if (ctx.global.json) {
      printJson(ctx.output, {
        ...symbolHeadJson(r, { segmentRoot: ctx.segment.root }),
        symbols: symbols.map(symbolJson),
        cache_status: r.lookup.cache_status,
        cache_key: r.parse.cache_key,
        miss_reason: reason,
        cache_backend: describeCache(cache).backend,
        cache_db_path: describeCache(cache).db_path,
      });
    } else {
      const lines: string[] = [];
      if (r.symbol) {
        const s = r.symbol;
        lines.push(
          `${escapeField(r.file.rel)}:${s.start_line}-${s.end_line}  ${s.kind} ${
            escapeField(s.qualified_name)
          }`,
        );
        if (s.doc) lines.push(`  ${escapeField(s.doc)}`);
      } else {
        const n = sk.symbols.length;
        lines.push(
          `${escapeField(r.file.rel)}  (${sk.language}, ${n} top-level symbol${
            n === 1 ? "" : "s"
          })`,
        );
      }
      if (sk.has_errors) lines.push("  (syntax errors: symbols recovered by tree-sitter)");
      outlineText(symbols, 1, lines);
      lines.push(`cache: ${r.lookup.cache_status} (${reason})`);
      ctx.output.out(lines.join("\n") + "\n");
    }
    const outcome = eventFields(r);
    outcome.result = { ...outcome.result, symbols_count: symbols.length };
    return outcome;
  } finally {
    cache.close();
  }
}

function snippetText(r: ResolvedSymbol, s: SnippetResult): string {
  const d = s.disclosure;
  const what = r.symbol ? `${r.symbol.kind} ${escapeField(r.symbol.qualified_name)}` : "module";
  const head = `# ${
    escapeField(r.file.rel)
  }:${d.range.start_line}-${d.range.end_line}  ${what}  [${d.mode}, ~${d.token_est} tokens]`;
  if (d.mode === "skeleton") return `${head}\n${d.content}`;
  const body = d.content.split("\n");
  if (body[body.length - 1] === "") body.pop();
  const width = String(d.range.end_line).length;
  const numbered = body.map((line, i) => {
    const n = d.range.start_line + i;
    return n <= d.range.end_line ? `${String(n).padStart(width)} | ${line}` : line;
  });
  return `${head}\n${numbered.join("\n")}\n`;
}

/** `ast snippet <uri> [--mode skeleton|excerpt|raw] [--budget-token-est N]`. */
export async function snippetHandler(
  ctx: CommandContext<OptionsFor<"ast.snippet">>,
): Promise<CommandOutcome> {
  const mode = ctx.options.mode;
  // No flag: the config's `budgets.snippet` (none by default: the whole symbol).
  const budget = ctx.options.budgetTokenEst ?? ctx.config.budgets.snippet.value ?? undefined;
  const cache = openCache(ctx);
  try {
    const r = await resolveWith(ctx, cache);
    const s = await discloseSymbol(r, { mode, budgetTokenEst: budget, telemetry: ctx.telemetry });
    const d = s.disclosure;
    if (ctx.global.json) {
      printJson(
        ctx.output,
        snippetJson(r, s, { segmentRoot: ctx.segment.root, budgetTokens: budget }),
      );
    } else {
      ctx.output.out(snippetText(r, s));
    }
    const outcome = eventFields(r);
    outcome.args = { ...outcome.args, mode, budget_tokens: budget ?? null };
    outcome.result = {
      ...outcome.result,
      bytes_read: s.bytes_read,
      token_est: d.token_est,
      truncated: d.truncated,
    };
    outcome.extra = { ...outcome.extra, disclosure_mode: mode, bytes_read: s.bytes_read };
    return outcome;
  } finally {
    cache.close();
  }
}
