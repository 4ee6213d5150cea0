/**
 * `trifecta lsp definition|hover|references <file>:<line>:<col>` and
 * `trifecta lsp diagnostics <file>`; each also takes a `sym://` URI instead
 * (resolved and located by lib/nav/locate.ts; diagnostics of its file).
 * References come grouped by the referencing symbol (lib/nav/references.ts),
 * and for a URI without a READY server from the tree-sitter tags fallback.
 *
 * @module
 */
import type { AstCache } from "../cache/mod.ts";
import { TrifectaError, UsageError } from "../errors.ts";
// Single modules, not lib/lsp/mod.ts: a query through the warm daemon must
// not load the language-server client, the AST or npm packages (start-up).
import { parseLocation } from "../lsp/positions.ts";
import { answerQuery, type QueryOutcome, serverLanguageOf } from "../lsp/query.ts";
import {
  type AnswerData,
  type LspMethod,
  type LspResponse,
  REASON_TEXT,
  type SourceRange,
} from "../lsp/types.ts";
import { checkInside } from "../segment/boundary.ts";
import type { OptionsFor } from "../contract/commands.ts";
import { escapeField } from "../escape.ts";
import type { LocatedSymbol } from "../nav/locate.ts";
import type { ReferencesAnswer } from "../nav/references.ts";
import { referencesText } from "../nav/references_text.ts";
import type { CommandContext, CommandHandler, CommandOutcome } from "./command.ts";
import { type EnvReader, lspConfig, processEnv } from "../lsp/config.ts";
import { serverCommandEnv } from "../config/mod.ts";
import type { AutoDaemonOutcome } from "../lsp/daemon_auto.ts";

/** The four queries take the same options (`--require-lsp`). */
type QueryOptions = OptionsFor<
  "lsp.definition" | "lsp.hover" | "lsp.references" | "lsp.diagnostics"
>;
import { printJson } from "./output.ts";

/** A one-shot server that took at least this long (ms) to start earns the keep-warm hint. */
export const HINT_AFTER_START_MS = 1000;

/**
 * The one-line keep-warm hint for an answer a one-shot server gave after a
 * start of at least {@linkcode HINT_AFTER_START_MS} (measured spawn → READY),
 * else undefined: never for a daemon's answer or an AST fallback.
 *
 * @example
 * ```ts
 * import { keepWarmHint } from "./lsp_query.ts";
 * import { equal, match } from "node:assert/strict";
 * match(keepWarmHint({ via: "oneshot", serverStartMs: 4200 }, "repo") ?? "", /4.2 s.*-s repo/);
 * equal(keepWarmHint({ via: "oneshot", serverStartMs: 300 }, "."), undefined);
 * equal(keepWarmHint({ via: "daemon" }, "."), undefined);
 * ```
 */
export function keepWarmHint(
  outcome: { via: string; serverStartMs?: number },
  segmentArg: string,
): string | undefined {
  const ms = outcome.serverStartMs;
  if (outcome.via !== "oneshot" || ms === undefined || ms < HINT_AFTER_START_MS) return undefined;
  const seg = segmentArg === "." ? "" : ` -s ${shellWord(segmentArg)}`;
  return `the language server took ${(ms / 1000).toFixed(1)} s to start; keep it warm with ` +
    `\`trifecta lsp daemon start${seg}\` or the setting lsp.daemon: "auto" (docs/lsp.md)`;
}

