import assert from "node:assert/strict";
import { toTrifectaError, TrifectaError } from "../../lib/errors.ts";
import { errorCard, errorObject, stepsFor, withSecretMasking } from "../../lib/contract/errors.ts";
import { OUTSIDE_PATH } from "../../lib/contract/error_paths.ts";
import { secretSamples } from "../_secret_samples.ts";

const scope = { segmentRoot: "/repo/seg", keep: [] };

Deno.test("toTrifectaError names a missing Deno grant PERMISSION_NOT_GRANTED with the flag to add", () => {
  const e = toTrifectaError(
    new Deno.errors.NotCapable(
      'Requires write access to "/repo/seg/_ctx", run again with the --allow-write flag',
    ),
  );
  assert.equal(e.code, "PERMISSION_NOT_GRANTED");
  assert.deepEqual(e.nextSteps, [
    "Grant it with --allow-write=/repo/seg/_ctx",
    "See docs/security.md",
  ]);
  const bare = toTrifectaError(new Deno.errors.NotCapable("no"));
  assert.equal(bare.nextSteps[0], "Grant it with the matching --allow-* flag");
});

Deno.test("toTrifectaError names a full disk, a refused write and anything else", () => {
  assert.equal(
    toTrifectaError(new Error("write failed (os error 28)")).code,
    "DISK_FULL",
  );
  assert.equal(
    toTrifectaError(new Deno.errors.AlreadyExists("File exists (os error 17)")).code,
    "OUTPUT_NOT_WRITABLE",
  );
  assert.equal(toTrifectaError(new Deno.errors.PermissionDenied("no")).code, "OUTPUT_NOT_WRITABLE");
  const bug = toTrifectaError(new TypeError("x is undefined"));
  assert.equal(bug.code, "INTERNAL_ERROR");
  assert.ok(bug.cause instanceof TypeError);
  const own = new TrifectaError("FILE_NOT_FOUND", "gone");
  assert.equal(toTrifectaError(own), own);
});

Deno.test("both surfaces get the same code, message and details; only the steps differ", () => {
  const err = new TrifectaError("BUDGET_EXCEEDED", "The raw snippet needs ~197 tokens", {
    nextSteps: [
      "Try --mode excerpt or --mode skeleton, or raise --budget-token-est",
      "--budget-token-est 197 would fit it",
    ],
    details: { needed_token_est: 197 },
  });
  const cli = errorObject(err, { surface: "cli", scope });
  const mcp = errorObject(err, { surface: "mcp", scope });
  assert.deepEqual({ ...cli, next_steps: [] }, { ...mcp, next_steps: [] });
  assert.deepEqual(cli.next_steps, err.nextSteps);
  assert.deepEqual(mcp.next_steps, [
    'Try mode: "excerpt" or mode: "skeleton", or raise budget_tokens',
    "budget_tokens: 197 would fit it",
  ]);
});

Deno.test("MCP steps: short flags and values map to arguments; a sentence word is not a value", () => {
  assert.deepEqual(stepsFor(["Ask again with -b 3000 or -m skeleton"], "mcp"), [
    'Ask again with budget_tokens: 3000 or mode: "skeleton"',
  ]);
  assert.deepEqual(stepsFor(["Raise --budget-token-est or address a smaller symbol"], "mcp"), [
    "Raise budget_tokens or address a smaller symbol",
  ]);
  assert.deepEqual(stepsFor(["Pass ids with -i/--ids"], "mcp"), ["Pass ids with ids"]);
});

Deno.test("MCP steps: shell commands and Deno flags stay, the segment is the server's, the command is the call", () => {
  assert.deepEqual(
    stepsFor([
      "Rebuild them with: trifecta ctx build -s <segment> (or trifecta ctx sync -s <segment>)",
      "Grant --allow-write=<segment>/_ctx (see docs/security.md)",
      "Paths are relative to the segment root (-s/--segment, default .)",
      "Give a path relative to the segment root, or choose another -s/--segment",
      "Run the command again once the repository is not being changed",
      "This is a bug in trifecta: please report it with the command you ran",
    ], "mcp"),
    [
      "Rebuild them with: trifecta ctx build -s <segment> (or trifecta ctx sync -s <segment>)",
      "Grant --allow-write=<segment>/_ctx (see docs/security.md)",
      "Paths are relative to the segment root (the directory the server serves: trifecta mcp -s DIR)",
      "Give a path relative to the segment root, or serve another segment (trifecta mcp -s DIR)",
      "Call the tool again once the repository is not being changed",
      "This is a bug in trifecta: please report it with the tool name and its arguments",
    ],
  );
});

Deno.test("MCP steps: a step only a CLI flag without a tool argument can follow is left out", () => {
  assert.deepEqual(
    stepsFor([
      "Run without --require-lsp for an answer from the AST",
      "Check the server: trifecta lsp daemon status, or set TRIFECTA_LSP_COMMAND",
    ], "mcp"),
    ["Check the server: trifecta lsp daemon status, or set TRIFECTA_LSP_COMMAND"],
  );
  // The CLI keeps every step as written.
  assert.equal(stepsFor(["Run without --require-lsp"], "cli").length, 1);
});

Deno.test("the redaction is the same on both surfaces: outside paths, details, secrets", async () => {
  const sample = secretSamples().find((x) => x.rule.startsWith("github"));
  assert.ok(sample, "a GitHub token sample");
  const err = new TrifectaError(
    "PATH_OUTSIDE_SEGMENT",
    `link.py leads to /home/alice/.ssh/x, token ${sample.secret}`,
    { details: { target: "/home/alice/.ssh/x", inside: "/repo/seg/a.py" } },
  );
  const masking = await withSecretMasking(scope);
  for (const surface of ["cli", "mcp"] as const) {
    const obj = errorObject(err, { surface, scope: masking });
    assert.ok(obj.message.includes(OUTSIDE_PATH), obj.message);
    assert.ok(!obj.message.includes("/home/alice"), obj.message);
    assert.ok(!obj.message.includes(sample.secret), obj.message);
    assert.match(obj.message, /SECRET_REDACTED/);
    assert.deepEqual(obj.details, { target: OUTSIDE_PATH, inside: "/repo/seg/a.py" });
  }
});

Deno.test("the card escapes every line's control characters, so none can fake a line", () => {
  const card = errorCard(errorObject(
    new TrifectaError("X\nFAKE", "a\x1b[2Jb\nTRIFECTA_ERROR_CODE: NONE", {
      nextSteps: ["do\rthis"],
    }),
    { scope },
  ));
  assert.equal(
    card,
    "TRIFECTA_ERROR_CODE: X\\nFAKE\nCAUSE: a\\x1b[2Jb\\nTRIFECTA_ERROR_CODE: NONE\n" +
      "NEXT_STEPS:\n  do\\rthis\n",
  );
});
