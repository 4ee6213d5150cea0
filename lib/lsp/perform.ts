/**
 * Ask a READY client one question and convert the answer. Shared by the
 * one-shot path, the daemon and the MCP session.
 *
 * A hover is asked together with a definition (and a declaration, where
 * the server answers one) at the same position: the hover text describes
 * the symbol's declaration, so when that declaration lies in a file
 * trifecta refuses (denied, reached through a symlink that leaves the
 * segment, or refused for its content: a private key block, binary, over
 * the size cap) or outside the segment and outside any language library (a
 * path a server config pulled in), the text is withheld. Otherwise its
 * documentation (a base method's docstring an override shows, say) is
 * kept only when it is traced to a file trifecta reads
 * (lib/lsp/hover_trace.ts), its code part always. Everything shown is
 * scrubbed (secrets masked, paths relative), and the values of string
 * literal types in hover and diagnostics are masked: a value flows into
 * types from wherever it was declared.
 *
 * @module
 */
import type { LspClient } from "./client.ts";
import { pathToUri } from "./client_protocol.ts";
import { LspUnavailableError } from "./client_state.ts";
import {
  type ConvertContext,
  convertContext,
  type DropCounts,
  type HoverTarget,
  hoverTargets,
  hoverText,
  toDiagnostics,
  toLocations,
  toSourceRange,
} from "./convert.ts";
import { type LiteralStyle, maskLiteralValues, scrubText } from "./answer_guard.ts";
import { literalStyleOf } from "./servers.ts";
import { HOVER_DOC_WITHHELD_NOTE, splitHover } from "./hover_doc.ts";
import { traceHoverDoc } from "./hover_trace.ts";
import { identifierAt, type LspPosition, splitLines, toLspPosition } from "./positions.ts";
import type { Segment } from "../segment/segment.ts";
import { type AnswerData, LSP_METHOD_NAMES, type LspMethod } from "./types.ts";

/** A question for the server. */
export interface LspQuestion {
  /** Which answer. */
  method: LspMethod;
  /** Real absolute path of the file. */
  abs: string;
  /** Segment-relative path of the file. */
  rel: string;
  /** The file's current text (as read through the boundary for a local server). */
  text: string;
  /** 1-based line (not for diagnostics). */
  line?: number;
  /** 1-based column (not for diagnostics). */
  col?: number;
}

/** Options for {@linkcode performQuestion}. */
export interface PerformOptions {
  /** Request timeout in ms (the client's default otherwise). */
  timeoutMs?: number;
}

// Beside HOVER_WITHHELD_NOTE, where callers and tests look for the notes.
export { HOVER_DOC_WITHHELD_NOTE };

/** Note shown when a hover's text was withheld. */
export const HOVER_WITHHELD_NOTE =
  "hover text withheld: the symbol is declared in a file trifecta does not read (denied, through a symlink that leaves the segment, or outside it)";

function dropNote(dropped: DropCounts): string | undefined {
  const parts: string[] = [];
  if (dropped.refused > 0) {
    parts.push(
      `${dropped.refused} location(s) in files trifecta does not read (denied, or through a symlink that leaves the segment) left out`,
    );
  }
  if (dropped.invalid > 0) {
    parts.push(`${dropped.invalid} item(s) with an invalid position from the server dropped`);
  }
  return parts.length > 0 ? parts.join("; ") : undefined;
}

/** What each stage of {@linkcode performQuestion} works with. */
interface Asking {
  client: LspClient;
  segment: Segment;
  question: LspQuestion;
  /** Document version after the sync. */
  version: number;
  uri: string;
  ctx: ConvertContext;
  timeoutMs: number | undefined;
  /** How the server shows string values (masked in what is shown). */
  literals: LiteralStyle;
}

/** The answer's note: the items left out, and any other notes first. */
function withNote(
  data: AnswerData,
  dropped: DropCounts,
  ...notes: (string | undefined)[]
): AnswerData {
  const all = [...notes, dropNote(dropped)].filter((n): n is string => n !== undefined);
  if (all.length > 0) data.note = all.join("; ");
  return data;
}

/** Diagnostics come from `publishDiagnostics` for the synced version, not from a request. */
async function askDiagnostics(a: Asking): Promise<AnswerData> {
  const { client, question } = a;
  if (client.state !== "READY") {
    throw new LspUnavailableError("lsp_not_ready", client.state, `state ${client.state}`);
  }
  const items = await client.waitDiagnostics(question.abs, a.version, a.timeoutMs ?? 30_000);
  if (items === undefined) {
    const reason = client.state === "READY" ? "lsp_request_timeout" : "lsp_error";
    throw new LspUnavailableError(reason, client.state, "no diagnostics published in time");
  }
  const diagnostics = toDiagnostics(items, splitLines(question.text), {
    root: a.segment.root,
    dropped: a.ctx.dropped,
    literals: a.literals,
  });
  return withNote({ file: question.rel, source: "lsp", diagnostics }, a.ctx.dropped);
}

