/**
 * Attacker's review of the secret pre-filter (lib/secrets.ts `activeRules`:
 * one case-insensitive alternation, each stop checked against the literals
 * starting there). Only the rules it wakes run, so a rule it fails to wake
 * on a text its own pattern matches is a secret served unmasked. The
 * generator here is adversarial: every rule's literals in random case,
 * Unicode case-folding look-alikes (`ſ`, Kelvin `K`, `İ`, `ı`), zero-width
 * and combining characters inside and next to literals, overlapping
 * literals, literals at the very end of the text, CRLF. The oracle is each
 * rule's own pattern (and its prefix pattern) run on the whole text.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { CONTENT_SECRET_RULES, maskSecrets, rulesWoken } from "../../lib/secrets.ts";
import { secretSamples } from "../_secret_samples.ts";

const SAMPLES = secretSamples();
const LITERALS = [
  ...new Set(CONTENT_SECRET_RULES.flatMap((r) => [...r.needs, ...(r.exactNeeds ?? [])])),
];
/** Characters that fold, or look, like ASCII letters, and invisible ones. */
const TRICKY = [
  "\u017f", // ſ: folds to s under Unicode case folding
  "\u212a", // Kelvin sign: folds to k
  "\u0130", // İ: lower-cases to two code units
  "\u0131", // ı
  "\u200b", // zero-width space
  "\u200d", // zero-width joiner
  "\ufeff", // BOM
  "\u0301", // combining acute
  "\r\n",
  "\r",
  "\u2028",
];

/** The rules whose own patterns match `text` (a fresh copy of each: no shared lastIndex). */
function matchedRules(text: string, withPrefix: boolean): string[] {
  const out: string[] = [];
  for (const rule of CONTENT_SECRET_RULES) {
    const pats = withPrefix && rule.prefix ? [rule.re, rule.prefix] : [rule.re];
    if (pats.some((p) => new RegExp(p.source, p.flags.replace("g", "")).test(text))) {
      out.push(rule.id);
    }
  }
  return out;
}

function flipCase(s: string, mask: number[]): string {
  return [...s].map((
    c,
    i,
  ) => ((mask[i % mask.length] ?? 0) % 2 ? c.toUpperCase() : c.toLowerCase()))
    .join("");
}

const literal = fc.tuple(fc.constantFrom(...LITERALS), fc.array(fc.nat(3), { minLength: 1 }))
  .map(([l, m]) => flipCase(l, m));
const piece = fc.oneof(
  fc.constantFrom(...SAMPLES.map((s) => s.text)),
  fc.constantFrom(...LITERALS),
  literal,
  fc.constantFrom(...TRICKY),
  fc.constantFrom(" = ", ": ", '"', "'", "=", "\n", "-p", " -p ", "@", "://u:", "<", ">", "/"),
  fc.stringMatching(/^[A-Za-z0-9_+/=-]{0,40}$/),
);
/** Insert tricky characters at random places (inside literals too). */
const sprinkle = fc.array(fc.tuple(fc.nat(), fc.constantFrom(...TRICKY)), { maxLength: 3 });

function sprinkled(text: string, at: [number, string][]): string {
  let out = text;
  for (const [n, c] of at) {
    const i = out.length === 0 ? 0 : n % (out.length + 1);
    out = out.slice(0, i) + c + out.slice(i);
  }
  return out;
}

Deno.test("h18 secrets: every rule whose own pattern (or prefix) matches an adversarial text is woken by the pre-filter", () => {
  let matched = 0;
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 10 }), sprinkle, (parts, at) => {
      const text = sprinkled(parts.join(""), at);
      const woken = rulesWoken(text);
      const hits = matchedRules(text, true);
      if (hits.length > 0) matched++;
      const missed = hits.filter((id) => !woken.has(id));
      assert.deepEqual(missed, [], JSON.stringify(text));
    }),
    { numRuns: 2500 },
  );
  // The generator reaches the rules: many texts hold a match to check.
  assert.ok(matched > 500, `only ${matched} texts matched some rule`);
});

Deno.test("h18 secrets: each sample, in any case for its case-insensitive rules, at the very end of the text, next to look-alikes, wakes its rule", () => {
  const missed: string[] = [];
  for (const s of SAMPLES) {
    const variants = [s.text, s.text.toUpperCase(), s.text.toLowerCase(), flipCase(s.text, [1, 0])];
    for (const v of variants) {
      for (const around of ["", "\r\n", "\u200b", "\u017f", "\u212a", "\u0130", "x"]) {
        for (const text of [`${around}${v}`, `a = 1\r\n${around}${v}`, `${v}${around}`]) {
          const woken = rulesWoken(text);
          for (const id of matchedRules(text, false)) {
            if (!woken.has(id)) missed.push(`${id}: ${JSON.stringify(text)}`);
          }
        }
      }
    }
  }
  assert.deepEqual(missed, []);
});

Deno.test("h18 secrets: overlapping literals at every offset wake every rule whose pattern matches", () => {
  // Literals glued so one starts inside another (`gsk_test_`, `sk-ant-`, `xoxe.xoxb-`).
  const missed: string[] = [];
  for (const a of LITERALS) {
    for (const b of LITERALS) {
      for (let k = 1; k < a.length; k++) {
        if (a.slice(k).toLowerCase() !== b.slice(0, a.length - k).toLowerCase()) continue;
        const glued = a.slice(0, k) + b;
        for (const s of SAMPLES) {
          const text = glued + s.text.slice(s.text.indexOf(s.secret) + 0);
          const woken = rulesWoken(text);
          for (const id of matchedRules(text, true)) {
            if (!woken.has(id)) missed.push(`${id}: ${JSON.stringify(text)}`);
          }
        }
      }
    }
  }
  assert.deepEqual(missed, []);
});

Deno.test("h18 secrets: masking with and without look-alike characters around a sample never shows more of the secret", () => {
  for (const s of SAMPLES) {
    for (const c of TRICKY) {
      const text = `${c}${s.text}${c}`;
      const out = maskSecrets(text).text;
      assert.ok(!out.includes(s.secret), `${s.rule} next to ${JSON.stringify(c)}: ${out}`);
    }
  }
});
