/**
 * Rust: the fixture's skeleton (fixtures/rust) equals the expected JSON,
 * whose lines and docs agree with the `syn` crate (bench/oracles/rust),
 * every symbol's `sym://` URI resolves back to it, and a syntax error still
 * yields the symbols around it.
 */
import { equal, ok } from "node:assert/strict";
import { fileURLToPath as fromFileUrl } from "node:url";
import {
  checkFixtureSkeleton,
  checkSyntaxError,
  checkUrisResolve,
  expectedPath,
  fixtureDir,
  onPath,
} from "./fixture_skeleton.ts";

Deno.test("rust: the fixture's skeleton equals tests/languages/expected/rust.json", async () => {
  await checkFixtureSkeleton("rust");
});

Deno.test("rust: every symbol's sym:// URI resolves back to that symbol", async () => {
  // An impl block is addressed by its type's URI (`…/Circle`): checked by name.
  await checkUrisResolve("rust", "rust", { shared: ["impl"] });
});

Deno.test("rust: a syntax error still yields the symbols around it, with has_errors", async () => {
  const text = [
    "/// Before is fine.",
    "pub struct Before { a: u8 }",
    "",
    "fn oops() {",
    "    let x = );",
    "}",
    "",
    "/// After is fine too.",
    "pub fn after() -> u8 { 1 }",
    "",
  ].join("\n");
  await checkSyntaxError("broken.rs", text, ["Before", "oops", "after"]);
});

const CARGO = onPath("cargo") && onPath("python3");
if (!CARGO) console.log("rust oracle test skipped: no `cargo` or `python3` on PATH");
const REGISTRY = "/usr/share/cargo/registry";
let syn = false;
try {
  syn = [...Deno.readDirSync(REGISTRY)].some((e) => e.name.startsWith("syn-1."));
} catch (err) {
  // No Debian crate sources on this machine: the oracle cannot be built offline.
  if (!(err instanceof Deno.errors.NotFound)) throw err;
}
if (!syn) console.log(`rust oracle test skipped: no syn 1.x under ${REGISTRY} (librust-syn-dev)`);

Deno.test({
  name: "rust: the expected JSON agrees with syn (lines, kinds, names, docs)",
  ignore: !CARGO || !syn,
  fn: async () => {
    const bench = fromFileUrl(new URL("../../bench/", import.meta.url));
    const target = Deno.env.get("CARGO_TARGET_DIR") ?? "/tmp/trifecta-rust-oracle-target";
    const build = await new Deno.Command("cargo", {
      args: ["build", "--release", "--quiet"],
      cwd: `${bench}oracles/rust`,
      env: { CARGO_TARGET_DIR: target },
    }).output();
    equal(build.code, 0, new TextDecoder().decode(build.stderr));
    const out = await new Deno.Command("python3", {
      args: [
        `${bench}compare_rust.py`,
        fixtureDir("rust"),
        expectedPath("rust"),
        `${target}/release/rust-oracle`,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const report = new TextDecoder().decode(out.stdout);
    equal(out.code, 0, report + new TextDecoder().decode(out.stderr));
    ok(report.includes("missing or different in trifecta: 0"), report);
    ok(report.includes("extra or different in trifecta: 0"), report);
    ok(report.includes("doc line differs (matched definitions): 0"), report);
  },
});
