/**
 * Red team 20: the text of C's and C++'s second parse (lib/ast/parse_source.ts
 * `reparseText`: every `reparseBlanking` expression of the entry applied in
 * turn with `blankMatches`) is read with the offsets of the original text:
 * extraction takes names, signatures and docs from the original and only
 * white space from the blanked tree. So blanking may turn characters into
 * spaces and nothing else: the same length, every line break where it was
 * (CR and LF; every UTF-16 unit, halves of astral characters too, in place), and no
 * character that was not blanked moved or changed. The generator is
 * macro-shaped and hostile: ALL-CAPS words, attribute and `OF((` chains,
 * unbalanced parentheses, lone CRs, astral characters, lines of blanks.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { blankMatches } from "../../lib/ast/parse_source.ts";
import { languageSpec } from "../../lib/languages/mod.ts";

const PIECES = [
  "__attribute__((",
  "__attribute__",
  "__declspec(",
  "__asm__(",
  "__nonnull ((1))",
  "__THROW",
  "__wur",
  "__extension__",
  "OF((",
  "Z_ARG((",
  "ZEXPORT",
  "GLAPI",
  "APIENTRY",
  "WINAPI",
  "EXPORT_API",
  "PR_EXTERN(void)",
  "_GLIBCXX_NOEXCEPT",
  "_GLIBCXX_VISIBILITY(default)",
  "class ",
  "struct ",
  "union ",
  "void ",
  "int ",
  "const ",
  "unsigned ",
  "final",
  "f",
  "name",
  "A_B",
  "(",
  ")",
  "*",
  ";",
  "{",
  "}",
  ":",
  " ",
  "\t",
  "\n",
  "\r\n",
  "\r",
  "😀",
  "é",
  "\u202e",
];

const text = fc.array(fc.constantFrom(...PIECES), { maxLength: 80 }).map((a) => a.join(""));

/** The second parse's text of `spec`, as reparseText makes it (blanking only: C has no directives list). */
function blanked(language: string, input: string): string {
  const spec = languageSpec(language);
  let out = input;
  for (const source of spec.reparseBlanking ?? []) {
    out = blankMatches(out, new RegExp(source, "gmd"));
  }
  return out;
}

Deno.test("hostile20 blanking: the C and C++ second-parse text only turns characters into spaces: same length, line breaks and every other character in place", () => {
  for (const language of ["c", "cpp"]) {
    assert.ok((languageSpec(language).reparseBlanking ?? []).length > 0, language);
    fc.assert(
      fc.property(text, (input) => {
        const out = blanked(language, input);
        assert.equal(out.length, input.length);
        for (let i = 0; i < input.length; i++) {
          const was = input[i];
          const now = out[i];
          if (now === was) continue;
          assert.equal(now, " ", `${language}: ${JSON.stringify(input)} at ${i}`);
          assert.ok(was !== "\n" && was !== "\r", `${language}: a line break blanked at ${i}`);
        }
      }),
      { numRuns: 400 },
    );
  }
});
