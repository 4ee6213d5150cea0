/**
 * Red team 19: language-server answers are masked after the server wrote
 * them (`scrubText`, lib/lsp/answer_guard.ts), and pyright writes a
 * docstring as Markdown, escaping `_` and `*` with a backslash. A reader
 * (an agent, a model, a Markdown viewer) sees the token whole; the rules see
 * `ghp\_…`. Every secret sample of every content rule
 * (tests/_secret_samples.ts) is escaped the way pyright escapes docstrings
 * and passed through `scrubText`: what a Markdown reader sees of the result
 * (backslash escapes removed) must not hold the secret.
 *
 * @module
 */
import assert from "node:assert/strict";
import { scrubText } from "../../lib/lsp/answer_guard.ts";
import { secretSamples } from "../_secret_samples.ts";

/** Markdown's backslash escapes of the characters pyright escapes in docstrings. */
function markdownEscape(text: string): string {
  return text.replace(/[_*\\]/g, (c) => `\\${c}`);
}

/** What a Markdown reader sees: every backslash escape resolved. */
function rendered(markdown: string): string {
  return markdown.replace(/\\([\\`*_{}[\]()#+\-.!|<>~])/g, "$1");
}

Deno.test("h19 markdown secrets (control): every secret sample, as written, is masked by scrubText", () => {
  const shown = secretSamples().filter((s) => scrubText("/repo", s.text).includes(s.secret));
  assert.deepEqual(shown.map((s) => s.rule), []);
});

Deno.test({
  name:
    "h19 markdown secrets: every secret sample, Markdown-escaped as pyright renders docstrings, is masked by scrubText",
  fn: () => {
    const shown = new Set<string>();
    for (const s of secretSamples()) {
      const out = scrubText("/repo", `Connect.\n\n${markdownEscape(s.text)}\n`);
      if (rendered(out).includes(s.secret)) shown.add(s.rule);
    }
    // Each rule listed here shows its secret to whoever reads pyright's hover.
    assert.deepEqual([...shown].sort(), []);
  },
});
