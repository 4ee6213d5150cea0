import assert from "node:assert/strict";
import fc from "fast-check";
import { mayMatch, redactString, redactValue, SECRET_RULES } from "../../lib/telemetry/redact.ts";

const ROOT = "/work/seg";

// [input, expected] with the segment at /work/seg, PII not allowed.
const TABLE: [string, string][] = [
  ["/Users/alice/project", "<ABS_PATH_REDACTED>"],
  ["/home/bob/code/app.py", "<ABS_PATH_REDACTED>"],
  ["/private/var/folders/x/T/tmp1", "<ABS_PATH_REDACTED>"],
  ["/mnt/c/Users/carol/repo", "<ABS_PATH_REDACTED>"],
  ["/tmp/build/out.log", "<ABS_PATH_REDACTED>"],
  ["C:\\Users\\dave\\proj\\main.py", "<ABS_PATH_REDACTED>"],
  ["D:\\users\\frank\\code", "<ABS_PATH_REDACTED>"],
  ["\\\\fileserver\\share\\doc.txt", "<ABS_PATH_REDACTED>"],
  ["file:///home/erin/x.py", "<ABS_URI_REDACTED>"],
  ["see file:///C:/Users/x/a.ts now", "see <ABS_URI_REDACTED> now"],
  ["~/.ssh/config", "<ABS_PATH_REDACTED>"],
  ["/work/seg/src/app.py", "src/app.py"],
  ["/work/seg", "."],
  ["/work/seg/src/app.py:12:5", "src/app.py:12:5"],
  ["error in /work/seg/a.py and /etc/hosts.", "error in a.py and <ABS_PATH_REDACTED>."],
  ["/work/segment2/x.py", "<ABS_PATH_REDACTED>"],
  ["PATH=/usr/bin:/home/u/bin", "PATH=<ABS_PATH_REDACTED>:<ABS_PATH_REDACTED>"],
  [".", "."],
  ["./src/main.py", "./src/main.py"],
  ["../x", "../x"],
  ["src/a/b.py", "src/a/b.py"],
  ["https://example.com/a/b?q=1", "https://example.com/a/b?q=1"],
  ["https://user:pa55word@example.com/x", "https://<SECRET_REDACTED>@example.com/x"],
  ["key sk-abcdefghijklmnopqrstuvwx used", "key <SECRET_REDACTED> used"],
  ["sk-ant-api03-AbCdEfGhIjKlMnOpQrStUv", "<SECRET_REDACTED>"],
  ["ghp_0123456789abcdefghijABCDEFGHIJ0123", "<SECRET_REDACTED>"],
  ["github_pat_11ABCDEFG0123456789_abcdefghijkl", "<SECRET_REDACTED>"],
  ["AKIAIOSFODNN7EXAMPLE", "<SECRET_REDACTED>"],
  ["xoxb-123456789012-abcdefghij", "<SECRET_REDACTED>"],
  ["glpat-abcdefghij0123456789", "<SECRET_REDACTED>"],
  ["AIzaSyA-0123456789abcdefghijklmnopqrstu", "<SECRET_REDACTED>"],
  ["npm_abcdefghijABCDEFGHIJ0123456789abcdef", "<SECRET_REDACTED>"],
  ["stripe sk_live_0123456789abcdefXYZ", "stripe <SECRET_REDACTED>"],
  [
    "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    "jwt <SECRET_REDACTED>",
  ],
  ["password=hunter2", "password=<SECRET_REDACTED>"],
  ["db_password: 's3cr3t!'", "db_password: <SECRET_REDACTED>"],
  ["GITHUB_TOKEN=abc123&x=1", "GITHUB_TOKEN=<SECRET_REDACTED>&x=1"],
  ['{"api_key": "zzz"}', '{"api_key": <SECRET_REDACTED>}'],
  ["Authorization: Bearer abc.def.ghi", "Authorization: Bearer <SECRET_REDACTED>"],
  ["authorization=Basic dXNlcjpwYXNz", "authorization=Basic <SECRET_REDACTED>"],
  ["curl -H 'Bearer tok_123456'", "curl -H 'Bearer <SECRET_REDACTED>'"],
  [
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----",
    "<PRIVATE_KEY_REDACTED>",
  ],
  ["-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn", "<PRIVATE_KEY_REDACTED>"],
  ["max_tokens=500 budget_token_est=1500", "max_tokens=500 budget_token_est=1500"],
  ["tokens: 42", "tokens: 42"],
  ["ctx.search", "ctx.search"],
];

for (const [input, expected] of TABLE) {
  Deno.test(`redacts ${JSON.stringify(input.slice(0, 40))}`, () => {
    assert.equal(redactString(input, { root: ROOT }), expected);
  });
}

Deno.test("the table has at least 20 PII and secret cases", () => {
  assert.ok(TABLE.length >= 20);
});

Deno.test("redaction reaches every depth of args, arrays and keys", () => {
  const out = redactValue({
    a: { b: [{ c: "/home/x/y" }, ["/work/seg/z.py"]] },
    "/home/alice/file.py": 3,
    "/work/seg/k.py": "v",
  }, { root: ROOT });
  assert.deepEqual(out, {
    a: { b: [{ c: "<ABS_PATH_REDACTED>" }, ["z.py"]] },
    "<ABS_PATH_REDACTED>": 3,
    "k.py": "v",
  });
});