/** A word as a POSIX shell reads it back (quoted unless plain). */
function shellWord(word: string): string {
  return /^[\w./,:@%+=-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * With `lsp.daemon: "auto"`, start the segment's daemon before the question
 * (lib/lsp/daemon_auto.ts), so it is asked through the daemon; undefined
 * when the setting is off or no server would be asked anyway.
 */
async function autoDaemon(
  ctx: CommandContext<QueryOptions>,
  file: string,
): Promise<AutoDaemonOutcome | undefined> {
  if (ctx.config.lsp.daemon.value !== "auto") return undefined;
  const config = lspConfig();
  if (!config.enabled || !config.useDaemon || !serverLanguageOf(file)) return undefined;
  const { autoStartDaemon } = await import("../lsp/daemon_auto.ts");
  const extraArgs = ctx.global.telemetry ? ["--telemetry", ctx.global.telemetry] : [];
  return await autoStartDaemon(ctx.segment, { ttlS: config.daemonTtlS, extraArgs });
}

/**
 * The environment the server lookup reads: the process's, with the servers of
 * the config's `lsp.servers` (trust rule applied, docs/config.md) where the
 * process leaves a server variable unset.
 */
function serverEnv(ctx: CommandContext<QueryOptions>): EnvReader {
  return serverCommandEnv(ctx.config.lsp.servers.value, processEnv);
}

/** The auto daemon's outcome in words, for stderr and the event's warnings. */
function autoNote(auto: AutoDaemonOutcome | undefined): string | undefined {
  if (auto?.outcome === "started") {
    return 'started the language-server daemon (lsp.daemon: "auto"); `trifecta lsp daemon stop` ends it';
  }
  if (auto?.outcome === "not_started") {
    return `lsp.daemon: "auto": ${auto.detail ?? "the daemon was not started"}; answered one-shot`;
  }
  return undefined;
}

function at(r: SourceRange): string {
  return `${r.path}:${r.line}:${r.col}`;
}

function renderText(
  method: LspMethod,
  res: LspResponse,
  extra: { uri?: string; refs?: ReferencesAnswer },
): string {
  const d = res.data as AnswerData;
  const lines: string[] = [];
  const where = d.line === undefined ? d.file : `${d.file}:${d.line}:${d.col}`;
  const who = res.capability_state === "FULL"
    ? res.backend
    : `AST fallback (${res.fallback_reason})`;
  const sym = d.symbol ? ` '${d.symbol}'` : "";
  const uri = extra.uri === undefined ? "" : ` (${escapeField(extra.uri)})`;
  lines.push(`${method}${sym}${uri} at ${where} — ${who}`);
  if (method === "hover") {
    lines.push(d.contents ? d.contents : "(nothing to show)");
  } else if (method === "diagnostics") {
    const diags = d.diagnostics ?? [];
    if (diags.length === 0) lines.push("no diagnostics");
    for (const g of diags) {
      const code = g.code ? ` [${g.code}]` : "";
      lines.push(`${d.file}:${g.line}:${g.col}: ${g.severity}${code}: ${g.message}`);
    }
  } else if (extra.refs) {
    lines.push(...referencesText(extra.refs));
  } else {
    const locs = d.locations ?? [];
    if (locs.length === 0) lines.push("no locations found");
    for (const l of locs) lines.push(`  ${at(l)}`);
  }
  if (res.capability_state !== "FULL") {
    lines.push(`note: degraded answer — ${REASON_TEXT[res.fallback_reason!]}`);
  }
  if (d.note) lines.push(`note: ${d.note}`);
  return lines.join("\n") + "\n";
}

/** What a query is about: a file, a position in it, and the URI it came from. */
interface Target {
  file: { abs: string; rel: string };
  line?: number;
  col?: number;
  /** The `sym://` URI given instead of a location. */
  uri?: string;
  /** The resolved URI (nav/locate.ts). */
  located?: LocatedSymbol;
}

/** The file and position of the argument: `FILE:LINE:COL` (`FILE`), or a `sym://` URI. */
async function targetOf(
  ctx: CommandContext<QueryOptions>,
  method: LspMethod,
  openCache: () => Promise<AstCache>,
): Promise<Target> {
  const arg = ctx.args[0] ?? "";
  if (arg.startsWith("sym://")) {
    // Loaded only for a URI: resolving it parses skeletons (the daemon path does not).
    const { locateSymbol } = await import("../nav/locate.ts");
    const located = await locateSymbol(ctx.segment, arg, {
      cache: await openCache(),
      telemetry: ctx.telemetry,
      requireSymbol: method !== "diagnostics",
    });
    const at = method === "diagnostics" ? {} : { line: located.line, col: located.col };
    return { file: located.file, ...at, uri: arg, located };
  }
  const loc = method === "diagnostics"
    ? { file: arg, line: undefined, col: undefined }
    : parseLocation(arg);
  const file = await checkInside(ctx.segment, loc.file);
  if (file.isDirectory) {
    throw new UsageError(`Expected a file, got a directory: ${file.rel}`, {
      code: "INVALID_LOCATION",
    });
  }
  return { file: { abs: file.abs, rel: file.rel }, line: loc.line, col: loc.col };
}

/** `lsp references`: grouped by the referencing symbol (nav/references.ts). */
async function askReferences(
  ctx: CommandContext<QueryOptions>,
  target: Target,
  openCache: () => Promise<AstCache>,
): Promise<ReferencesAnswer> {
  const { groupedAnswer, referencesOfSymbol } = await import("../nav/references.ts");
  const common = { telemetry: ctx.telemetry, openCache, env: serverEnv(ctx) };
  const requireLsp = ctx.options.requireLsp;
  if (target.located) {
    // The server is asked without its text fallback: the tags fallback replaces it.
    return await referencesOfSymbol(ctx.segment, target.located, {
      ...common,
      requireLsp,
      ask: (request) => answerQuery(ctx.segment, request, { ...common, requireLsp: true }),
    });
  }
  const outcome = await answerQuery(ctx.segment, {
    method: "references",
    file: target.file,
    line: target.line,
    col: target.col,
  }, { ...common, requireLsp });
  return await groupedAnswer(ctx.segment, outcome, common);
}

/**
 * How an answer was served, as it is reported: the JSON fields (`served_by`,
 * `auto_daemon`, `hint`), the stderr lines of text mode, the event's
 * warnings and extra fields.
 */
function servingOf(
  ctx: CommandContext<QueryOptions>,
  outcome: Omit<QueryOutcome, "response">,
  { res, auto }: { res: LspResponse; auto?: AutoDaemonOutcome },
) {
  const hint = res.status === "ok" ? keepWarmHint(outcome, ctx.global.segment) : undefined;
  const note = autoNote(auto);
  return {
    json: {
      served_by: outcome.via,
      ...(auto ? { auto_daemon: auto.outcome } : {}),
      ...(hint ? { hint } : {}),
    },
    stderr: [...(note ? [`note: ${note}\n`] : []), ...(hint ? [`hint: ${hint}\n`] : [])],
    warnings: auto?.outcome === "not_started" && note
      ? [...(outcome.warnings ?? []), note]
      : outcome.warnings,
    extra: {
      server_start_ms: outcome.serverStartMs,
      auto_daemon: auto?.outcome,
      hint: hint !== undefined,
    },
  };
}

/** Print the answer (or refuse it) and report the event fields. */
async function finish(
  ctx: CommandContext<QueryOptions>,
  method: LspMethod,
  target: Target,
  answered: {
    outcome: Omit<QueryOutcome, "response">;
    res: LspResponse;
    refs?: ReferencesAnswer;
    auto?: AutoDaemonOutcome;
  },
): Promise<CommandOutcome> {
  const { outcome, res, refs, auto } = answered;
  const uriArgs = target.uri === undefined
    ? {}
    : (await import("../symbols/resolve.ts")).telemetryQuery(target.uri);
  const eventArgs = {
    file: target.file.rel,
    line: target.line,
    col: target.col,
    require_lsp: ctx.options.requireLsp,
    ...uriArgs,
  };
  const result = {
    capability_state: res.capability_state,
    backend: res.backend,
    response_state: res.response_state,
    fallback_reason: res.fallback_reason ?? null,
    locations: res.data?.locations?.length,
    diagnostics: res.data?.diagnostics?.length,
    groups: refs?.groups.length,
    truncated: refs?.truncated,
  };
  const serving = servingOf(ctx, outcome, { res, auto });
  const extra = {
    via: outcome.via,
    lsp_state: outcome.state,
    answered_by: refs?.via,
    ...serving.extra,
  };
  if (res.status === "error") {
    if (ctx.global.json) {
      printJson(ctx.output, res);
      return {
        exitCode: 1,
        args: eventArgs,
        result: { ...result, error_code: res.error_code },
        extra,
      };
    }
    throw new TrifectaError(res.error_code!, res.message!, {
      nextSteps: [
        "Run without --require-lsp for an answer from the AST",
        "Check the server: trifecta lsp daemon status, or set TRIFECTA_LSP_COMMAND",
      ],
      details: { fallback_reason: res.fallback_reason },
    });
  }
  const uri = target.uri === undefined ? {} : { uri: target.uri };
  if (ctx.global.json) {
    const grouped = refs
      ? { via: refs.via, groups: refs.groups, total: refs.total, truncated: refs.truncated }
      : {};
    printJson(ctx.output, { ...res, ...uri, ...grouped, ...serving.json });
  } else {
    ctx.output.out(renderText(method, res, { uri: target.uri, refs }));
    for (const line of serving.stderr) ctx.output.err(line);
  }
  return { args: eventArgs, result, extra, warnings: serving.warnings };
}

/** Handler of one query command. */
export function queryHandler(method: LspMethod): CommandHandler<QueryOptions> {
  return async (ctx: CommandContext<QueryOptions>): Promise<CommandOutcome> => {
    let cache: AstCache | undefined;
    const openCache = async () =>
      cache ??= (await import("../cache/mod.ts")).createAstCache({
        persist: ctx.global.persistCache,
        segment: ctx.segment,
        telemetry: ctx.telemetry,
      });
    try {
      const target = await targetOf(ctx, method, openCache);
      const auto = await autoDaemon(ctx, target.file.rel);
      if (method === "references") {
        const refs = await askReferences(ctx, target, openCache);
        return await finish(ctx, method, target, {
          outcome: refs.outcome,
          res: refs.response,
          refs,
          auto,
        });
      }
      const { response, ...outcome } = await answerQuery(ctx.segment, {
        method,
        file: target.file,
        line: target.line,
        col: target.col,
      }, {
        telemetry: ctx.telemetry,
        openCache,
        requireLsp: ctx.options.requireLsp,
        env: serverEnv(ctx),
      });
      return await finish(ctx, method, target, { outcome, res: response, auto });
    } finally {
      cache?.close();
    }
  };
}
