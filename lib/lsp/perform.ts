/**
 * Ask a READY client one question and convert the answer. Shared by the
 * one-shot path, the daemon and the MCP session.
 *
 * A hover is asked together with a definition at the same position: the
 * hover text describes the symbol's declaration, so when that declaration
 * lies in a file trifecta refuses (denied, or reached through a symlink
 * that leaves the segment) or outside the segment and outside any
 * language library (a path a server config pulled in), the text is
 * withheld. Everything shown is scrubbed (secrets masked, paths relative),
 * and the values of string literal types in hover and diagnostics are
 * masked: a value flows into types from wherever it was declared.
 *
 * @module
 */
import type { LspClient } from "./client.ts";
import { LspUnavailableError, pathToUri } from "./client.ts";
import {
  convertContext,
  type DropCounts,
  hoverText,
  targetKinds,
  toDiagnostics,
  toLocations,
  toSourceRange,
} from "./convert.ts";
import { maskLiteralValues, scrubText } from "./answer_guard.ts";
import { identifierAt, splitLines, toLspPosition } from "./positions.ts";
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
  const uri = pathToUri(question.abs);
  const ctx = convertContext(segment);
  const timeoutMs = options.timeoutMs;
  const language = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/.test(question.rel)
    ? "typescript"
    : "python";
  if (question.method === "diagnostics") {
    if (client.state !== "READY") {
      throw new LspUnavailableError("lsp_not_ready", client.state, `state ${client.state}`);
    }
    const items = await client.waitDiagnostics(question.abs, version, timeoutMs ?? 30_000);
    if (items === undefined) {
      const reason = client.state === "READY" ? "lsp_request_timeout" : "lsp_error";
      throw new LspUnavailableError(reason, client.state, "no diagnostics published in time");
    }
    const data: AnswerData = {
      file: question.rel,
      source: "lsp",
      diagnostics: toDiagnostics(items, splitLines(question.text), {
        root: segment.root,
        dropped: ctx.dropped,
        language,
      }),
    };
    const note = dropNote(ctx.dropped);
    if (note) data.note = note;
    return data;
  }
  const pos = { line: question.line ?? 1, col: question.col ?? 1 };
  const position = toLspPosition(question.text, pos);
  const params: Record<string, unknown> = { textDocument: { uri }, position };
  if (question.method === "references") params.context = { includeDeclaration: true };
  const request = (method: string, p: unknown) =>
    client.request(method, p, { file: question.abs, timeoutMs });
  const symbol = identifierAt(question.text, pos)?.name;
  const base: AnswerData = { file: question.rel, line: pos.line, col: pos.col, source: "lsp" };
  if (symbol) base.symbol = scrubText(segment.root, symbol);
  if (question.method === "hover") {
    const [result, declared] = await Promise.all([
      request(LSP_METHOD_NAMES.hover, params),
      // Without a checkable declaration the text is withheld, not failed.
      request(LSP_METHOD_NAMES.definition, { textDocument: { uri }, position }).catch(
        (err: unknown) => {
          if (err instanceof LspUnavailableError) return undefined;
          throw err;
        },
      ),
    ]);
    const kinds = declared === undefined ? ["refused" as const] : targetKinds(segment, declared);
    const withheld = kinds.some((k) => k === "refused" || k === "external");
    const data: AnswerData = {
      ...base,
      contents: withheld
        ? ""
        : scrubText(segment.root, maskLiteralValues(hoverText(result), language)),
    };
    const range = (result as { range?: unknown } | null)?.range;
    if (range !== undefined) {
      const converted = toSourceRange(ctx, uri, range);
      if (converted) data.range = converted;
    }
    const notes = [withheld ? HOVER_WITHHELD_NOTE : undefined, dropNote(ctx.dropped)].filter(
      (n): n is string => n !== undefined,
    );
    if (notes.length > 0) data.note = notes.join("; ");
    return data;
  }
  const result = await request(LSP_METHOD_NAMES[question.method], params);
  const locations = toLocations(ctx, result);
  locations.sort((a, b) => a.path.localeCompare(b.path) || a.line - b.line || a.col - b.col);
  const data: AnswerData = { ...base, locations };
  const note = dropNote(ctx.dropped);
  if (note) data.note = note;
  return data;
}
