/**
 * `ctx build`, `ctx sync` and `ctx validate`.
 *
 * @module
 */
import { createAstCache } from "../cache/mod.ts";
import {
  buildPack,
  type BuildReport,
  packRecords,
  syncPack,
  type SyncReport,
  validatePack,
  validateSynced,
  type ValidationReport,
} from "../context/mod.ts";
import type { CommandContext, CommandOutcome } from "./command.ts";
import { escapeField } from "../escape.ts";
import { printJson } from "./output.ts";
import { withStageSpan } from "../telemetry/otel_scope.ts";
import { createProgress, stagedProgress } from "./progress.ts";

/** What a pack stage runs: `buildPack` or `syncPack`, with the run's cache and progress. */
type PackStage<R> = (
  segment: CommandContext["segment"],
  options: Parameters<typeof buildPack>[1] & Parameters<typeof syncPack>[1],
) => Promise<R>;

/**
 * One pack stage (`ctx build` or `ctx sync`) with the run's AST cache and
 * progress line, as a span of the command's trace (docs/telemetry_otel.md).
 */
async function runStage<R>(
  ctx: CommandContext,
  name: "build" | "sync",
  stage: PackStage<R>,
): Promise<R> {
  const cache = createAstCache({
    persist: ctx.global.persistCache,
    segment: ctx.segment,
    telemetry: ctx.telemetry,
  });
  const progress = createProgress(ctx.output, `ctx ${name}`);
  const onProgress = stagedProgress(progress);
  try {
    return await withStageSpan(
      ctx.telemetry,
      `ctx.pack.${name}`,
      () => stage(ctx.segment, { cache, telemetry: ctx.telemetry, onProgress }),
    );
  } finally {
    progress.end(); // erased before the report prints on the same terminal
    cache.close();
  }
}

function runBuild(ctx: CommandContext): Promise<BuildReport> {
  return runStage(ctx, "build", buildPack);
}

function runSync(ctx: CommandContext): Promise<SyncReport> {
  return runStage(ctx, "sync", syncPack);
}

function syncText(r: SyncReport): string {
  const how = r.mode === "full" ? `full build (${r.full_reason ?? "no pack"})` : "incremental";
  return `Synced ${r.pack} (${how}): ${r.added} added, ${r.changed} changed, ${r.deleted} deleted, ${r.unchanged} unchanged; ${r.chunks} chunks\n`;
}

function buildText(r: BuildReport): string {
  const kinds = Object.entries(r.by_kind).map(([k, n]) => `${k} ${n}`).join(", ");
  let s = `Built ${r.pack}: ${r.chunks} chunks from ${r.files} files (${
    kinds || "none"
  }); index ${r.index}\n`;
  if (r.lock_waited_ms > 100) s += `   (waited ${r.lock_waited_ms} ms for another build)\n`;
  const reasons = Object.entries(r.skipped_by_reason).map(([k, n]) => `${k} ${n}`).join(", ");
  if (r.skipped_total > 0) s += `   skipped ${r.skipped_total} file(s): ${reasons}\n`;
  for (const f of r.skipped.slice(0, 20)) {
    s += `   skipped ${escapeField(f.path)}: ${escapeField(f.reason)}\n`;
  }
  const rules = Object.entries(r.secrets.by_rule).map(([k, n]) => `${k} ${n}`).join(", ");
  if (r.secrets.files > 0) {
    const what = r.secrets.mode === "exclude" ? "files left out" : "masked";
    s += `   secrets: ${r.secrets.findings} in ${r.secrets.files} file(s) (${rules}), ${what}\n`;
  }
  return s;
}

function validationText(v: ValidationReport): string {
  let s = v.passed
    ? "✅ Validation Passed\n"
    : "❌ Validation Failed\n\n" + v.errors.map((e) => `   - ${escapeField(e)}\n`).join("");
  if (v.warnings.length > 0) {
    s += "\n⚠️  Warnings:\n" + v.warnings.map((w) => `   - ${escapeField(w)}\n`).join("");
  }
  if (v.stale_detected) s += "\nThe pack is stale: run `trifecta ctx sync`.\n";
  return s;
}

