/**
 * Synthetic secrets of every content rule in lib/secrets.ts, and look-alikes
 * that must not be taken for secrets. Tokens are generated from a seeded
 * random source at run time, so no file of this repository holds a literal
 * token (push protection and secret scanners stay quiet).
 *
 * @module
 */

/** One synthetic secret. */
export interface SecretSample {
  /** The rule that must find it. */
  rule: string;
  /** The secret as it stands in a file (with its name or URL where the rule needs one). */
  text: string;
  /** The part that must never survive masking. */
  secret: string;
  /** Length of the public marker at the start of `secret` (`ghp_`, `github_pat_`, …). */
  marker: number;
}

const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const DIGIT = "0123456789";
const ALNUM = UPPER + LOWER + DIGIT;
const HEX = "0123456789abcdef";
const B64 = ALNUM + "+/";
const B64URL = ALNUM + "-_";

/** A seeded generator (mulberry32), so samples are the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Random characters from `alphabet`; the first three are a digit, an upper
 * and a lower case letter when the alphabet has them, as in real random keys.
 */
function rand(next: () => number, alphabet: string, n: number): string {
  let out = "";
  for (let i = 0; i < n; i++) out += alphabet[Math.floor(next() * alphabet.length)];
  const force = [DIGIT, UPPER, LOWER].filter((set) => [...set].every((c) => alphabet.includes(c)));
  if (n >= 12) {
    out = force.map((set) => set[Math.floor(next() * set.length)]).join("") +
      out.slice(force.length);
  }
  return out;
}

