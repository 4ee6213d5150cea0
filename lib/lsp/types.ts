/**
 * Shapes of LSP answers as trifecta reports them (segment-relative paths,
 * 1-based lines and character columns), and the response contract.
 *
 * @module
 */
/**
 * Every named reason for an answer that did not come from the server, with
 * its wording: the one list of reasons ({@linkcode FallbackReason} and
 * {@linkcode isFallbackReason} come from it).
 */
export const REASON_TEXT = {
  lsp_binary_not_found:
    "no language server found for the file's language (its registry entry's servers: the command in its TRIFECTA_LSP_*_COMMAND variable, the executables on PATH, or an npm server run by Deno)",
  lsp_disabled: "the language server is turned off (TRIFECTA_LSP=0)",
  lsp_not_ready: "the language server was not READY in time",
  lsp_request_timeout: "the language server did not answer in time (TRIFECTA_LSP_REQUEST_TIMEOUT)",
  lsp_error: "the language server failed or answered with an error",
  daemon_unavailable: "the LSP daemon did not answer",
  unsafe_links:
    "the segment has symlinks that leave it or land on denied files; the language server would read through them",
  denied_sources:
    "the segment has source files on the denylist (e.g. a source file named id_rsa*) that the language server could load",
  unsafe_server_config:
    "a language-server config in the segment (pyrightconfig.json, pyproject.toml, tsconfig.json, compile_flags.txt, compile_commands.json, .clangd, go.mod, go.work) names paths outside it",
  daemon_untrusted:
    "the daemon's runtime directory, socket or state file is not owned by this user with mode 0700; it was not contacted",
  daemon_not_granted:
    "an LSP daemon runs for this segment, but this process lacks the permission flags to reach it",
  lsp_frame_too_large:
    "the language server sent a message larger than the frame cap; it was stopped",
  server_not_sandboxed:
    "pyright from npm could not be confined to the segment (its read grants were not found), so it was not started",
} as const;

/** Named reasons for an answer that did not come from the server. */
export type FallbackReason = keyof typeof REASON_TEXT;

/**
 * True when `x` is one of the named fallback reasons (a daemon's answer is
 * checked with it).
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { isFallbackReason } from "./types.ts";
 * equal(isFallbackReason("unsafe_links"), true);
 * equal(isFallbackReason("toString"), false);
 * ```
 */
export function isFallbackReason(x: unknown): x is FallbackReason {
  return typeof x === "string" && Object.hasOwn(REASON_TEXT, x);
}

/** The queries trifecta makes. */
export type LspMethod = "definition" | "hover" | "references" | "diagnostics";

/** All query names. */
export const LSP_METHODS: readonly LspMethod[] = [
  "definition",
  "hover",
  "references",
  "diagnostics",
];

/** LSP method name of each query (`diagnostics` comes from `publishDiagnostics`). */
export const LSP_METHOD_NAMES: Record<LspMethod, string> = {
  definition: "textDocument/definition",
  hover: "textDocument/hover",
  references: "textDocument/references",
  diagnostics: "textDocument/publishDiagnostics",
};

/** A range in a file. */
export interface SourceRange {
  /** Segment-relative path (`external/<hash8>-<name>` outside the segment). */
  path: string;
  /** 1-based start line. */
  line: number;
  /** 1-based start column (characters). */
  col: number;
  /** 1-based end line. */
  end_line: number;
  /** 1-based end column (characters, exclusive). */
  end_col: number;
}

/** One diagnostic. */
export interface DiagnosticOut {
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  col: number;
  /** 1-based end line. */
  end_line: number;
  /** 1-based end column. */
  end_col: number;
  /** `error`, `warning`, `information` or `hint`. */
  severity: string;
  /** Rule or code, when given. */
  code?: string;
  /** Producer (e.g. `Pyright`). */
  source?: string;
  /** Text. */
  message: string;
}

