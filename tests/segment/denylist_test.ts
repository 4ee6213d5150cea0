import assert from "node:assert/strict";
import { isDenied } from "../../lib/segment/mod.ts";

Deno.test("isDenied blocks VCS internals, env files, keys and credential stores", () => {
  for (
    const p of [
      ".git/config",
      "sub/.git/HEAD",
      ".env",
      ".env.local",
      "config/.env.production",
      "prod.env",
      ".envrc",
      "certs/server.pem",
      "tls.key",
      "id_rsa",
      "home/.ssh/id_ed25519",
      "id_ecdsa.pub",
      ".npmrc",
      ".netrc",
      "secrets.yaml",
      "keystore.jks",
    ]
  ) assert.equal(isDenied(p), true, p);
});

Deno.test("isDenied lets ordinary sources and docs through", () => {
  for (
    const p of [
      "src/app.py",
      "environment.py",
      "docs/env.md",
      "keys.py",
      "src/.gitignore",
      "gitlab/ci.yml",
      "README.md",
      "monkey.ts",
    ]
  ) assert.equal(isDenied(p), false, p);
});
