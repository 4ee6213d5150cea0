import assert from "node:assert/strict";
import fc from "fast-check";
import { CONTENT_SECRET_RULES } from "../../lib/secrets.ts";
import {
  EMAIL_REDACTED,
  mayMatch,
  redactPreview,
  redactString,
  redactValue,
  SECRET_RULES,
  TELEMETRY_SECRET_RULES,
} from "../../lib/telemetry/redact.ts";
import { removeSegment, runCli, tempExample } from "../e2e/helpers.ts";
import { secretSamples } from "../_secret_samples.ts";

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
  // The value and what follows it up to a separator telemetry does not trust.
  ["GITHUB_TOKEN=abc123&x=1", "GITHUB_TOKEN=<SECRET_REDACTED>"],
  ['{"api_key": "zzz"}', '{"api_key": <SECRET_REDACTED>}'],
  ["Authorization: Bearer abc.def.ghi", "Authorization: Bearer <SECRET_REDACTED>"],
  ["authorization=Basic dXNlcjpwYXNz", "authorization=Basic <SECRET_REDACTED>"],
  ["curl -H 'Bearer tok_123456'", "curl -H 'Bearer <SECRET_REDACTED>'"],
  [
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----",
    "<PRIVATE_KEY_REDACTED>",
  ],
  ["-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn", "<PRIVATE_KEY_REDACTED>"],
  ["-----BEGIN PGP PRIVATE KEY BLOCK-----\nlQOYBF", "<PRIVATE_KEY_REDACTED>"],
  // Word characters around a token do not hide it (issue 12, point 5).
  ["AKIAIOSFODNN7EXAMPLE_backup", "<SECRET_REDACTED>_backup"],
  ["src/AKIAIOSFODNN7EXAMPLE_key.py", "src/<SECRET_REDACTED>_key.py"],
  ["xAKIAIOSFODNN7EXAMPLEy", "x<SECRET_REDACTED>y"],
  // Prefixes of tokens cut by someone else (issue 12, point 5).
  ["ghp_ABCDEFGHIJKLMN", "<SECRET_REDACTED>"],
  ["q ghp_ABCDEFGHIJKLMN…", "q <SECRET_REDACTED>…"],
  ["AKIAIOSFODNN7EXAMPL", "<SECRET_REDACTED>"],
  ["sk-proj-Ab", "<SECRET_REDACTED>"],
  ["sk-pr", "sk-pr"],
  ["sk-learn", "sk-learn"],
  ["task-runner-configuration", "task-runner-configuration"],
  ["postgres://app:S3cretPassw", "postgres://app:<SECRET_REDACTED>"],
  ["redis://:hunter2hunter2@cache:6379", "redis://:<SECRET_REDACTED>@cache:6379"],
  ["http://localhost:8000", "http://localhost:8000"],
  ['password = "hunter2', "password = <SECRET_REDACTED>"],
  ["dbpassword=hunter2", "dbpassword=<SECRET_REDACTED>"],
  ["HTTP_AUTHORIZATION=Basic dXNlcjpwYXNz", "HTTP_AUTHORIZATION=Basic <SECRET_REDACTED>"],
  // E-mail addresses, anywhere in a string.
  ["mail alice@example.com now", `mail ${EMAIL_REDACTED} now`],
  ["x_bob.smith+tag@mail.example.org_y", `${EMAIL_REDACTED}_y`],
  ["git@github.com:org/repo.git", `${EMAIL_REDACTED}:org/repo.git`],
  ["pkg@1.2.3 and @scope/pkg", "pkg@1.2.3 and @scope/pkg"],
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

Deno.test("PII allow keeps paths and URIs but masks secrets and e-mail addresses", () => {
  const o = { root: ROOT, piiAllow: true };
  assert.equal(redactString("/home/alice/x", o), "/home/alice/x");
  assert.equal(redactString("file:///home/a", o), "file:///home/a");
  assert.equal(redactString("password=x", o), "password=<SECRET_REDACTED>");
  assert.equal(redactString("by alice@example.com", o), `by ${EMAIL_REDACTED}`);
});

const SAMPLES = secretSamples();

Deno.test("token shapes with word characters around them are masked in every value and key", () => {
  const token = SAMPLES.find((s) => s.rule === "github-token")!.text;
  const out = JSON.stringify(redactValue({
    file: "src/AKIAIOSFODNN7EXAMPLE_backup.py",
    cache_key: `0a1b2c3d:x_${token}_y.py:ab12:1`,
    symbol_query: `sym://python/mod/cfg.x_${token}`,
    [`k_${token}`]: "by alice@example.com",
  }, { root: ROOT }));
  assert.ok(!out.includes("IOSFODNN7"), out);
  assert.ok(!out.includes(token.slice(4, 13)), out);
  assert.ok(!out.includes("alice@"), out);
});

Deno.test("redactPreview redacts the whole string before it cuts, at every length", () => {
  for (const s of SAMPLES.filter((s) => s.text === s.secret)) {
    const query = `find ${s.text} in src`;
    for (let n = 0; n <= query.length + 1; n++) {
      const out = redactPreview(query, n);
      assert.ok(Array.from(out).length <= n, out);
      for (let i = Math.max(0, s.marker - 8); i + 9 <= s.secret.length; i++) {
        assert.ok(!out.includes(s.secret.slice(i, i + 9)), `${s.rule} n=${n}: ${out}`);
      }
    }
  }
});

