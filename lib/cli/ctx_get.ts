/**
 * `ctx get`.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
// The context modules themselves, not lib/context/mod.ts: `ctx get` is on the
// fast path, and the barrel would load the build and search pipelines too.
import { checkStale } from "../context/stale.ts";
import {
  DEFAULT_BUDGET,
  getChunks,
  type GetResult,
  parseIds,
  pdReportLine,
} from "../context/get.ts";
import { type LoadedPack, readPackChunks } from "../context/pack_io.ts";
import { optionalEnv } from "../env.ts";
import { escapeField } from "../escape.ts";
import type { OptionsFor } from "../contract/commands.ts";
import { getJson } from "../contract/results.ts";
import type { CommandContext, CommandOutcome } from "./command.ts";
import { printJson } from "./output.ts";

function envMaxChunks(): number | undefined {
  const raw = optionalEnv("TRIFECTA_PD_MAX_CHUNKS");
  if (raw === undefined || !/^\d+$/.test(raw) || Number(raw) < 1) return undefined;
  return Number(raw);
}

function text(r: GetResult): string {
  let s =
    `Retrieved ${r.chunks_returned} chunk(s) (mode=${r.mode}, tokens=~${r.total_tokens}):\n\n`;
  for (const c of r.chunks) {
    // The heading is one line of segment-derived names; the chunk text is
    // multi-line content (the terminal guard escapes its control characters).
    s += `## [${escapeField(c.id)}] ${escapeField(c.title_path.join(" > "))}\n${
      c.text.replace(/\n$/, "")
    }\n\n`;
  }
  if (r.total_tokens > r.budget || r.budget_exceeded) {
    s +=
      "> [!WARNING]\n> Cut to fit the budget: ask again with a larger budget (-b) for the rest.\n";
  }
  return s;
}

/**
 * Whether the files the returned chunks come from changed since the pack
 * was built: a warning, and the pack's state recorded in telemetry.
 */
function staleness(
  ctx: CommandContext,
  loaded: LoadedPack,
  r: GetResult,
): { stale: ReturnType<typeof checkStale>; warnings: string[] } {
  const returned = new Set(r.chunks.map((c) => c.source_path));
  const stale = checkStale(
    ctx.segment,
    loaded.pack.source_files.filter((f) => returned.has(f.path)),
  );
  const warnings: string[] = [];
  if (stale.stale) {
    warnings.push(
      `The context pack is stale (${stale.changed.length} changed, ${stale.missing.length} missing file(s)); run \`trifecta ctx sync\`.`,
    );
    ctx.telemetry.setPackState({
      pack_sha: loaded.packSha,
      pack_mtime: loaded.mtimeMs,
      stale_detected: true,
    });
  }
  return { stale, warnings };
}

/** `ctx get -i IDS [-m MODE] [-b N] [--max-chunks N] [--stop-on-evidence -q Q] [--pd-report]`. */
export async function getHandler(
  ctx: CommandContext<OptionsFor<"ctx.get">>,
): Promise<CommandOutcome> {
  const ids = parseIds(ctx.options.ids);
  if (ids.length === 0) {
    throw new UsageError("No chunk ids given to -i/--ids.", {
      code: "NO_IDS",
      nextSteps: ["Pass ids from `trifecta ctx search`, comma-separated"],
    });
  }
  const mode = ctx.options.mode;
  const budget = ctx.options.budgetTokenEst ?? ctx.config.budgets.ctx_get.value ?? DEFAULT_BUDGET;
  const maxChunks = ctx.options.maxChunks ?? envMaxChunks();
  const stopOnEvidence = ctx.options.stopOnEvidence ||
    optionalEnv("TRIFECTA_PD_STOP_ON_EVIDENCE") === "1";
  const query = ctx.options.query;
  // Only the rows of the ids asked for, whatever the pack's size.
  const loaded = await readPackChunks(ctx.segment, ids);
  const r = getChunks(loaded.pack, ids, { mode, budget, maxChunks, stopOnEvidence, query });
  const { stale, warnings } = staleness(ctx, loaded, r);
  if (r.missing_ids.length > 0) {
    warnings.push(`Unknown chunk id(s) skipped: ${r.missing_ids.join(", ")}`);
  }
  if (ctx.global.json) {
    printJson(ctx.output, {
      ...getJson(r),
      stale: stale.stale,
      warnings,
      ...(ctx.options.pdReport ? { pd_report: pdReportLine(r) } : {}),
    });
  } else {
    for (const w of warnings) ctx.output.err(`⚠️  ${escapeField(w)}\n`);
    ctx.output.out(text(r));
    if (ctx.options.pdReport) ctx.output.out(pdReportLine(r) + "\n");
  }
  ctx.telemetry.incr("ctx_get_count");
  ctx.telemetry.incr("ctx_get_chunks_total", r.chunks_returned);
  ctx.telemetry.incr(`ctx_get_mode_${mode}_count`);
  if (r.stop_reason === "budget") ctx.telemetry.incr("ctx_get_budget_trim_count");
  ctx.telemetry.incr(`file_read_${mode}_bytes_total`, r.bytes_read);
  return {
    args: {
      ids: ids.slice(0, 20),
      ids_count: ids.length,
      mode,
      budget,
      max_chunks: maxChunks ?? null,
      stop_on_evidence: stopOnEvidence,
    },
    result: {
      chunks_returned: r.chunks_returned,
      total_tokens: r.total_tokens,
      trimmed: r.chunks.some((c) => c.truncated),
      stop_reason: r.stop_reason,
      chunks_requested: r.chunks_requested,
      chars_returned_total: r.chars_returned_total,
      evidence: r.evidence,
      bytes_read: r.bytes_read,
      disclosure_mode: mode,
      missing_ids: r.missing_ids.length,
      stale: stale.stale,
    },
    warnings,
  };
}