function buildEvent(r: BuildReport): Record<string, unknown> {
  return {
    files: r.files,
    chunks: r.chunks,
    by_kind: r.by_kind,
    by_method: r.by_method,
    bytes: r.bytes,
    pack_sha: r.pack_sha,
    skipped: r.skipped_total,
    skipped_by_reason: r.skipped_by_reason,
    secret_findings: r.secrets.by_rule,
    secret_files: r.secrets.files,
    secret_file_hashes: r.secrets.file_hashes.slice(0, 20).map((f) => f.path_hash),
    lock_waited_ms: r.lock_waited_ms,
    skeleton_cache: r.skeleton_cache,
  };
}

function recordValidation(ctx: CommandContext, v: ValidationReport): void {
  ctx.telemetry.setPackState({
    pack_sha: v.pack_sha,
    pack_mtime: v.pack_mtime,
    stale_detected: v.stale_detected,
  });
}

/** `ctx build`. */
export async function buildHandler(ctx: CommandContext): Promise<CommandOutcome> {
  const r = await runBuild(ctx);
  ctx.telemetry.setPackState({ pack_sha: r.pack_sha, pack_mtime: Date.now() });
  if (ctx.global.json) printJson(ctx.output, { status: "ok", ...r });
  else {
    ctx.output.out(buildText(r));
    for (const w of r.warnings) ctx.output.err(`⚠️  ${escapeField(w)}\n`);
  }
  return { result: buildEvent(r), warnings: r.warnings };
}

/**
 * `ctx sync`: re-chunk what changed since the last write (a full build when
 * there is no usable pack), then validate; exit 1 when validation fails.
 */
export async function syncHandler(ctx: CommandContext): Promise<CommandOutcome> {
  if (!ctx.global.json) ctx.output.out("🔄 Running sync...\n");
  // The records before the sync tell the validation which files it wrote.
  const before = packRecords(ctx.segment);
  const r = await runSync(ctx);
  if (!ctx.global.json) {
    const detail = r.mode === "full" ? buildText(r) : "";
    ctx.output.out(syncText(r) + detail + "✅ Sync complete. Validating...\n");
  }
  // Incremental: what the sync wrote, and the pack-level rules (docs/context_pack.md).
  // A full build: every chunk, but the files stat shows unchanged are not re-read.
  const v = await withStageSpan(
    ctx.telemetry,
    "ctx.pack.validate",
    () =>
      r.mode === "incremental" && before !== undefined
        ? validateSynced(ctx.segment, before)
        : validatePack(ctx.segment, { quick: true }),
  );
  recordValidation(ctx, v);
  if (ctx.global.json) {
    printJson(ctx.output, { status: v.passed ? "ok" : "error", build: r, validation: v });
  } else {
    ctx.output.out(validationText(v));
    for (const w of r.warnings) ctx.output.err(`⚠️  ${escapeField(w)}\n`);
  }
  return {
    exitCode: v.passed ? 0 : 1,
    result: {
      ...buildEvent(r),
      mode: r.mode,
      added: r.added,
      changed: r.changed,
      deleted: r.deleted,
      unchanged: r.unchanged,
      validation_errors: v.errors.length,
      stale_detected: v.stale_detected,
    },
    warnings: [...r.warnings, ...v.warnings],
  };
}

/** `ctx validate`: exit 1 when the pack fails a rule. */
export async function validateHandler(ctx: CommandContext): Promise<CommandOutcome> {
  const v = await withStageSpan(
    ctx.telemetry,
    "ctx.pack.validate",
    () => validatePack(ctx.segment),
  );
  recordValidation(ctx, v);
  if (ctx.global.json) printJson(ctx.output, { status: v.passed ? "ok" : "error", ...v });
  else ctx.output.out(validationText(v));
  return {
    exitCode: v.passed ? 0 : 1,
    result: {
      passed: v.passed,
      errors: v.errors.length,
      warnings_count: v.warnings.length,
      stale_detected: v.stale_detected,
      pack_sha: v.pack_sha,
    },
  };
}
