/**
 * Tokens of each MCP tool's text content against its structured content,
 * on a copy of fixtures/example (with its context pack): the figures of
 * docs/benchmarks.md "MCP text content". Usage:
 *
 *   deno run -A bench/mcp_text_tokens.ts
 *
 * Runs the checkout's own `trifecta mcp` (the one next to this file), so a
 * copy of this file (with bench/mcp_bench.ts, for its flags) in another
 * checkout measures that one (before/after).
 *
 * @module
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { fileURLToPath } from "node:url";
import { FLAGS } from "./mcp_bench.ts";
import { estimateTokens } from "../lib/text.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** One call per tool, on the example project. */
const CALLS: [string, Record<string, unknown>][] = [
  ["skeleton", { path: "src" }],
  ["find_symbol", { pattern: "Inventory" }],
  ["symbol", { uri: "sym://python/mod/src.inventory.models" }],
  ["snippet", { uri: "sym://python/type/src.inventory.service/restock", mode: "excerpt" }],
  ["definition", { file: "src/inventory/service.py", line: 11, column: 24 }],
  ["references", { uri: "sym://python/type/src.inventory.models/Inventory" }],
  ["find_references", { uri: "sym://python/type/src.inventory.models/Inventory" }],
  ["hover", { file: "src/inventory/service.py", line: 11, column: 24 }],
  ["diagnostics", { file: "src/inventory/service.py" }],
  ["search", { query: "inventory" }],
  ["map", {}],
];

async function copyExample(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-mcp-tokens-" });
  const cp = await new Deno.Command("cp", { args: ["-r", `${ROOT}fixtures/example/.`, dir] })
    .output();
  if (!cp.success) throw new Error("cp failed");
  const build = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...FLAGS, `${ROOT}main.ts`, "ctx", "build", "-s", dir],
    stdout: "null",
    stderr: "null",
  }).output();
  if (!build.success) throw new Error("ctx build failed");
  return dir;
}

if (import.meta.main) {
  const seg = await copyExample();
  const transport = new StdioClientTransport({
    command: Deno.execPath(),
    args: ["run", ...FLAGS, `${ROOT}main.ts`, "mcp", "-s", seg],
    env: { ...Deno.env.toObject(), NO_COLOR: "1", TRIFECTA_LSP: "0" },
    stderr: "ignore",
  });
  const client = new Client({ name: "trifecta-mcp-tokens", version: "1" });
  await client.connect(transport);
  const { tools } = await client.listTools();
  const names = new Set(tools.map((t: { name: string }) => t.name));
  console.log("| tool | text tokens | structuredContent tokens (JSON) |");
  console.log("|---|---:|---:|");
  try {
    for (const [name, args] of CALLS) {
      if (!names.has(name)) {
        console.log(`| \`${name}\` | (no such tool) | |`);
        continue;
      }
      const r = await client.callTool({ name, arguments: args }) as {
        content: { text: string }[];
        structuredContent?: unknown;
        isError?: boolean;
      };
      const text = r.content.map((c) => c.text).join("");
      const json = JSON.stringify(r.structuredContent ?? {});
      const err = r.isError ? " (error)" : "";
      console.log(`| \`${name}\`${err} | ${estimateTokens(text)} | ${estimateTokens(json)} |`);
    }
  } finally {
    await client.close();
    await Deno.remove(seg, { recursive: true });
  }
}
