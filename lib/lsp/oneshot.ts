/**
 * The one-shot path of a CLI question: find a server, spawn it while the
 * file's skeleton is built, ask once READY, shut it down. Loaded by
 * `query.ts` only when no warm daemon answered, so a daemon query never
 * loads the client, discovery or the AST.
 *
 * @module
 */
import type { AstCache } from "../cache/mod.ts";
import type { Segment } from "../segment/segment.ts";
import type { Telemetry } from "../telemetry/telemetry.ts";
import { LspClient } from "./client.ts";
import {
  fallbackReasonOf,
  type LspState,
  LspUnavailableError,
  reasonOfUnavailable,
} from "./client_state.ts";
import type { EnvReader, LspConfig } from "./config.ts";
import { findServer, isServerCommand, type ServerLanguage } from "./discovery.ts";
import { performQuestion } from "./perform.ts";
import { type FallbackReason, fullResponse, type LspMethod, type LspResponse } from "./types.ts";

/** A question for a one-shot server. */
export interface OneShotRequest {
  /** Which answer. */
  method: LspMethod;
  /** The file: real absolute path, segment-relative path, current text. */
  file: { abs: string; rel: string; text: string };
  /** 1-based line (not for diagnostics). */
  line?: number;
  /** 1-based column (not for diagnostics). */
  col?: number;
}

/** Options for {@linkcode askOneShot}. */
export interface OneShotOptions {
  /** Which server family. */
  language: ServerLanguage;
  /** Settings (timeouts). */
  config: LspConfig;
  /** Environment for discovery. */
  env: EnvReader;
  /** Telemetry for the client's events. */
  telemetry?: Telemetry;
  /** Opens the AST cache the warm-up skeleton fills. */
  openCache?: () => Promise<AstCache>;
}

/** What {@linkcode askOneShot} gives back: an answer, or why there is none. */
export type OneShotResult =
  | {
    kind: "answer";
    response: LspResponse;
    state: LspState;
    /** Measured ms from the server's spawn to READY (the CLI's keep-warm hint). */
    startMs: number;
  }
  | {
    kind: "fallback";
    reason: FallbackReason;
    via: "none" | "oneshot";
    state: LspState | "NONE";
    detail?: string;
  };

/** Ask a freshly spawned server one question (see the module doc). */
export async function askOneShot(
  segment: Segment,
  request: OneShotRequest,
  options: OneShotOptions,
): Promise<OneShotResult> {
  const { config, env, language } = options;
  const server = await findServer(language, { env, root: segment.root });
  if (!isServerCommand(server)) {
    return {
      kind: "fallback",
      reason: server.reason,
      via: "none",
      state: "NONE",
      detail: server.detail,
    };
  }
  const file = request.file;
  const client = new LspClient(server, {
    root: segment.root,
    language,
    telemetry: options.telemetry,
    requestTimeoutMs: config.requestTimeoutMs,
  });
  try {
    client.start(file);
    // Warm-up runs while the AST of the file is built (the fallback needs it).
    const skeleton = (async () => {
      const { skeletonOfFile } = await import("../ast/mod.ts");
      return skeletonOfFile(segment, file, { cache: await options.openCache?.() });
    })().catch((err: unknown) => err); // only warms the cache; the fallback reports its own errors
    const state = await client.waitReady(config.readyTimeoutMs);
    const startMs = client.ageMs; // before the skeleton wait: the server's own start
    await skeleton;
    if (state !== "READY") {
      const reason: FallbackReason = fallbackReasonOf(state, client.failReason);
      return { kind: "fallback", reason, via: "oneshot", state };
    }
    try {
      const data = await performQuestion(client, segment, { ...request, ...file }, {
        timeoutMs: config.requestTimeoutMs,
      });
      const response = fullResponse(server.backend, data);
      return { kind: "answer", response, state: client.state, startMs };
    } catch (err) {
      if (err instanceof LspUnavailableError) {
        const reason = reasonOfUnavailable(err, client);
        return { kind: "fallback", reason, via: "oneshot", state: client.state };
      }
      throw err;
    }
  } finally {
    await client.shutdown();
  }
}
