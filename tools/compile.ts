/**
 * `deno task compile`: builds `dist/trifecta`, a single binary, with the
 * permission flags of `tools/permissions.ts` baked in. `deno compile` needs
 * Deno's runtime (`denort`): it downloads it from Deno's download host, or
 * takes the file named by `DENORT_BIN`. Where neither works (as on machines
 * without internet access), this says so in plain words and exits 1, instead
 * of `deno compile`'s stack backtrace.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { optionalEnv } from "../lib/env.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = Deno.args[0] ?? `${root}dist/trifecta`;
const denort = optionalEnv("DENORT_BIN");

function fail(cause: string, steps: string[]): never {
  const lines = [`TRIFECTA_ERROR_CODE: COMPILE_FAILED`, `CAUSE: ${cause}`, "NEXT_STEPS:"];
  for (const s of steps) lines.push(`  ${s}`);
  Deno.stderr.writeSync(new TextEncoder().encode(lines.join("\n") + "\n"));
  Deno.exit(1);
}

if (denort !== undefined) {
  try {
    if (!Deno.statSync(denort).isFile) fail(`DENORT_BIN is not a file: ${denort}`, []);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      fail(`DENORT_BIN names no file: ${denort}`, [
        "Point DENORT_BIN at a denort binary of Deno 2.9.6",
      ]);
    }
    throw err;
  }
}

// The binary cannot know its segment in advance, so reads and writes are
// granted broadly; trifecta's own real-path containment still applies.
const flags = [
  "--unstable-raw-imports",
  "--no-prompt",
  "--allow-read",
  "--allow-write",
  "--allow-env=TRIFECTA_*,PATH,XDG_RUNTIME_DIR,USER,HOME",
  "--allow-sys=osRelease,uid,hostname",
  "--allow-run",
];
const result = await new Deno.Command(Deno.execPath(), {
  args: ["compile", ...flags, "-o", out, `${root}main.ts`],
  stdout: "inherit",
  stderr: "piped",
}).output();
if (result.code === 0) Deno.exit(0);
const stderr = new TextDecoder().decode(result.stderr);
if (/dns error|lookup address|download|connect|network/i.test(stderr)) {
  fail(
    denort
      ? "deno compile could not use DENORT_BIN and tried to download Deno's runtime (denort), which is unreachable"
      : "deno compile needs Deno's runtime (denort) and could not download it: the download host is unreachable from this machine",
    [
      "Set DENORT_BIN to a denort binary of the same Deno version (2.9.6) and run again",
      "Or run `deno task compile` on a machine that can reach Deno's download host",
      "Or ship the bundle instead: `deno task bundle` → dist/trifecta.js (see README)",
    ],
  );
}
fail(`deno compile failed (exit ${result.code}): ${stderr.split("\n")[0]}`, [
  "Run the command by hand to see deno's full output",
]);
