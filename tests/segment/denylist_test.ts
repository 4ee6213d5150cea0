import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { deniedBy, DENY_GLOBS, isDenied } from "../../lib/segment/mod.ts";

// Each glob with paths it must deny (by name, in any component) and near
// misses it must let through.
const CASES: Record<string, { denied: string[]; allowed: string[] }> = {
  ".git/": {
    denied: [".git/config", "sub/.git/HEAD", "a/b/.git"],
    allowed: [".gitignore", "gitlab/ci.yml", "x.git.py"],
  },
  ".hg/": { denied: [".hg/hgrc", "v/.hg/store/x"], allowed: [".hgignore", "hg.py"] },
  ".svn/": { denied: [".svn/entries"], allowed: ["svn.py"] },
  ".ssh/": { denied: ["home/.ssh/config", ".ssh"], allowed: ["ssh.py", "docs/ssh.md"] },
  ".gnupg/": { denied: [".gnupg/pubring.kbx"], allowed: ["gnupg.py"] },
  ".aws/": { denied: [".aws/config", "x/.aws/credentials"], allowed: ["aws.py", "src/aws/s3.py"] },
  ".azure/": { denied: [".azure/accessTokens.json"], allowed: ["azure.py"] },
  ".kube/": { denied: [".kube/config"], allowed: ["kube.py", "kube/config.py"] },
  ".docker/config.json": {
    denied: [".docker/config.json", "home/.docker/config.json"],
    allowed: [".docker/daemon.json", "docker/config.json", "config.json"],
  },
  ".env*": {
    denied: [
      ".env",
      ".env.local",
      ".env-prod.py",
      ".env_local.py",
      ".env_secrets.yaml",
      ".envrc",
      "a/.env/x.py",
    ],
    allowed: ["environment.py", "env.py", "docs/env.md", "src/my.env.py"],
  },
  "*.env": { denied: ["prod.env", "config/dev.env"], allowed: ["prod.env.py", "envs.py"] },
  "id_rsa*": {
    denied: ["id_rsa", "id_rsa.pub", "id_rsa_backup.py", "id_rsa.txt", "keys/id_rsa2"],
    allowed: ["my_id_rsa.py", "rsa.py", "id_r.py"],
  },
  "id_dsa*": { denied: ["id_dsa", "id_dsa.bak"], allowed: ["dsa.py"] },
  "id_ecdsa*": { denied: ["id_ecdsa", "id_ecdsa.pub"], allowed: ["ecdsa.py"] },
  "id_ed25519*": { denied: ["id_ed25519", "home/.x/id_ed25519_sk"], allowed: ["ed25519.py"] },
  "*.pem": {
    denied: ["certs/server.pem", "a.PEM"],
    allowed: ["pem.py", "server.pem.py", "pemfile"],
  },
  "*.key": {
    denied: ["tls.key", "x/y.key"],
    allowed: ["keyboard.py", "monkey.pyc", "keys.py", "key.py"],
  },
  "*.p12": { denied: ["cert.p12"], allowed: ["p12.py"] },
  "*.pfx": { denied: ["cert.pfx"], allowed: ["pfx.py"] },
  "*.jks": { denied: ["keystore.jks"], allowed: ["jks.py"] },
  "*.keystore": { denied: ["release.keystore"], allowed: ["keystore.py"] },
  "*.kdbx": { denied: ["vault.kdbx"], allowed: ["kdbx.py"] },
  "*.ppk": { denied: ["putty.ppk"], allowed: ["ppk.py"] },
  "*.gpg": { denied: ["secrets.gpg"], allowed: ["gpg.py"] },
  "*.asc": { denied: ["key.asc"], allowed: ["ascii.py"] },
  ".netrc": { denied: [".netrc", "home/.netrc"], allowed: ["netrc.py", ".netrc.py"] },
  ".npmrc": { denied: [".npmrc"], allowed: ["npmrc.md"] },
  ".pypirc": { denied: [".pypirc"], allowed: ["pypirc.py"] },
  ".pgpass": { denied: [".pgpass"], allowed: ["pgpass.py"] },
  ".htpasswd": { denied: [".htpasswd"], allowed: ["htpasswd.py"] },
  ".git-credentials": { denied: [".git-credentials"], allowed: ["git_credentials.py"] },
  "credentials": {
    denied: ["credentials", ".aws2/credentials"],
    allowed: ["credentials.py", "credentials_test.py"],
  },
  "*credentials*.json": {
    denied: [
      "credentials.json",
      "credentials-prod.json",
      "gcp/application_default_credentials.json",
    ],
    allowed: ["credentials.py", "credentials.json.md", "creds.json"],
  },
  "secret.json": { denied: ["secret.json"], allowed: ["secret.py"] },
  "secrets.json": { denied: ["secrets.json"], allowed: ["secrets.py"] },
  "secret.yaml": { denied: ["secret.yaml"], allowed: ["secret_yaml.py"] },
  "secrets.yaml": { denied: ["conf/secrets.yaml"], allowed: ["secrets.yaml.md"] },
  "secret.yml": { denied: ["secret.yml"], allowed: ["secret.ymlx"] },
  "secrets.yml": { denied: ["secrets.yml"], allowed: ["my_secrets.yml"] },
  "secret.toml": { denied: ["secret.toml"], allowed: ["secret.tom"] },
  "secrets.toml": { denied: ["secrets.toml"], allowed: ["secrets.tomlx"] },
};

Deno.test("denylist: every glob has cases here, and every case names a glob of the list", () => {
  assert.deepEqual(Object.keys(CASES).sort(), [...DENY_GLOBS].sort());
});

Deno.test("denylist: each glob denies its names in any path component", () => {
  for (const [glob, { denied }] of Object.entries(CASES)) {
    for (const p of denied) {
      assert.equal(isDenied(p), true, `${glob} should deny ${p}`);
      assert.ok(deniedBy(p) !== undefined, p);
    }
  }
  // Named by the glob that matched.
  assert.equal(deniedBy("keys/id_rsa.txt"), "id_rsa*");
  assert.equal(deniedBy("sub/.git/config"), ".git/");
  assert.equal(deniedBy("src/app.py"), undefined);
});

Deno.test("denylist: near misses stay readable", () => {
  for (const [glob, { allowed }] of Object.entries(CASES)) {
    for (const p of allowed) assert.equal(isDenied(p), false, `${glob} should not deny ${p}`);
  }
  for (const p of ["src/app.py", "README.md", "monkey.ts", "src/.gitignore", "environment.py"]) {
    assert.equal(isDenied(p), false, p);
  }
});

Deno.test("denylist: matching ignores case, as a case-insensitive file system does", () => {
  for (
    const p of [
      ".ENV",
      ".Env-Prod.py",
      "ID_RSA.txt",
      "Server.PEM",
      ".GIT/config",
      "Credentials.JSON",
    ]
  ) {
    assert.equal(isDenied(p), true, p);
  }
});

Deno.test("denylist: docs/security.md lists exactly the globs of the code, in order", async () => {
  const doc = await Deno.readTextFile(
    fileURLToPath(new URL("../../docs/security.md", import.meta.url)),
  );
  const marker = doc.indexOf("<!-- denylist: lib/segment/denylist.ts DENY_GLOBS -->");
  assert.ok(marker >= 0, "marker missing in docs/security.md");
  const block = doc.slice(marker).match(/```text\n([\s\S]*?)```/);
  assert.ok(block, "text block after the marker missing");
  const globs = (block[1] ?? "").split(/\s+/).filter((g) => g !== "");
  assert.deepEqual(globs, [...DENY_GLOBS]);
});
