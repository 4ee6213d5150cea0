/**
 * End to end: for the same fault the real CLI (`--json`, a subprocess) and
 * the real MCP server (over stdio) give the same error code, and the MCP
 * next steps name the tools' arguments, never the CLI flags they mirror.
 */
import assert from "node:assert/strict";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { mcpArgumentOf } from "../../lib/contract/commands.ts";
import { CLI_FLAGS, MAIN_TS, removeSegment, runCli, tempExample } from "./helpers.ts";

/** One fault, provoked on both surfaces. */
interface Fault {
  /** What goes wrong. */
  name: string;
  /** The code both surfaces must give. */
  code: string;
  /** CLI arguments (`-s <segment> --json` is added). */
  cli: string[];
  /** The MCP tool and its arguments. */
  tool: string;
  args: Record<string, unknown>;
  /** Both surfaces reach the fault through the same library call: same message too. */
  sameMessage?: boolean;
}

const CLASS_URI = "sym://python/type/src.inventory.models/Inventory";

/** Faults on a segment without a context pack. */
const WITHOUT_PACK: readonly Fault[] = [
  {
    name: "a path outside the segment",
    code: "PATH_OUTSIDE_SEGMENT",
    cli: ["ast", "skeleton", "../../etc"],
    tool: "skeleton",
    args: { path: "../../etc" },
    sameMessage: true,
  },
  {
    name: "a denied file",
    code: "PATH_DENIED",
    cli: ["ast", "skeleton", ".env"],
    tool: "skeleton",
    args: { path: ".env" },
    sameMessage: true,
  },
  {
    name: "a missing file",
    code: "FILE_NOT_FOUND",
    cli: ["ast", "skeleton", "src/nope.py"],
    tool: "skeleton",
    args: { path: "src/nope.py" },
    sameMessage: true,
  },
  {
    name: "a file over the read cap",
    code: "FILE_TOO_LARGE",
    cli: ["ast", "skeleton", "big.py"],
    tool: "skeleton",
    args: { path: "big.py" },
    sameMessage: true,
  },
  {
    name: "a binary file",
    code: "BINARY_FILE",
    cli: ["ast", "skeleton", "bin.py"],
    tool: "skeleton",
    args: { path: "bin.py" },
    sameMessage: true,
  },
  {
    name: "a file without a grammar",
    code: "UNSUPPORTED_LANGUAGE",
    cli: ["ast", "skeleton", "README.md"],
    tool: "skeleton",
    args: { path: "README.md" },
    sameMessage: true,
  },
  {
    name: "an unknown symbol",
    code: "SYMBOL_NOT_FOUND",
    cli: ["ast", "symbols", "sym://python/type/src.inventory.models/Nope"],
    tool: "symbol",
    args: { uri: "sym://python/type/src.inventory.models/Nope" },
    sameMessage: true,
  },
  {
    name: "an invalid sym:// URI",
    code: "INVALID_URI",
    cli: ["ast", "symbols", "sym://cobol/x/y"],
    tool: "symbol",
    args: { uri: "sym://cobol/x/y" },
    sameMessage: true,
  },
  {
    name: "a sym:// module that matches no file",
    code: "FILE_NOT_FOUND",
    cli: ["ast", "snippet", "sym://python/mod/src.nope"],
    tool: "snippet",
    args: { uri: "sym://python/mod/src.nope" },
    sameMessage: true,
  },
  {
    name: "a budget too small for the snippet",
    code: "BUDGET_EXCEEDED",
    cli: ["ast", "snippet", CLASS_URI, "--mode", "raw", "--budget-token-est", "5"],
    tool: "snippet",
    args: { uri: CLASS_URI, mode: "raw", budget_tokens: 5 },
    sameMessage: true,
  },
  {
    name: "a bad mode value",
    code: "USAGE_ERROR",
    cli: ["ast", "snippet", CLASS_URI, "--mode", "loud"],
    tool: "snippet",
    args: { uri: CLASS_URI, mode: "loud" },
  },
  {
    name: "a budget of zero",
    code: "USAGE_ERROR",
    cli: ["ast", "snippet", CLASS_URI, "--budget-token-est", "0"],
    tool: "snippet",
    args: { uri: CLASS_URI, budget_tokens: 0 },
  },
  {
    name: "a directory given as a position's file",
    code: "INVALID_LOCATION",
    cli: ["lsp", "definition", "src:1:1"],
    tool: "definition",
    args: { file: "src", line: 1, column: 1 },
    sameMessage: true,
  },
  {
    name: "no context pack",
    code: "PACK_NOT_FOUND",
    cli: ["ctx", "search", "-q", "stock"],
    tool: "search",
    args: { query: "stock" },
    sameMessage: true,
  },
];

