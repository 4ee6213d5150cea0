/**
 * The real `trifecta mcp` over stdio, driven line by line.
 *
 * @module
 */
import assert from "node:assert/strict";
import { MAIN_TS, REPO_ROOT } from "../helpers.ts";
import { baseEnv, bundlePath, tail } from "./run.ts";
import type { World } from "./world.ts";

/** A JSON-RPC message. */
export interface RpcMessage {
  /** Request id (absent on notifications). */
  id?: number | string | null;
  /** Result on success. */
  result?: Record<string, unknown>;
  /** Error on failure. */
  error?: { code: number; message: string };
  /** Notification method. */
  method?: string;
}

/** A tool's answer. */
export interface ToolAnswer {
  /** True when the tool failed. */
  isError: boolean;
  /** The text content. */
  text: string;
  /** The structured content. */
  structured: Record<string, unknown>;
}

/** Options for {@linkcode McpSession.start}. */
export interface McpStartOptions {
  /** Source (`main.ts`) or the bundle. */
  program?: "source" | "bundle";
  /** Extra environment (over {@linkcode baseEnv}). */
  env?: Record<string, string>;
  /** Extra `trifecta mcp` arguments (e.g. `--no-watch`). */
  args?: readonly string[];
}

/**
 * The real `trifecta mcp` over stdio, driven by hand (newline-delimited
 * JSON-RPC), so oversized and malformed lines can be sent too. Runs with the
 * flags docs/mcp.md documents (broad; the server starts pyright).
 */
export class McpSession {
  /** Every line the server wrote on stdout. */
  stdout = "";
  /** Everything the server wrote on stderr. */
  stderr = "";
  /** Lines on stdout that were not JSON-RPC (stdout must carry only the protocol). */
  junk: string[] = [];
  #child: Deno.ChildProcess;
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #inbox: RpcMessage[] = [];
  #wake: (() => void)[] = [];
  #exited = false;
  #exitCode: number | null = null;
  #nextId = 1;
  #reading: Promise<void>;

  private constructor(child: Deno.ChildProcess) {
    this.#child = child;
    this.#writer = child.stdin.getWriter();
    this.#reading = Promise.all([this.#readStdout(), this.#readStderr()]).then(() => {});
    child.status.then((s) => {
      this.#exited = true;
      this.#exitCode = s.code;
      this.#notify();
    });
  }

  /** Start the server on the world's segment and initialise the session. */
  static async start(world: World, options: McpStartOptions = {}): Promise<McpSession> {
    const bundle = options.program === "bundle";
    const flags = ["--allow-read", "--allow-write", "--allow-env", "--allow-run", "--allow-sys"];
    if (!bundle) flags.push("--unstable-raw-imports");
    const program = bundle ? await bundlePath() : MAIN_TS;
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", ...flags, program, "mcp", "-s", world.seg, ...(options.args ?? [])],
      cwd: REPO_ROOT,
      env: { ...baseEnv(world), ...options.env },
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const s = new McpSession(child);
    const init = await s.request("initialize", {
      protocolVersion: "2025-06-18",
      capabilities: {},
      clientInfo: { name: "trifecta-hostile", version: "1.0.0" },
    });
    assert.ok(init.result, `initialize failed: ${JSON.stringify(init)}\n${s.stderr}`);
    await s.notify("notifications/initialized", {});
    return s;
  }

  /** True once the server process has ended. */
  get exited(): boolean {
    return this.#exited;
  }

  /** The server's exit code, once it ended. */
  get exitCode(): number | null {
    return this.#exitCode;
  }

  #notify(): void {
    for (const w of this.#wake.splice(0)) w();
  }