function b64url(s: string): string {
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function token(rule: string, marker: string, body: string): SecretSample {
  return { rule, text: marker + body, secret: marker + body, marker: marker.length };
}

/** In a context: `text` holds `secret` somewhere. */
function inContext(rule: string, text: string, secret: string): SecretSample {
  return { rule, text, secret, marker: 0 };
}

/** A PEM block whose body starts with the real DER/OpenSSH magic of its kind. */
function pem(next: () => number, kind: string, magic: string, headers = ""): SecretSample {
  const lines = Array.from(
    { length: 6 },
    (_, i) =>
      i === 0 ? magic + rand(next, B64, 64 - magic.length) : rand(next, B64, i === 5 ? 20 : 64),
  );
  const body = (headers ? headers + "\n\n" : "") + lines.join("\n") + "==";
  const text = `-----BEGIN ${kind}-----\n${body}\n-----END ${kind}-----`;
  return inContext("private-key", text, lines.join("\n"));
}

/** Every sample, at least one per content rule. */
export function secretSamples(seed = 12): SecretSample[] {
  const n = rng(seed);
  const r = (alphabet: string, len: number) => rand(n, alphabet, len);
  const jwt = b64url('{"alg":"HS256","typ":"JWT"}') + "." +
    b64url(`{"sub":"${r(DIGIT, 10)}","name":"x","iat":1516239022}`) + "." + r(B64URL, 43);
  const awsSecret = r(ALNUM + "/+", 40);
  const azureKey = r(B64, 86) + "==";
  const busKey = r(B64, 43) + "=";
  const adSecret = r(ALNUM, 3) + "8Q~" + r(ALNUM + "_~.-", 34);
  const slackHook = "services/T" + r(UPPER + DIGIT, 8) + "/B" + r(UPPER + DIGIT, 10) + "/" +
    r(ALNUM, 24);
  const discord = r(B64URL, 68);
  const password = "S3cr" + r(ALNUM, 12);
  return [
    pem(n, "RSA PRIVATE KEY", "MIIEowIBAAKCAQEA"),
    pem(n, "PRIVATE KEY", "MIIEvgIBADANBgkqhkiG9w0BAQEFAASC"),
    pem(n, "OPENSSH PRIVATE KEY", "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ"),
    pem(n, "EC PRIVATE KEY", "MHcCAQEEI"),
    pem(n, "ENCRYPTED PRIVATE KEY", "MIIFHDBOBgkqhkiG9w0BBQ0wQTAp"),
    pem(
      n,
      "RSA PRIVATE KEY",
      "MIIEpAIBAAKCAQEA",
      "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,0A1B2C3D4E5F6071",
    ),
    pem(n, "PGP PRIVATE KEY BLOCK", "lQOYBF"),
    token("aws-access-key-id", "AKIA", r(UPPER + DIGIT, 16)),
    token("aws-access-key-id", "ASIA", r(UPPER + DIGIT, 16)),
    inContext("aws-secret-access-key", `aws_secret_access_key = "${awsSecret}"`, awsSecret),
    inContext("aws-secret-access-key", `AWS_SECRET_ACCESS_KEY: '${awsSecret}'`, awsSecret),
    inContext("aws-secret-access-key", `{"SecretAccessKey": "${awsSecret}"}`, awsSecret),
    token("github-token", "ghp_", r(ALNUM, 36)),
    token("github-token", "gho_", r(ALNUM, 36)),
    token("github-token", "ghu_", r(ALNUM, 36)),
    token("github-token", "ghs_", r(ALNUM, 36)),
    token("github-token", "ghr_", r(ALNUM, 36)),
    token("github-token", "github_pat_", r(ALNUM, 22) + "_" + r(ALNUM, 59)),
    token("gitlab-token", "glpat-", r(B64URL, 20)),
    token("gitlab-token", "glptt-", r(HEX, 40)),
    token("gitlab-token", "GR1348941", r(B64URL, 20)),
    token("slack-token", "xoxb-", r(DIGIT, 12) + "-" + r(DIGIT, 13) + "-" + r(ALNUM, 24)),
    token("slack-token", "xoxp-", r(DIGIT, 12) + "-" + r(DIGIT, 12) + "-" + r(ALNUM, 32)),
    token(
      "slack-token",
      "xapp-",
      "1-A" + r(UPPER + DIGIT, 10) + "-" + r(DIGIT, 13) + "-" + r(HEX, 64),
    ),
    {
      rule: "slack-webhook",
      text: "https://hooks.slack.com/" + slackHook,
      secret: slackHook,
      marker: "services/".length,
    },
    inContext(
      "discord-webhook",
      `https://discord.com/api/webhooks/${r(DIGIT, 18)}/${discord}`,
      discord,
    ),
    token("anthropic-api-key", "sk-ant-", "api03-" + r(B64URL, 93) + "AA"),
    token("openai-api-key", "sk-proj-", r(B64URL, 74) + "T3BlbkFJ" + r(B64URL, 74)),
    token("openai-api-key", "sk-", r(ALNUM, 20) + "T3BlbkFJ" + r(ALNUM, 20)),
    token("openai-api-key", "sk-svcacct-", r(B64URL, 58) + "T3BlbkFJ" + r(B64URL, 58)),
    token("stripe-key", "sk_live_", r(ALNUM, 99)),
    token("stripe-key", "rk_live_", r(ALNUM, 24)),
    token("stripe-key", "sk_test_", r(ALNUM, 24)),
    token("stripe-webhook-secret", "whsec_", r(ALNUM, 32)),
    token("google-api-key", "AIza", r(B64URL, 35)),
    token("google-oauth-secret", "GOCSPX-", r(B64URL, 28)),
    token("google-oauth-token", "ya29.", r(B64URL, 120)),
    token("npm-token", "npm_", r(ALNUM, 36)),
    token("pypi-token", "pypi-AgEIcHlwaS5vcmc", r(B64URL, 120)),
    { rule: "jwt", text: jwt, secret: jwt, marker: 3 },
    token("sendgrid-api-key", "SG.", r(B64URL, 22) + "." + r(B64URL, 43)),
    token("twilio-api-key", "SK", r(HEX, 32)),
    inContext(
      "azure-storage-key",
      `DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${azureKey};EndpointSuffix=core.windows.net`,
      azureKey,
    ),
    inContext(
      "azure-storage-key",
      `Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=${busKey}`,
      busKey,
    ),
    inContext("azure-ad-client-secret", adSecret, adSecret),
    token("vault-token", "hvs.", r(B64URL, 95)),
    token("vault-token", "hvb.", r(B64URL, 140)),
    (() => {
      const secret = r(B64URL, 67);
      return { rule: "vault-token", text: r(ALNUM, 14) + ".atlasv1." + secret, secret, marker: 0 };
    })(),
    token("huggingface-token", "hf_", r(UPPER + LOWER, 34)),
    token("other-api-token", "shpat_", r(HEX, 32)),
    token("other-api-token", "gsk_", r(ALNUM, 52)),
    token("other-api-token", "lin_api_", r(ALNUM, 40)),
    token("other-api-token", "ntn_", r(DIGIT, 11) + r(ALNUM, 35)),
    token("other-api-token", "glsa_", r(ALNUM, 32) + "_" + r(HEX, 8)),
    token("other-api-token", "vcp_", r(ALNUM, 24)),
    token("other-api-token", "dapi", r(HEX, 32)),
    token("other-api-token", "dckr_pat_", r(B64URL, 27)),
    token("other-api-token", "figd_", r(B64URL, 40)),
    token("other-api-token", "dop_v1_", r(HEX, 64)),
    token("other-api-token", "dp.pt.", r(ALNUM, 43)),
    token("other-api-token", "PMAK-", r(HEX, 24) + "-" + r(HEX, 34)),
    token("other-api-token", "NRAK-", r(UPPER + DIGIT, 27)),
    token("other-api-token", "AGE-SECRET-KEY-1", r(UPPER + DIGIT, 58)),
    token("other-api-token", "glc_", r(ALNUM, 64) + "=="),
    token("other-api-token", "ops_eyJ", r(ALNUM, 150) + "fQ=="),
    token("other-api-token", "ATATT3", r(B64URL, 186)),
    token("other-api-token", "sntrys_eyJ", r(ALNUM, 80)),
    inContext("secret-assignment", `DB_PASSWORD = "${password}"`, password),
    inContext("secret-assignment", `spring.datasource.password=${password}`, password),
    inContext("secret-assignment", `{"api_key": "${password}"}`, password),
    (() => {
      const secret = "django-insecure-" + r(ALNUM, 24);
      return { rule: "secret-assignment", text: `SECRET_KEY = '${secret}'`, secret, marker: 16 };
    })(),
    inContext("url-credentials", `postgres://admin:${password}@db.example.com:5432/app`, password),
    inContext("url-credentials", `https://deploy:${password}@example.com/repo.git`, password),
    inContext("url-credentials", `redis://:${password}@localhost:6379/0`, password),
    inContext("url-credentials", `mongodb+srv://u:${password}@cluster0.example.net/db`, password),
    // Configuration shapes: YAML, compose, INI with spaces, other key names, flags, queries.
    inContext("secret-assignment", `password: ${password}`, password),
    inContext("secret-assignment", `  MYSQL_ROOT_PASSWORD: ${password}`, password),
    inContext("secret-assignment", `password = ${password}`, password),
    inContext("secret-assignment", `DB_PASS = "${password}"`, password),
    inContext("secret-assignment", `passphrase = "${password}"`, password),
    inContext("secret-assignment", `credential: "${password}"`, password),
    inContext("secret-assignment", `auth_token: ${password}`, password),
    inContext("secret-assignment", `mysql --password ${password} -u root`, password),
    inContext(
      "secret-assignment",
      `https://example.com/login?password=${password}&next=1`,
      password,
    ),
    // Code shapes (issue 12 attack round): template literals, fallbacks of a
    // read of the real value, getter defaults, typed declarations, literal
    // types, shell defaults; then password options of CLI tools.
    ...[
      `const secret = \`${password}\`;`,
      `const x = { "password": \`${password}\` }`,
      `export function conn(pw = process.env.DB_PASSWORD ?? "${password}")`,
      `const password = process.env.DB_PASSWORD || "${password}"`,
      `const cfg = { password: process.env.PW ?? "${password}" }`,
      `api_key = os.environ.get("API_KEY", "${password}")`,
      `password = os.getenv("PW") or "${password}"`,
      `token: string = "${password}"`,
      `declare function login(user: string, pass?: "${password}"): void`,
      `$password = getenv('PW') ?: '${password}';`,
      `POSTGRES_PASSWORD=\${POSTGRES_PASSWORD:-${password}}`,
    ].map((text) => inContext("secret-assignment", text, password)),
    ...[
      `mysql -u root -p${password}`,
      `mysqldump -uroot -p'${password}' db`,
      `sshpass -p ${password} ssh deploy@host`,
      `curl -u admin:${password} https://api.example.com/`,
    ].map((text) => inContext("cli-password", text, password)),
    ...(() => {
      const bearer = r(ALNUM, 40);
      const basic = btoa(`deploy:${password}`);
      const drf = r(HEX, 40);
      return [
        inContext("authorization-credential", `{"Authorization": "Bearer ${bearer}"}`, bearer),
        inContext("authorization-credential", `Authorization: Basic ${basic}`, basic),
        inContext("authorization-credential", `Authorization: Token ${drf}`, drf),
      ];
    })(),
    inContext("xml-secret-element", `<password>${password}</password>`, password),
    inContext("xml-secret-element", `<db:apiKey>${password}</db:apiKey>`, password),
    inContext("url-query-secret", `https://api.example.com/v1/items?sig=${password}&x=1`, password),
    inContext("url-query-secret", `GET /maps?key=${password}`, password),
  ];
}

/** Text that looks a little like a secret and is not one: no rule may fire. */
export const LOOK_ALIKES: readonly string[] = [
  "The AKIA prefix marks an AWS access key id.",
  "AKIAEXAMPLE is too short",
  "import sklearn  # sk-learn",
  'cmd = "task-runner-configuration-for-everything-0123456789"',
  "sk-abcdefghijklmnopqrstuvwxyzabcdefghij",
  "mask_test_abcdefghijklmnopqrstuvwxyzABC123",
  "ghp_short and github_pat_ alone",
  "xoxo-love-you-forever-and-ever",
  'header = "eyJhbGciOiJIUzI1NiJ9"',
  "url = 'https://example.com:8080/path?q=1'",
  "http://user@host/x",
  "postgres://user:${DB_PASSWORD}@db/app",
  "mysql://root:***@localhost/db",
  "'%(user)s:%(password)s@%(host)s'",
  "dsn = 'postgres://%s:%s@%s/%s' % (u, p, h, d)",
  'sha = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"',
  "TASK0123456789abcdef0123456789abcdef",
  "SECRET_KEY = 'django-insecure-not-a-real-key'",
  "aws_secret_access_key = os.environ['AWS_SECRET_ACCESS_KEY']",
  "hf_hub_download(repo_id)",
  "hf_abcdefghijklmnopqrstuvwxyzabcdefgh",
  "-----BEGIN CERTIFICATE-----",
  "npm_config_cache",
  "dp.layers[0]",
  "AIza is where Google API keys start",
  "class ASK_QUESTIONS_ABOUT_DISK_SPACE: pass",
  "xoxb-abc",
  'password = "secret"',
  "password: ${DB_PASSWORD}",
  "token: OAuth2Token",
  "token = OAuth2Token",
  "password = make_password(raw1234)",
  'x = {"token": tok}',
  'login(username="admin", password=pw)',
  // Code around secret-named names: signatures, types, reads of the real value.
  "def login(password: str):",
  "password: Optional[str] = None",
  'token = request.headers["X"]',
  "password = getpass()",
  'secret_key = os.environ["SECRET_KEY"]',
  "password: string;",
  "api_key=settings.API_KEY",
  "token: OAuth2Token = Depends(scheme)",
  "reset_url_token = 'set-password'",
  'token = \'variable|default:"Default value"|date:"Y-m-d"\'',
  "# token          = 1*tchar",
  "password = password2",
  "PASSWORD_HASHERS = ['django.contrib.auth.hashers.PBKDF2PasswordHasher']",
  'headers["Authorization"] = f"Bearer {token}"',
  "Basic authentication sends the password base64-encoded",
  "<password>${DB_PASSWORD}</password>",
  "https://example.com/search?q=token&page=2",
  // The code shapes of the fallback, default, type and CLI forms, without a secret.
  'const pw = password ?? "";',
  "const t = token || defaultToken;",
  'password = os.getenv("PW") or None',
  "function f(pass?: string): void {}",
  "if ok: pass",
  "grep -p Abc123xyz file",
  "const s = `${password}`;",
  "const u = `Bearer ${token}`;",
  "const t = `token-${id}`;",
  'const x = password ?? "password-hint";',
  'token = os.environ.get("TOKEN", "")',
  'k = config.get("token", "token_v2")',
  'kind = "token" or "password"',
  "const token: string = getToken();",
  "let password: string | undefined = undefined;",
  "const apiKey = process.env.API_KEY!;",
  "const secret = process.env.SECRET ?? fallbackSecret;",
  "mysql -u root -p mydb",
  "mysql -h db -P 3306 -u root -p",
  'mysql -u root -p"${MYSQL_PWD}"',
  "mysql --protocol=tcp -u root",
  'curl -u "$USER:$PASS" https://example.com/',
  "POSTGRES_PASSWORD=${POSTGRES_PASSWORD:-}",
  "TOKEN=${TOKEN:-default}",
  // Names next to secret-named names in lists, messages and typed constants.
  'if (!("token" in options || "verifyToken" in options)) throw new Error("\\"token\\" or \\"verifyToken\\"");',
  '__all__ = ["BaseProxy", "Token", "SharedMemoryManager"]',
  '__all__ = ("GetToken", "Passwordless", "RevokeToken", "Social", "Users")',
  'ACL_CREDENTIALS: Final = "Access-Control-Allow-Credentials"',
  '["ProgressToken","StarRequestHandler","S"]',
];