/** Faults on a segment with a context pack. */
const WITH_PACK: readonly Fault[] = [
  {
    name: "a query too short",
    code: "QUERY_REJECTED",
    cli: ["ctx", "search", "-q", "a"],
    tool: "search",
    args: { query: "a" },
    sameMessage: true,
  },
  {
    name: "a chunk id that climbs out of the segment",
    code: "PATH_TRAVERSAL",
    cli: ["ctx", "get", "-i", "code:../x.py:abc"],
    tool: "get",
    args: { ids: ["code:../x.py:abc"] },
    sameMessage: true,
  },
];

interface McpError {
  isError?: boolean;
  content: { type: string; text: string }[];
  structuredContent?: { error_code?: string; message?: string; next_steps?: string[] };
}

/** An MCP client of a `trifecta mcp` subprocess run with `flags`. */
async function connect(segment: string, flags: readonly string[]): Promise<Client> {
  const transport = new StdioClientTransport({
    command: Deno.execPath(),
    args: ["run", ...flags, MAIN_TS, "mcp", "-s", segment],
    env: { ...Deno.env.toObject(), NO_COLOR: "1", TRIFECTA_LSP: "0" },
    stderr: "pipe",
  });
  const client = new Client({ name: "trifecta-parity", version: "1.0.0" });
  await client.connect(transport);
  return client;
}

async function callTool(client: Client, name: string, args: Record<string, unknown>) {
  const r = (await client.callTool({ name, arguments: args })) as McpError;
  assert.equal(r.isError, true, `${name} ${JSON.stringify(args)} is a tool error`);
  const s = r.structuredContent ?? {};
  return { code: s.error_code, message: s.message, steps: s.next_steps ?? [], text: r.content };
}

async function cliError(segment: string, args: readonly string[], flags?: readonly string[]) {
  const out = await runCli([...args, "-s", segment, "--json"], {
    env: { TRIFECTA_LSP: "0" },
    flags,
  });
  assert.notEqual(out.code, 0, `${args.join(" ")} fails`);
  const json = JSON.parse(out.stdout) as { error_code: string; message: string };
  return { code: json.error_code, message: json.message };
}

/** CLI flags (`--mode`, `-b`) in MCP next steps that a tool argument stands for. */
function mirroredFlags(steps: readonly string[]): string[] {
  const flags = steps.join("\n").match(/(?<![\w./<$-])--?[a-zA-Z][\w-]*/g) ?? [];
  return flags.filter((f) => mcpArgumentOf(f) !== undefined);
}

async function checkFault(client: Client, segment: string, fault: Fault): Promise<void> {
  const cli = await cliError(segment, fault.cli);
  const mcp = await callTool(client, fault.tool, fault.args);
  assert.equal(cli.code, fault.code, `CLI: ${fault.name}: ${cli.message}`);
  assert.equal(mcp.code, fault.code, `MCP: ${fault.name}: ${mcp.message}`);
  if (fault.sameMessage) assert.equal(mcp.message, cli.message, fault.name);
  assert.deepEqual(mirroredFlags(mcp.steps), [], `${fault.name}: ${mcp.steps.join(" | ")}`);
}