  async #readStdout(): Promise<void> {
    const dec = new TextDecoder();
    let buf = "";
    for await (const chunk of this.#child.stdout) {
      buf += dec.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        this.stdout += line + "\n";
        if (line.trim() === "") continue;
        try {
          this.#inbox.push(JSON.parse(line) as RpcMessage);
        } catch (err) {
          // Not JSON: stdout must carry only the protocol; kept as a finding.
          void err;
          this.junk.push(line);
        }
        this.#notify();
      }
    }
    if (buf.trim() !== "") this.junk.push(buf);
  }

  async #readStderr(): Promise<void> {
    const dec = new TextDecoder();
    for await (const chunk of this.#child.stderr) {
      this.stderr += dec.decode(chunk, { stream: true });
    }
  }

  /** Write raw bytes to the server's stdin; false when the pipe is closed. */
  async sendRaw(bytes: Uint8Array): Promise<boolean> {
    try {
      await this.#writer.write(bytes);
      return true;
    } catch (err) {
      // The server closed its stdin (it exited): the caller checks `exited`.
      void err;
      return false;
    }
  }

  /** Send one JSON-RPC line. */
  async send(msg: Record<string, unknown>): Promise<boolean> {
    return await this.sendRaw(new TextEncoder().encode(JSON.stringify(msg) + "\n"));
  }

  /** Send a notification. */
  async notify(method: string, params: Record<string, unknown>): Promise<void> {
    await this.send({ jsonrpc: "2.0", method, params });
  }

  /**
   * Wait for the first message `pick` accepts (removed from the inbox).
   * Rejects when the server exits first or after `timeoutMs` (a hang guard).
   */
  async waitFor(pick: (m: RpcMessage) => boolean, timeoutMs = 60_000): Promise<RpcMessage> {
    const deadline = Date.now() + timeoutMs;
    while (true) {
      const i = this.#inbox.findIndex(pick);
      const [found] = i >= 0 ? this.#inbox.splice(i, 1) : [];
      if (found !== undefined) return found;
      if (this.#exited) {
        throw new Error(
          `MCP server exited (code ${this.#exitCode}) before answering\n${tail(this.stderr)}`,
        );
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no MCP answer within ${timeoutMs} ms\n${tail(this.stderr)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#wake.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Send a request and wait for its answer. */
  async request(
    method: string,
    params: Record<string, unknown>,
    timeoutMs = 60_000,
  ): Promise<RpcMessage> {
    const id = this.#nextId++;
    const sent = await this.send({ jsonrpc: "2.0", id, method, params });
    if (!sent && this.#exited) throw new Error(`MCP server exited (code ${this.#exitCode})`);
    return await this.waitFor((m) => m.id === id, timeoutMs);
  }

  /** Call a tool. */
  async call(name: string, args: Record<string, unknown>): Promise<ToolAnswer> {
    const r = await this.request("tools/call", { name, arguments: args });
    assert.ok(r.result, `tools/call ${name} gave a JSON-RPC error: ${JSON.stringify(r.error)}`);
    const res = r.result as {
      isError?: boolean;
      content?: { text?: string }[];
      structuredContent?: Record<string, unknown>;
    };
    return {
      isError: res.isError === true,
      text: (res.content ?? []).map((c) => c.text ?? "").join(""),
      structured: res.structuredContent ?? {},
    };
  }

  /** Close stdin and wait for the server to end (killed after `timeoutMs`). */
  async close(timeoutMs = 15_000): Promise<number | null> {
    try {
      await this.#writer.close();
    } catch (err) {
      // Already closed because the server exited.
      void err;
    }
    const t = setTimeout(() => {
      try {
        this.#child.kill("SIGKILL");
      } catch (err) {
        // It ended meanwhile.
        void err;
      }
    }, timeoutMs);
    await this.#child.status;
    clearTimeout(t);
    await this.#reading;
    return this.#exitCode;
  }

  /** Transcript for the leak scan. */
  texts(name = "mcp"): Record<string, string> {
    return { [`${name} stdout`]: this.stdout, [`${name} stderr`]: this.stderr };
  }
}

/** A tool error with one of `codes`. */
export function assertToolError(
  a: ToolAnswer,
  codes: readonly string[],
  options: { what: string },
): void {
  const { what } = options;
  assert.ok(
    a.isError,
    `${what}: expected a tool error ${codes.join("|")}, got ${a.text.slice(0, 400)}`,
  );
  assert.ok(!a.text.includes("INTERNAL_ERROR"), `${what}: INTERNAL_ERROR: ${a.text.slice(0, 400)}`);
  const code = String(a.structured.error_code ?? "");
  assert.ok(
    codes.includes(code),
    `${what}: expected ${codes.join("|")}, got ${code}: ${a.text.slice(0, 400)}`,
  );
}

/** A tool answer that is not an error. */
export function assertToolOk(a: ToolAnswer, what: string): void {
  assert.ok(!a.isError, `${what}: unexpected tool error: ${a.text.slice(0, 600)}`);
}