/** The `data` of an answer. */
export interface AnswerData {
  /** The file asked about (segment-relative). */
  file: string;
  /** 1-based line asked about (absent for diagnostics). */
  line?: number;
  /** 1-based column asked about. */
  col?: number;
  /** The identifier at the position, when known. */
  symbol?: string;
  /** `lsp` or `ast` (or `text` for the references fallback). */
  source: "lsp" | "ast" | "text";
  /** Definitions or references. */
  locations?: SourceRange[];
  /** Hover text (markdown or plain). */
  contents?: string;
  /** Hover range. */
  range?: SourceRange;
  /** Diagnostics. */
  diagnostics?: DiagnosticOut[];
  /** What a degraded answer can and cannot tell. */
  note?: string;
}

/** `capability_state` values. */
export type CapabilityState = "FULL" | "DEGRADED" | "UNAVAILABLE";

/** The response contract (upstream §4.4); absent fields are left out of JSON. */
export interface LspResponse {
  /** `ok` or `error`. */
  status: "ok" | "error";
  /** `FULL` (server answered), `DEGRADED` (AST answered), `UNAVAILABLE` (no answer). */
  capability_state: CapabilityState;
  /** The server's backend (a registry entry's, e.g. `lsp_pyright`, `lsp_gopls`), `lsp_custom`, `ast_only` or `unavailable`. */
  backend: string;
  /** `complete`, `degraded` or `error`. */
  response_state: "complete" | "degraded" | "error";
  /** Why the server did not answer (absent when it did). */
  fallback_reason?: FallbackReason;
  /** The answer. */
  data?: AnswerData;
  /** Error code when `status` is `error`. */
  error_code?: string;
  /** Human message. */
  message?: string;
}

/** Error codes used with `--require-lsp`, by fallback reason. */
export const ERROR_CODE_BY_REASON: Record<FallbackReason, string> = {
  lsp_binary_not_found: "LSP_UNAVAILABLE",
  lsp_disabled: "LSP_DISABLED",
  lsp_not_ready: "LSP_NOT_READY",
  lsp_request_timeout: "LSP_TIMEOUT",
  lsp_error: "LSP_ERROR",
  daemon_unavailable: "DAEMON_UNAVAILABLE",
  unsafe_links: "UNSAFE_LINKS",
  denied_sources: "DENIED_SOURCES",
  unsafe_server_config: "UNSAFE_SERVER_CONFIG",
  daemon_untrusted: "DAEMON_UNTRUSTED",
  daemon_not_granted: "DAEMON_NOT_GRANTED",
  lsp_frame_too_large: "LSP_FRAME_TOO_LARGE",
  server_not_sandboxed: "SERVER_NOT_SANDBOXED",
};

/** A full answer from the server. */
export function fullResponse(backend: string, data: AnswerData): LspResponse {
  return { status: "ok", capability_state: "FULL", backend, response_state: "complete", data };
}

/**
 * A degraded answer from the AST, naming why. `detail` (counts, the flag to
 * add, how to fix) is appended to the message.
 */
export function degradedResponse(
  reason: FallbackReason,
  data: AnswerData,
  detail?: string,
): LspResponse {
  return {
    status: "ok",
    capability_state: "DEGRADED",
    backend: "ast_only",
    response_state: "degraded",
    fallback_reason: reason,
    data,
    message: `Answered from the AST: ${REASON_TEXT[reason]}.${detail ? ` ${detail}` : ""}`,
  };
}

/** The `--require-lsp` refusal; `detail` as in {@linkcode degradedResponse}. */
export function errorResponse(reason: FallbackReason, detail?: string): LspResponse {
  return {
    status: "error",
    capability_state: "UNAVAILABLE",
    backend: "unavailable",
    response_state: "error",
    fallback_reason: reason,
    error_code: ERROR_CODE_BY_REASON[reason],
    message: `LSP unavailable: ${reason} (${REASON_TEXT[reason]})${detail ? `. ${detail}` : ""}`,
  };
}
