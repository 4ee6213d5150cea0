/**
 * `trifecta lsp daemon start|stop|status`, and the hidden `serve` command
 * the daemon process runs.
 *
 * @module
 */
import { errorMessage, TrifectaError } from "../errors.ts";
import { permissionError } from "../segment/segment.ts";
import {
  type DaemonReport,
  daemonStatus,
  lspConfig,
  SERVE_EXIT_ALREADY_RUNNING,
  serveDaemon,
  startDaemon,
  stopDaemon,
} from "../lsp/mod.ts";
import type { OptionsFor } from "../contract/commands.ts";
import type { CommandContext, CommandOutcome } from "./command.ts";

/** `start` and `serve` take the same options (`--ttl`). */
type TtlContext = CommandContext<OptionsFor<"lsp.daemon.start" | "lsp.daemon.serve">>;
import { printJson } from "./output.ts";
import { processEnv } from "../lsp/config.ts";
import { serverCommandEnv } from "../config/mod.ts";

function ttlOf(ctx: TtlContext): number {
  return ctx.options.ttl ?? lspConfig().daemonTtlS;
}

function describe(r: DaemonReport): string {
  const s = r.status;
  if (!s) {
    return `pid ${r.pid ?? "?"}; not reachable from this process — ${
      r.problem ?? `add ${r.needs_flag} for its state and for queries through it`
    }`;
  }
  return `pid ${s.pid}, language server ${s.state} (${s.backend}), idle ${
    Math.round(s.idle_ms / 1000)
  } s of ${s.ttl_s} s, ${s.queries} queries`;
}

function reportJson(r: DaemonReport): Record<string, unknown> {
  const { status, ...rest } = r;
  return { ...rest, ...(status ?? {}) };
}

/** `lsp daemon start`. */
export async function startHandler(ctx: TtlContext): Promise<CommandOutcome> {
  const ttl = ttlOf(ctx);
  const extraArgs = ctx.global.telemetry ? ["--telemetry", ctx.global.telemetry] : [];
  let started;
  try {
    started = await startDaemon(ctx.segment, { ttlS: ttl, extraArgs });
  } catch (err) {
    // A named cause (an unsafe runtime directory, a missing grant) keeps its code.
    if (err instanceof TrifectaError) throw err;
    const perm = permissionError(err, "the daemon's runtime directory");
    if (perm) throw perm;
    throw new TrifectaError(
      "DAEMON_SPAWN_FAILED",
      `Could not start the LSP daemon: ${errorMessage(err)}`,
      {
        cause: err,
        nextSteps: [
          "Run it in the foreground to see why: trifecta lsp daemon serve",
          "The daemon needs the documented permission flags (--allow-read --allow-write --allow-env --allow-run --allow-sys)",
        ],
      },
    );
  }
  const { outcome, report } = started;
  const state = report.status?.state ?? null;
  ctx.telemetry.event("lsp.daemon_status", {
    args: { op: "start" },
    result: { status: outcome },
    timingMs: 1,
    extra: { state, ttl_s: ttl },
  });
  if (ctx.global.json) {
    printJson(ctx.output, { status: "ok", daemon: outcome, ...reportJson(report) });
  } else {
    ctx.output.out(
      outcome === "started"
        ? `LSP daemon started: ${describe(report)}\n`
        : `LSP daemon already running: ${describe(report)}\n`,
    );
  }
  return { args: { ttl_s: ttl }, result: { daemon: outcome, state } };
}

/** `lsp daemon status`. */
export async function statusHandler(ctx: CommandContext): Promise<CommandOutcome> {
  const report = await daemonStatus(ctx.segment);
  const state = report.status?.state ?? null;
  ctx.telemetry.event("lsp.daemon_status", {
    args: { op: "status" },
    result: {
      status: report.running ? "running" : "not_running",
    },
    timingMs: 1,
    extra: { state, reachable: report.reachable, trusted: report.trusted },
  });
  if (ctx.global.json) printJson(ctx.output, { status: "ok", ...reportJson(report) });
  else {
    ctx.output.out(
      report.running
        ? `LSP daemon running: ${describe(report)}\n`
        : !report.trusted
        ? `LSP daemon not trusted (not contacted): ${report.problem}\n`
        : !report.checked
        ? `LSP daemon state unknown: ${report.problem}; add ${report.needs_flag}\n`
        : "LSP daemon not running\n",
    );
  }
  return { result: { running: report.running, state } };
}

/** `lsp daemon stop`. */
export async function stopHandler(ctx: CommandContext): Promise<CommandOutcome> {
  const res = await stopDaemon(ctx.segment);
  ctx.telemetry.event("lsp.daemon_status", {
    args: { op: "stop" },
    result: { status: res.outcome },
    timingMs: 1,
  });
  if (ctx.global.json) {
    printJson(ctx.output, { status: "ok", daemon: res.outcome, pid: res.pid ?? null });
  } else {
    ctx.output.out(
      res.outcome === "not_running"
        ? "LSP daemon not running\n"
        : `LSP daemon ${res.outcome} (pid ${res.pid ?? "?"})\n`,
    );
  }
  return { result: { daemon: res.outcome } };
}

/** `lsp daemon serve` (internal): run the daemon in this process until its TTL or a stop. */
export async function serveHandler(ctx: TtlContext): Promise<CommandOutcome> {
  const end = await serveDaemon(ctx.segment, {
    // The config's `lsp.servers` (trusted sources only) where the env sets none.
    env: serverCommandEnv(ctx.config.lsp.servers.value, processEnv),
    ttlS: ttlOf(ctx),
    telemetry: ctx.telemetry,
    releaseAtExit: true,
  });
  if (end === "already_running") {
    ctx.output.err("LSP daemon already running for this segment\n");
    return { exitCode: SERVE_EXIT_ALREADY_RUNNING, result: { end } };
  }
  return { result: { end } };
}
