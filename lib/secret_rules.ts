/**
 * The content secret rules as one table, in the order they run: private key
 * blocks, then the token shapes, then the secrets known by their context.
 * Of two findings at the same place the longer wins, then the earlier rule.
 *
 * @module
 */
import { CONTEXT_RULES } from "./secret_context_rules.ts";
import { PRIVATE_KEY_RULE } from "./secret_pem.ts";
import type { ContentSecretRule } from "./secret_rule.ts";
import { TOKEN_RULES } from "./secret_token_rules.ts";

/** Every content rule, in the order they run. */
export const RULES: readonly ContentSecretRule[] = [
  PRIVATE_KEY_RULE,
  ...TOKEN_RULES,
  ...CONTEXT_RULES,
];