async function plantFaults(segment: string): Promise<void> {
  await Deno.writeTextFile(`${segment}/.env`, "X=1\n");
  await Deno.writeTextFile(`${segment}/big.py`, `x = "${"a".repeat(3 * 1024 * 1024)}"\n`);
  await Deno.writeFile(`${segment}/bin.py`, new Uint8Array([0x61, 0x00, 0x0a]));
}

Deno.test({
  name: "the CLI and the MCP server give the same error code for the same fault",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async (t) => {
    const seg = await tempExample();
    await plantFaults(seg);
    const client = await connect(seg, CLI_FLAGS);
    try {
      for (const fault of WITHOUT_PACK) {
        await t.step(`${fault.name}: ${fault.code}`, () => checkFault(client, seg, fault));
      }
      await Deno.remove(`${seg}/big.py`);
      await Deno.remove(`${seg}/bin.py`);
      const built = await runCli(["ctx", "build", "-s", seg]);
      assert.equal(built.code, 0, built.stderr);
      for (const fault of WITH_PACK) {
        await t.step(`${fault.name}: ${fault.code}`, () => checkFault(client, seg, fault));
      }
    } finally {
      await client.close();
      await removeSegment(seg);
    }
  },
});

Deno.test({
  name: "MCP next steps name the tool's arguments where the CLI's name its flags",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const seg = await tempExample();
    const client = await connect(seg, CLI_FLAGS);
    try {
      const args = ["ast", "snippet", CLASS_URI, "--mode", "raw", "--budget-token-est", "5"];
      const out = await runCli([...args, "-s", seg, "--json"]);
      const cliSteps = (JSON.parse(out.stdout) as { next_steps: string[] }).next_steps;
      assert.ok(cliSteps.some((s) => s.includes("--budget-token-est")), cliSteps.join(" | "));
      assert.ok(cliSteps.some((s) => s.includes("--mode")), cliSteps.join(" | "));
      const mcp = await callTool(client, "snippet", {
        uri: CLASS_URI,
        mode: "raw",
        budget_tokens: 5,
      });
      const steps = mcp.steps.join(" | ");
      assert.match(steps, /budget_tokens: \d+ would fit it/);
      assert.match(steps, /mode: "skeleton"/);
      assert.doesNotMatch(steps, /--budget-token-est|--mode/);
      // The card the agent reads says the same.
      assert.match(mcp.text[0]?.text ?? "", /NEXT_STEPS:\n {2}Try mode: "excerpt"/);
      const missing = await callTool(client, "skeleton", { path: "src/nope.py" });
      assert.deepEqual(missing.steps, [
        "Paths are relative to the segment root (the directory the server serves: trifecta mcp -s DIR)",
      ]);
    } finally {
      await client.close();
      await removeSegment(seg);
    }
  },
});

Deno.test({
  name: "a write Deno does not grant is PERMISSION_NOT_GRANTED on both surfaces",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const seg = await tempExample();
    const readOnly = CLI_FLAGS.filter((f) => f !== "--allow-write");
    try {
      // The CLI builds the pack; the server rebuilds a stale one before a search.
      const cli = await cliError(seg, ["ctx", "build"], readOnly);
      const built = await runCli(["ctx", "build", "-s", seg]);
      assert.equal(built.code, 0, built.stderr);
      const file = `${seg}/src/inventory/models.py`;
      await Deno.writeTextFile(file, `# changed\n${await Deno.readTextFile(file)}`);
      const client = await connect(seg, readOnly);
      try {
        const mcp = await callTool(client, "search", { query: "stock" });
        assert.equal(cli.code, "PERMISSION_NOT_GRANTED", cli.message);
        assert.equal(mcp.code, "PERMISSION_NOT_GRANTED", mcp.message);
        assert.deepEqual(mirroredFlags(mcp.steps), []);
      } finally {
        await client.close();
      }
    } finally {
      await removeSegment(seg);
    }
  },
});