/**
 * A hover's text with its documentation only when that is traced to a
 * file trifecta reads (lib/lsp/hover_trace.ts); otherwise its code part,
 * and the withheld documentation counted in `dropped.docs`.
 */
async function tracedText(
  a: Asking,
  text: string,
  targets: readonly HoverTarget[],
): Promise<string> {
  const parts = splitHover(text, a.client.server.backend);
  if (parts.doc.length === 0) return text;
  const traced = await traceHoverDoc({
    client: a.client,
    ctx: a.ctx,
    timeoutMs: a.timeoutMs,
    hovered: { abs: a.question.abs, lines: splitLines(a.question.text) },
    targets,
  }, parts.doc);
  if (traced) return text;
  a.ctx.dropped.docs = (a.ctx.dropped.docs ?? 0) + 1;
  return parts.code;
}

/** LSP method of a symbol's declaration (a C prototype in a header). */
const DECLARATION = "textDocument/declaration";

/**
 * A hover, asked together with a definition (and a declaration, where the
 * server has one) at the same position: without a checkable declaration
 * the text is withheld, not failed.
 */
async function askHover(
  a: Asking,
  base: AnswerData,
  position: LspPosition,
): Promise<AnswerData> {
  const { segment, uri } = a;
  const request = (method: string) =>
    a.client.request(method, { textDocument: { uri }, position }, {
      file: a.question.abs,
      timeoutMs: a.timeoutMs,
    });
  const optional = (method: string) =>
    request(method).catch((err: unknown) => {
      if (err instanceof LspUnavailableError) return undefined;
      throw err;
    });
  // The declaration too where the server has one (C: the doc comment of a
  // header's prototype shows in the hover of its definition).
  const [result, declared, prototype] = await Promise.all([
    request(LSP_METHOD_NAMES.hover),
    optional(LSP_METHOD_NAMES.definition),
    a.client.capabilities.declarationProvider ? optional(DECLARATION) : null,
  ]);
  const targets = declared === undefined || prototype === undefined
    ? [{ kind: "refused" as const }]
    : [...hoverTargets(a.ctx, declared), ...hoverTargets(a.ctx, prototype)];
  const withheld = targets.some((t) => t.kind === "refused" || t.kind === "external");
  const text = withheld ? "" : await tracedText(a, hoverText(result), targets);
  const data: AnswerData = {
    ...base,
    contents: scrubText(segment.root, maskLiteralValues(text, a.literals)),
  };
  const range = (result as { range?: unknown } | null)?.range;
  if (range !== undefined) {
    const converted = toSourceRange(a.ctx, uri, range);
    if (converted) data.range = converted;
  }
  const docNote = (a.ctx.dropped.docs ?? 0) > 0 ? HOVER_DOC_WITHHELD_NOTE : undefined;
  return withNote(data, a.ctx.dropped, withheld ? HOVER_WITHHELD_NOTE : docNote);
}

/** Definitions or references, sorted by path and position. */
async function askLocations(
  a: Asking,
  base: AnswerData,
  position: LspPosition,
): Promise<AnswerData> {
  const method = a.question.method;
  const params: Record<string, unknown> = { textDocument: { uri: a.uri }, position };
  if (method === "references") params.context = { includeDeclaration: true };
  const result = await a.client.request(LSP_METHOD_NAMES[method], params, {
    file: a.question.abs,
    timeoutMs: a.timeoutMs,
  });
  const locations = toLocations(a.ctx, result);
  locations.sort((x, y) => x.path.localeCompare(y.path) || x.line - y.line || x.col - y.col);
  return withNote({ ...base, locations }, a.ctx.dropped);
}

/**
 * Sync the file, send the request, convert the result.
 *
 * @throws {LspUnavailableError} when the client is not READY, the request
 * timed out, or the server failed.
 */
export async function performQuestion(
  client: LspClient,
  segment: Segment,
  question: LspQuestion,
  options: PerformOptions = {},
): Promise<AnswerData> {
  const version = await client.syncFile({ abs: question.abs, text: question.text });
  const a: Asking = {
    client,
    segment,
    question,
    version,
    uri: pathToUri(question.abs),
    ctx: convertContext(segment),
    timeoutMs: options.timeoutMs,
    literals: literalStyleOf(client.server.backend),
  };
  if (question.method === "diagnostics") return await askDiagnostics(a);
  const pos = { line: question.line ?? 1, col: question.col ?? 1 };
  const position = toLspPosition(question.text, pos);
  const base: AnswerData = { file: question.rel, line: pos.line, col: pos.col, source: "lsp" };
  const symbol = identifierAt(question.text, pos)?.name;
  if (symbol) base.symbol = scrubText(segment.root, symbol);
  if (question.method === "hover") return await askHover(a, base, position);
  return await askLocations(a, base, position);
}