Deno.test("two keys redacted to the same name are both kept", () => {
  const out = redactValue({ "/home/a/x": 1, "/home/b/y": 2 }, { root: ROOT });
  assert.deepEqual(out, { "<ABS_PATH_REDACTED>": 1, "<ABS_PATH_REDACTED>#2": 2 });
});

Deno.test("secret-named keys mask any string value, numbers stay", () => {
  const out = redactValue(
    {
      password: "p",
      token: "t",
      Authorization: "x",
      cookie: "c",
      client_secret: "s",
      tokens: 5,
      cache_key: "k",
    },
    { root: ROOT },
  );
  assert.deepEqual(out, {
    password: "<SECRET_REDACTED>",
    token: "<SECRET_REDACTED>",
    Authorization: "<SECRET_REDACTED>",
    cookie: "<SECRET_REDACTED>",
    client_secret: "<SECRET_REDACTED>",
    tokens: 5,
    cache_key: "k",
  });
});

Deno.test("file content is replaced by a hash descriptor, bytes by their size", () => {
  const content = "def f():\n    return 1\n\nclass A:\n    pass\n";
  const out = redactValue({ text: content, raw: new TextEncoder().encode(content) }, {
    root: ROOT,
  }) as {
    text: string;
    raw: string;
  };
  assert.match(out.text, /^<TEXT sha256:[0-9a-f]{16} bytes:\d+ lines:6>$/);
  assert.ok(!out.text.includes("def f"));
  assert.equal(out.raw, `<BYTES ${new TextEncoder().encode(content).length}>`);
});

Deno.test("PII allow keeps paths and URIs but masks secrets", () => {
  const o = { root: ROOT, piiAllow: true };
  assert.equal(redactString("/home/alice/x", o), "/home/alice/x");
  assert.equal(redactString("file:///home/a", o), "file:///home/a");
  assert.equal(redactString("password=x", o), "password=<SECRET_REDACTED>");
});

Deno.test("non-JSON values become JSON-safe", () => {
  const cyc: Record<string, unknown> = { n: 1 };
  cyc.self = cyc;
  const out = redactValue({
    big: 10n,
    d: new Date(0),
    inf: Infinity,
    f: () => 1,
    set: new Set([1, 2]),
    map: new Map([["k", "/home/x"]]),
    err: new Error("at /home/u/x"),
    cyc,
    arr: Array.from({ length: 60 }, (_, i) => i),
  }, { root: ROOT }) as Record<string, unknown>;
  assert.equal(out.big, "10");
  assert.equal(out.d, "1970-01-01T00:00:00.000Z");
  assert.equal(out.inf, null);
  assert.ok(!("f" in out));
  assert.deepEqual(out.set, [1, 2]);
  assert.deepEqual(out.map, { k: "<ABS_PATH_REDACTED>" });
  assert.deepEqual(out.err, { name: "Error", message: "at <ABS_PATH_REDACTED>" });
  assert.deepEqual(out.cyc, { n: 1, self: "<CYCLE>" });
  assert.equal((out.arr as unknown[]).length, 51);
  assert.equal((out.arr as unknown[])[50], "<+10 more>");
});

// Pieces of the secret patterns, so that generated strings often match one.
const SECRET_PIECES = [
  "-----BEGIN ",
  "RSA ",
  "PRIVATE KEY-----",
  "-----END ",
  "\n",
  " ",
  "Authorization",
  "AUTHORIZATION",
  "Proxy-",
  ": ",
  "=",
  "'",
  '"',
  "Bearer ",
  "Basic ",
  "eyJ",
  "abcdef",
  "ABCDEF0123",
  ".",
  "_",
  "-",
  "sk",
  "rk",
  "live",
  "test",
  "gh",
  "p",
  "github_pat_",
  "AKIA",
  "ASIA",
  "AROA",
  "0123456789ABCDEF",
  "xox",
  "b",
  "AIza",
  "glpat",
  "npm",
  "password",
  "PassWord",
  "api",
  "key",
  "token",
  "Token",
  "https://",
  "user",
  "@",
  "/",
  "x",
  "é",
  "İ",
];

Deno.test("a secret rule's hints are in everything its pattern matches", () => {
  const check = (s: string) => {
    for (const rule of SECRET_RULES) {
      rule.re.lastIndex = 0;
      if (rule.re.test(s)) {
        assert.ok(mayMatch(rule, s), `${rule.re.source} matched ${JSON.stringify(s)}`);
      }
    }
  };
  for (const [input] of TABLE) check(input);
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.constantFrom(...SECRET_PIECES), fc.string({ maxLength: 3 })), {
        maxLength: 14,
      }),
      (pieces) => check(pieces.join("")),
    ),
    { numRuns: 20000 },
  );
});

Deno.test("every secret rule is exercised by the table (hints are not vacuous)", () => {
  for (const rule of SECRET_RULES) {
    const hit = TABLE.some(([input]) => {
      rule.re.lastIndex = 0;
      return rule.re.test(input) && mayMatch(rule, input);
    });
    assert.ok(hit, `no table case for ${rule.re.source}`);
  }
});
