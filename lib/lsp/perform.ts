/**
 * Ask a READY client one question and convert the answer. Shared by the
 * one-shot path and the daemon.
 *
 * @module
 */
import type { LspClient } from "./client.ts";
import { LspUnavailableError, pathToUri } from "./client.ts";
import { fileLines, hoverText, toDiagnostics, toLocations, toSourceRange } from "./convert.ts";
import { identifierAt, splitLines, toLspPosition } from "./positions.ts";
import { type AnswerData, LSP_METHOD_NAMES, type LspMethod } from "./types.ts";

/** A question for the server. */
export interface LspQuestion {
  /** Which answer. */
  method: LspMethod;
  /** Real absolute path of the file. */
  abs: string;
  /** Segment-relative path of the file. */
  rel: string;
  /** The file's current text. */
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

/**
 * Sync the file, send the request, convert the result.
 *
 * @throws {LspUnavailableError} when the client is not READY, the request
 * timed out, or the server failed.
 */
export async function performQuestion(
  client: LspClient,
  root: string,
  question: LspQuestion,
  options: PerformOptions = {},
): Promise<AnswerData> {
  const version = await client.syncFile({ abs: question.abs, text: question.text });
  const uri = pathToUri(question.abs);
  const lines = fileLines(root);
  const timeoutMs = options.timeoutMs;
  if (question.method === "diagnostics") {
    if (client.state !== "READY") {
      throw new LspUnavailableError("lsp_not_ready", client.state, `state ${client.state}`);
    }
    const items = await client.waitDiagnostics(question.abs, version, timeoutMs ?? 30_000);
    if (items === undefined) {
      const reason = client.state === "READY" ? "lsp_request_timeout" : "lsp_error";
      throw new LspUnavailableError(reason, client.state, "no diagnostics published in time");
    }
    return {
      file: question.rel,
      source: "lsp",
      diagnostics: toDiagnostics(items, splitLines(question.text)),
    };
  }
  const pos = { line: question.line ?? 1, col: question.col ?? 1 };
  const position = toLspPosition(question.text, pos);
  const params: Record<string, unknown> = { textDocument: { uri }, position };
  if (question.method === "references") params.context = { includeDeclaration: true };
  const result = await client.request(LSP_METHOD_NAMES[question.method], params, {
    file: question.abs,
    timeoutMs,
  });
  const symbol = identifierAt(question.text, pos)?.name;
  const base: AnswerData = { file: question.rel, line: pos.line, col: pos.col, source: "lsp" };
  if (symbol) base.symbol = symbol;
  if (question.method === "hover") {
    const range = (result as { range?: Parameters<typeof toSourceRange>[2] } | null)?.range;
    const data: AnswerData = { ...base, contents: hoverText(result) };
    if (range) data.range = await toSourceRange(root, uri, range, lines);
    return data;
  }
  const locations = await toLocations(root, result, lines);
  locations.sort((a, b) => a.path.localeCompare(b.path) || a.line - b.line || a.col - b.col);
  return { ...base, locations };
}
