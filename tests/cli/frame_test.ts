import assert from "node:assert/strict";
import { COMMANDS, type CommandSpec, GLOBAL_OPTIONS } from "../../lib/contract/commands.ts";
import { flagsOf } from "../../lib/contract/command_values.ts";
import { captureOutput, run } from "../../lib/cli/mod.ts";

const SPECS: readonly CommandSpec[] = COMMANDS;

function pathOf(spec: CommandSpec): string[] {
  return [...(spec.group === "" ? [] : spec.group.split(".")), spec.name];
}

async function help(argv: readonly string[]): Promise<string> {
  const out = captureOutput();
  assert.equal(await run([...argv, "--help"], { output: out }), 0, argv.join(" "));
  return out.stdout;
}

Deno.test("every command's --help lists the options its spec declares", async () => {
  for (const spec of SPECS) {
    const text = await help(pathOf(spec));
    assert.match(text, new RegExp(`^Usage: trifecta ${pathOf(spec).join(" ")} `, "m"));
    for (const option of [...GLOBAL_OPTIONS, ...spec.options]) {
      assert.ok(text.includes(flagsOf(option)), `${pathOf(spec).join(" ")}: ${flagsOf(option)}`);
    }
  }
});

Deno.test("a hidden command is left out of its group's help and still runs its own", async () => {
  const hidden = SPECS.filter((s) => s.hidden === true);
  assert.ok(hidden.length > 0, "lsp daemon serve is hidden");
  for (const spec of hidden) {
    const group = await help(spec.group.split("."));
    assert.doesNotMatch(group, new RegExp(`^  ${spec.name}\\b`, "m"));
    assert.match(await help(pathOf(spec)), /--ttl <seconds>/);
  }
  assert.match(await help(["lsp", "daemon"]), /^ {2}start\b/m);
});

Deno.test("a required option missing is a usage error naming it", async () => {
  const out = captureOutput();
  assert.equal(await run(["ctx", "search", "--json"], { output: out }), 2);
  const json = JSON.parse(out.stdout);
  assert.equal(json.error_code, "USAGE_ERROR");
  assert.match(json.message, /-q, --query <text>/);
});