Deno.test("redactPreview leaves out a placeholder the cut would split, keeps short strings", () => {
  assert.equal(redactPreview("find AKIAIOSFODNN7EXAMPLE now", 12), "find ");
  assert.equal(redactPreview("find AKIAIOSFODNN7EXAMPLE now", 22), "find <SECRET_REDACTED>");
  assert.equal(redactPreview("to bob@example.com", 8), "to ");
  assert.equal(redactPreview("stock level", 32), "stock level");
  assert.equal(redactPreview("a<b is not a placeholder", 4), "a<b ");
});

Deno.test("ctx search records a redacted query preview: no cut token survives (real CLI)", async () => {
  const seg = await tempExample();
  try {
    assert.equal((await runCli(["ctx", "build", "-s", seg])).code, 0);
    const token = SAMPLES.find((s) => s.rule === "github-token")!.text;
    const queries = [
      `${token} stock`,
      "AKIAIOSFODNN7EXAMPLE_backup stock",
      `x_${SAMPLES.find((s) => s.rule === "openai-api-key")!.text}`,
      // Cut first, this would leave `alice.longname@example.` (no TLD: no match).
      "stock by alice.longname@example.com",
    ];
    for (const q of queries) await runCli(["ctx", "search", "-q", q, "-s", seg]);
    const events = await Deno.readTextFile(`${seg}/_ctx/telemetry/events.jsonl`);
    const previews = events.split("\n").filter((l) => l.includes('"ctx.search"')).map((l) =>
      JSON.parse(l).args.query_preview as string
    );
    assert.equal(previews.length, queries.length, events);
    for (const p of previews) assert.ok(Array.from(p).length <= 32, p);
    assert.ok(!events.includes(token.slice(0, 9)), "github token prefix");
    assert.ok(!events.includes("AKIAIOSFO"), "aws key prefix");
    assert.ok(!events.includes("sk-proj-"), "openai key prefix");
    assert.ok(!events.includes("alice.longname"), "e-mail address");
  } finally {
    await removeSegment(seg);
  }
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
  "-----BEGIN",
  "RSA ",
  "PRIVATE KEY-----",
  " BLOCK-----",
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
  "ey",
  "abcdef",
  "ABCDEF0123",
  ".",
  "_",
  "-",
  "~",
  "Q",
  "8Q~",
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
  "0123456789abcdef",
  "xox",
  "xapp-",
  "b",
  "AIza",
  "glpat",
  "GR1348941",
  "npm",
  "pypi-AgE",
  "SG.",
  "SK",
  "hv",
  "s.",
  ".atlasv1.",
  "hooks.slack.com/",
  "services/",
  "discord.com/api/webhooks/",
  "AccountKey=",
  "hf_",
  "password",
  "PassWord",
  "aws_",
  "secret",
  "Secret",
  "_access_key",
  "api",
  "key",
  "token",
  "Token",
  "https://",
  "://",
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
    for (const rule of CONTENT_SECRET_RULES) {
      if (!rule.prefix) continue;
      rule.prefix.lastIndex = 0;
      if (rule.prefix.test(s)) {
        assert.ok(
          mayMatch({ re: rule.prefix, replace: "", needs: rule.needs }, s),
          `${rule.id} prefix matched ${JSON.stringify(s)}`,
        );
      }
    }
  };
  for (const [input] of TABLE) check(input);
  for (const sample of SAMPLES) check(sample.text);
  const pieces = [...SECRET_PIECES, ...SAMPLES.map((s) => s.text.slice(0, 24))];
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 3 })), {
        maxLength: 14,
      }),
      (p) => check(p.join("")),
    ),
    { numRuns: 20000 },
  );
});

Deno.test("every secret rule is exercised by the table or a sample (hints are not vacuous)", () => {
  const inputs = [...TABLE.map(([input]) => input), ...SAMPLES.map((s) => s.text)];
  for (const rule of SECRET_RULES) {
    const hit = inputs.some((input) => {
      rule.re.lastIndex = 0;
      return rule.re.test(input) && mayMatch(rule, input);
    });
    assert.ok(hit, `no table case or sample for ${rule.re.source}`);
  }
  for (const rule of TELEMETRY_SECRET_RULES) {
    const hit = TABLE.some(([input]) => {
      rule.re.lastIndex = 0;
      return rule.re.test(input);
    });
    assert.ok(hit, `no table case for ${rule.re.source}`);
  }
});

Deno.test("redaction: an e-mail whose domain looks like a cut token goes whole, local part included", () => {
  // Found by the e-mail property: `-SG.aaaaA0` is masked as a SendGrid prefix
  // first, and the `-` before it kept the address's local part in sight.
  for (const s of ["%@-SG.aaaaA0", "bob@-SG.aaaaA0", "a.b@x-SG.abcdefgh.io"]) {
    const out = redactString(s, { root: "/repo", piiAllow: false });
    assert.ok(!out.includes("@"), `${s} → ${out}`);
  }
});
