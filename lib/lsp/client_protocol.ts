/**
 * What the client says to a language server and keeps from it: the
 * `initialize` parameters (the capabilities trifecta uses), answers to the
 * server's own requests, and the documents it opened with the diagnostics
 * published for them. The state machine that drives these is in
 * lib/lsp/client.ts.
 *
 * @module
 */
import { pathToFileURL } from "node:url";
import { RpcResponseError } from "./jsonrpc.ts";
import { uriToPath } from "./uri.ts";

/** A diagnostic as the server published it. */
export interface LspDiagnostic {
  /** 0-based range. */
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  /** 1 error, 2 warning, 3 information, 4 hint. */
  severity?: number;
  /** Rule or code. */
  code?: string | number;
  /** Who produced it. */
  source?: string;
  /** Text. */
  message: string;
}

/** Most diagnostics kept per file. */
const DIAGNOSTICS_KEPT = 10_000;

/**
 * `file://` URI of an absolute path.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { pathToUri } from "./client_protocol.ts";
 * equal(pathToUri("/repo/a b.py"), "file:///repo/a%20b.py");
 * ```
 */
export function pathToUri(abs: string): string {
  return pathToFileURL(abs).href;
}

/** The `initialize` parameters for a workspace rooted at `root` (real absolute path). */
export function initializeParams(root: string, clientVersion: string): Record<string, unknown> {
  const rootUri = pathToUri(root);
  return {
    processId: Deno.pid,
    clientInfo: { name: "trifecta", version: clientVersion },
    rootUri,
    rootPath: root,
    workspaceFolders: [{ uri: rootUri, name: "segment" }],
    capabilities: {
      textDocument: {
        synchronization: { didSave: false, dynamicRegistration: false },
        hover: { contentFormat: ["markdown", "plaintext"] },
        definition: { linkSupport: false },
        references: {},
        documentSymbol: { hierarchicalDocumentSymbolSupport: true },
        publishDiagnostics: { versionSupport: true },
      },
      workspace: { configuration: true, workspaceFolders: true },
      window: { workDoneProgress: false },
    },
  };
}

/** Server requests acknowledged with `null` (trifecta shows no UI and keeps no registrations). */
const ACKNOWLEDGED = new Set([
  "client/registerCapability",
  "client/unregisterCapability",
  "window/workDoneProgress/create",
  "window/showMessageRequest",
  "window/showDocument",
  "workspace/diagnostic/refresh",
  "workspace/semanticTokens/refresh",
  "workspace/inlayHint/refresh",
  "workspace/codeLens/refresh",
]);

/**
 * The answer to a request from the server: no settings (`null` per item),
 * the segment as the one workspace folder, `null` for the acknowledged
 * ones.
 *
 * @throws {RpcResponseError} `MethodNotFound` for anything else.
 *
 * @example
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { answerServerRequest } from "./client_protocol.ts";
 * deepEqual(answerServerRequest("workspace/configuration", { items: [{}, {}] }, "/repo"), [null, null]);
 * ```
 */
export function answerServerRequest(method: string, params: unknown, root: string): unknown {
  if (method === "workspace/configuration") {
    const items = (params as { items?: unknown[] } | null)?.items ?? [];
    return items.map(() => null);
  }
  if (method === "workspace/workspaceFolders") return [{ uri: pathToUri(root), name: "segment" }];
  if (ACKNOWLEDGED.has(method)) return null;
  throw new RpcResponseError(-32601, `trifecta does not handle ${method}`);
}

/** Diagnostics published for one document. */
interface Published {
  version: number | null;
  items: LspDiagnostic[];
}

/**
 * The documents the client opened (path → version and text) and the
 * diagnostics the server published for them. Only opened documents keep
 * diagnostics: a server publishing for thousands of other files cannot grow
 * the store.
 */
export class DocumentStore {
  #open = new Map<string, { version: number; text: string }>();
  #diagnostics = new Map<string, Published>();
  #waiters = new Set<() => void>();

  /**
   * Record `text` as the current text of `abs`: `open` the first time,
   * `change` when it changed, `same` otherwise; with the document version.
   */
  update(abs: string, text: string): { kind: "open" | "change" | "same"; version: number } {
    const known = this.#open.get(abs);
    if (!known) {
      this.#open.set(abs, { version: 1, text });
      return { kind: "open", version: 1 };
    }
    if (known.text === text) return { kind: "same", version: known.version };
    const version = known.version + 1;
    this.#open.set(abs, { version, text });
    return { kind: "change", version };
  }

  /** True when `abs` is open (the server has its text from the client). */
  isOpen(abs: string): boolean {
    return this.#open.has(abs);
  }

  /** Forget `abs` (closed in the server) and its diagnostics; true when it was open. */
  close(abs: string): boolean {
    this.#diagnostics.delete(abs);
    return this.#open.delete(abs);
  }

  /** True once `abs` was opened and the server published diagnostics for it. */
  hasDiagnostics(abs: string): boolean {
    return this.#open.has(abs) && this.#diagnostics.has(abs);
  }

  /** Diagnostics last published for `abs`, if any. */
  diagnosticsOf(abs: string): Published | undefined {
    return this.#diagnostics.get(abs);
  }

  /**
   * Keep a `publishDiagnostics` notification's items for an opened document;
   * returns false when it was not kept (unknown or unopened document). The
   * caller wakes the waiters ({@linkcode DocumentStore.wake}).
   */
  publish(params: unknown): boolean {
    const p = (params && typeof params === "object" ? params : {}) as {
      uri?: string;
      version?: number;
      diagnostics?: LspDiagnostic[];
    };
    const abs = typeof p.uri === "string" ? uriToPath(p.uri) : undefined;
    if (!abs || !this.#open.has(abs)) return false;
    const items = Array.isArray(p.diagnostics) ? p.diagnostics.slice(0, DIAGNOSTICS_KEPT) : [];
    this.#diagnostics.set(abs, {
      version: typeof p.version === "number" ? p.version : null,
      items,
    });
    return true;
  }

  /**
   * Wait for diagnostics of `abs` at document version `minVersion` or later
   * (or any, for servers that send no version); undefined on timeout, or
   * as soon as `gaveUp()` is true at a wake-up (the server is gone).
   */
  wait(
    abs: string,
    minVersion: number,
    options: { timeoutMs: number; gaveUp: () => boolean },
  ): Promise<LspDiagnostic[] | undefined> {
    const ok = () => {
      const d = this.#diagnostics.get(abs);
      return d && (d.version === null || d.version >= minVersion) ? d.items : undefined;
    };
    const now = ok();
    if (now) return Promise.resolve(now);
    return new Promise((resolve) => {
      const check = () => {
        const items = ok();
        if (items === undefined && !options.gaveUp()) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve(items);
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        resolve(undefined);
      }, options.timeoutMs);
      this.#waiters.add(check);
    });
  }

  /** Let every waiter look again (new diagnostics, or a state change). */
  wake(): void {
    for (const w of [...this.#waiters]) w();
  }
}
