import assert from "node:assert/strict";
import { OUTSIDE_PATH, pathScope, redactErrorPaths } from "../../lib/contract/error_paths.ts";
import { renderErrorCard, reportError, toJsonError } from "../../lib/cli/error_card.ts";
import { captureOutput } from "../../lib/cli/output.ts";
import { TrifectaError } from "../../lib/errors.ts";

const scope = { segmentRoot: "/repo/seg", keep: ["/home/u/out.json"] };

Deno.test("redactErrorPaths keeps the segment and what the user named, replaces other paths", () => {
  assert.equal(
    redactErrorPaths('Requires read access to "/home/alice/.ssh/id_rsa", run again', scope),
    `Requires read access to "${OUTSIDE_PATH}", run again`,
  );
  assert.equal(redactErrorPaths("open '/repo/seg/src/a.py'", scope), "open '/repo/seg/src/a.py'");
  assert.equal(redactErrorPaths("wrote /home/u/out.json.", scope), "wrote /home/u/out.json.");
  assert.equal(
    redactErrorPaths("link leads to /etc/shadow.", scope),
    `link leads to ${OUTSIDE_PATH}.`,
  );
  assert.equal(redactErrorPaths("a sibling /repo/segment2/x", scope), `a sibling ${OUTSIDE_PATH}`);
  assert.equal(redactErrorPaths("'/home/a b/c d.py'", scope), `'${OUTSIDE_PATH}'`);
  assert.equal(redactErrorPaths("see ~/.aws/config", scope), `see ${OUTSIDE_PATH}`);
  assert.equal(
    redactErrorPaths("see file:///home/alice/x.py and file:///repo/seg/y.py", scope),
    `see ${OUTSIDE_PATH} and file:///repo/seg/y.py`,
  );
});

Deno.test("redactErrorPaths leaves URLs, sym:// URIs, relative paths and fractions alone", () => {
  for (
    const text of [
      "See docs/security.md",
      "sym://python/mod/pkg.mod is ambiguous",
      "https://example.com/a/b",
      "3/4 done, --allow-read flag",
      "Grant it with --allow-write=/repo/seg/_ctx",
      "Make <segment>/_ctx and <segment>/.trifecta writable directories",
      "Grant it with --allow-read=$REPO/_ctx",
    ]
  ) assert.equal(redactErrorPaths(text, scope), text);
});

Deno.test("redactErrorPaths keeps the daemon's runtime directory and Deno itself", () => {
  const s = pathScope([], "/repo/seg");
  assert.equal(redactErrorPaths("/tmp/trifecta-0/lsp-ab.sock", s), "/tmp/trifecta-0/lsp-ab.sock");
  assert.equal(
    redactErrorPaths(`--allow-run=${Deno.execPath()}`, s),
    `--allow-run=${Deno.execPath()}`,
  );
});

Deno.test("pathScope keeps absolute paths from the arguments, also inside --flag=a,b", () => {
  const s = pathScope(["-s", "/srv/r", "--output=/tmp/o.csv", "x.py"], undefined);
  assert.ok(s.keep.includes("/srv/r"));
  assert.ok(s.keep.includes("/tmp/o.csv"));
});

Deno.test("the error card escapes controls and replaces outside paths; --json keeps values JSON-safe", () => {
  const err = new TrifectaError(
    "PATH_OUTSIDE_SEGMENT",
    "evil\x1b[2J\nFAKE.py leads to /home/alice/secret.py",
    { nextSteps: ["do not follow\rit"], details: { target: "/home/alice/secret.py" } },
  );
  const card = renderErrorCard(err, scope);
  assert.equal(
    card,
    "TRIFECTA_ERROR_CODE: PATH_OUTSIDE_SEGMENT\n" +
      `CAUSE: evil\\x1b[2J\\nFAKE.py leads to ${OUTSIDE_PATH}\n` +
      "NEXT_STEPS:\n  do not follow\\rit\n",
  );
  const json = toJsonError(err, scope);
  assert.equal(json.message, `evil\x1b[2J\nFAKE.py leads to ${OUTSIDE_PATH}`);
  assert.deepEqual(json.details, { target: OUTSIDE_PATH });
});

Deno.test("reportError prints an internal error's original stack with trifecta's paths shortened", async () => {
  const out = captureOutput();
  const cause = new RangeError("boom");
  cause.stack = "RangeError: boom\n    at f (file:///home/alice/proj/x.ts:1:2)\n" +
    `    at g (${new URL("../../lib/cli/mod.ts", import.meta.url).href}:3:4)`;
  const code = await reportError(out, cause, { json: false, scope });
  assert.equal(code, 1);
  assert.match(out.stderr, /^TRIFECTA_ERROR_CODE: INTERNAL_ERROR$/m);
  assert.match(out.stderr, /at f \(<path outside the segment>:1:2\)/);
  assert.match(out.stderr, /at g \(<trifecta>\/lib\/cli\/mod\.ts:3:4\)/);
  assert.doesNotMatch(out.stderr, /alice/);
});

Deno.test("reportError with --json prints one error object on stdout and nothing on stderr", async () => {
  const out = captureOutput();
  const code = await reportError(
    out,
    new TrifectaError("FILE_NOT_FOUND", "No such file: a\u202eb.py"),
    {
      json: true,
      scope,
    },
  );
  assert.equal(code, 1);
  assert.equal(out.stderr, "");
  assert.ok(out.stdout.includes("\\u202e"));
  assert.equal(JSON.parse(out.stdout).message, "No such file: a\u202eb.py");
});

Deno.test("reportError masks a secret that an error message quotes, in the card and in --json", async () => {
  // e.g. a parser error quoting the start of a file it could not read.
  const err = new SyntaxError(`Unexpected token 'A', "AKIAIOSFODNN7EXAMPLE" is not valid JSON`);
  for (const json of [false, true]) {
    const out = captureOutput();
    await reportError(out, err, { json, scope });
    assert.doesNotMatch(out.stdout + out.stderr, /AKIAIOSFODNN7EXAMPLE/);
    assert.match(out.stdout + out.stderr, /SECRET_REDACTED/);
  }
});
