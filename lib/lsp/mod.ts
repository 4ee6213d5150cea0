/**
 * Language servers for trifecta: JSON-RPC framing, the client state machine
 * (COLD → WARMING → READY → FAILED / CLOSED), server discovery, the warm
 * daemon, and the AST fallback with named reasons. See docs/lsp.md.
 *
 * @module
 */
export {
  encodeMessage,
  FrameDecoder,
  type FrameDecoderOptions,
  FramingError,
  MAX_BODY_BYTES,
  MAX_HEADER_BYTES,
} from "./framing.ts";
export {
  JsonRpcConnection,
  type RequestOptions,
  RPC_ERRORS,
  RpcClosedError,
  type RpcHandlers,
  RpcResponseError,
  RpcTimeoutError,
  type RpcTransport,
} from "./jsonrpc.ts";
export {
  DEFAULT_DAEMON_TTL_S,
  DEFAULT_READY_TIMEOUT_S,
  DEFAULT_REQUEST_TIMEOUT_S,
  type EnvReader,
  type LspConfig,
  lspConfig,
  parseCommandLine,
  processEnv,
} from "./config.ts";
export {
  type DiscoveryMiss,
  type DiscoveryOptions,
  findServer,
  isServerCommand,
  type LspBackend,
  NPM_DENO_FLAGS,
  npmDenoFlags,
  type ServerCommand,
  type ServerLanguage,
  which,
} from "./discovery.ts";
export { LspClient, type LspClientOptions, type OpenFile } from "./client.ts";
export {
  CUSTOM_BACKEND,
  familyExtensions,
  familyLanguages,
  knownBackends,
  languageIdOf,
  serverFamilies,
  serverSpecs,
  warmupTarget,
} from "./servers.ts";
export {
  fallbackReasonOf,
  type LspState,
  LspUnavailableError,
  reasonOfUnavailable,
} from "./client_state.ts";
export { type LspDiagnostic, pathToUri } from "./client_protocol.ts";
export { killProcessGroup } from "./process_group.ts";
export { uriToPath } from "./uri.ts";
export {
  fromLspPosition,
  identifierAt,
  type Location,
  type LspPosition,
  parseLocation,
  splitLines,
  toLspPosition,
} from "./positions.ts";
export {
  type AnswerData,
  type CapabilityState,
  degradedResponse,
  type DiagnosticOut,
  ERROR_CODE_BY_REASON,
  errorResponse,
  type FallbackReason,
  fullResponse,
  isFallbackReason,
  LSP_METHOD_NAMES,
  LSP_METHODS,
  type LspMethod,
  type LspResponse,
  REASON_TEXT,
  type SourceRange,
} from "./types.ts";
export {
  HOVER_DOC_WITHHELD_NOTE,
  HOVER_WITHHELD_NOTE,
  type LspQuestion,
  type PerformOptions,
  performQuestion,
} from "./perform.ts";
export {
  astAnswer,
  type AstFallbackOptions,
  type AstQuery,
  importCandidates,
  type QueryFile,
} from "./fallback_ast.ts";
export {
  answerQuery,
  fallbackAnswer,
  type FallbackOptions,
  type QueryOptions,
  type QueryOutcome,
  type QueryRequest,
  serverLanguageOf,
} from "./query.ts";
export { type DaemonPaths, daemonPaths, ensureRuntimeDir, runtimeDir } from "./daemon_paths.ts";
export {
  DAEMON_PROTOCOL_VERSION,
  type DaemonMethod,
  type DaemonQueryParams,
  type DaemonQueryResult,
  type DaemonRequest,
  type DaemonResponse,
  type DaemonStatus,
  encodeLine,
  MAX_CONNECTIONS,
  MAX_REQUEST_BYTES,
  MAX_RESPONSE_BYTES,
} from "./daemon_protocol.ts";
export {
  callDaemon,
  type CallOptions,
  canReachSocket,
  DAEMON_GAP_MS,
  type DaemonFailure,
  DaemonUnavailableError,
  HEARTBEAT_MS,
} from "./daemon_client.ts";
export {
  DAEMON_MARKER,
  type DaemonMarker,
  type DaemonTrust,
  inspectDaemon,
  lockHeldSync,
  runtimeDirProblem,
  type TrustOptions,
} from "./daemon_trust.ts";
export {
  GUARD_MAX_AGE_MS,
  GUARD_MAX_ENTRIES,
  GuardCache,
  type GuardCacheOptions,
  type GuardFinding,
  type GuardScan,
  type GuardVerdict,
  guardVerdict,
  revalidateScan,
  scanSegmentGuard,
} from "./segment_guard.ts";
export {
  MAX_ANSWER_ITEMS,
  MAX_ANSWER_TEXT,
  MAX_POSITION,
  sanitizeAnswer,
  scrubText,
  validAnswerPath,
  validPositionNumber,
} from "./answer_guard.ts";
export {
  classifyTarget,
  type ConvertContext,
  convertContext,
  type DropCounts,
  type TargetKind,
} from "./convert.ts";
export { acquireDaemonLock, type DaemonStateFile } from "./daemon_files.ts";
export { serveDaemon, type ServeEnd, type ServeOptions } from "./daemon_server.ts";
export {
  type DaemonScope,
  defaultServeCommand,
  inheritedPermissionFlags,
  type ServeCommand,
} from "./daemon_flags.ts";
export {
  type DaemonReport,
  daemonStatus,
  SERVE_EXIT_ALREADY_RUNNING,
  startDaemon,
  type StartOptions,
  type StartResult,
  stopDaemon,
  type StopResult,
} from "./daemon_control.ts";
