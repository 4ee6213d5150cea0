/**
 * `ast find` / `find_symbol` globs are matched without a backtracking
 * regex: the same answers as the regex they replace on random globs, and
 * bounded work on a dozen stars (RED6: `*a*a*…*b` over a 60-character name
 * took seconds per star before).
 */
import { equal } from "node:assert/strict";
import { parsePattern } from "../../lib/nav/find_pattern.ts";

/** The glob as the regex it replaced (`*` → `.*`, `?` → `.`), for comparison. */
function reference(glob: string, flags: string): RegExp {
  const body = Array.from(glob).map((c) =>
    c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|\\]/g, "\\$&")
  ).join("");
  return new RegExp(`^${body}$`, flags);
}

function matcher(glob: string) {
  const part = parsePattern(glob).parts[0];
  if (!part?.glob) throw new Error(`not a glob: ${glob}`);
  return part.glob;
}

Deno.test("find glob: the matcher answers as the regex it replaced, case-sensitive and folded", () => {
  const alphabet = ["a", "b", "A", "_", "é", "😀", "*", "?"];
  let seed = 11;
  const rand = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
  for (let round = 0; round < 3000; round++) {
    let glob = "";
    for (let i = rand(7); i >= 0; i--) glob += alphabet[rand(alphabet.length)];
    if (!/[*?]/.test(glob)) glob += "*";
    let name = "";
    for (let i = rand(9); i >= 0; i--) name += alphabet[rand(6)];
    const m = matcher(glob);
    equal(m.exact.test(name), reference(glob, "u").test(name), `${glob} ~ ${name}`);
    equal(m.folded.test(name), reference(glob, "iu").test(name), `${glob} ~i ${name}`);
  }
});

Deno.test("find glob: classes keep their meaning, negated and ranged", () => {
  equal(matcher("get_[a-c]*").exact.test("get_b_x"), true);
  equal(matcher("get_[!a-c]*").exact.test("get_b_x"), false);
  equal(matcher("get_[^a-c]*").exact.test("get_z"), true);
  equal(matcher("[A-Z]?").folded.test("q1"), true);
  equal(matcher("[A-Z]?").exact.test("q1"), false);
});

Deno.test("find glob: a dozen stars over a long name is answered (no backtracking blow-up)", () => {
  const stars = `${"*a".repeat(12)}*b`;
  equal(matcher(stars).exact.test("a".repeat(60)), false);
  equal(matcher(stars).exact.test(`${"a".repeat(60)}b`), true);
  const many = `${"*a".repeat(200)}*b`;
  equal(matcher(many).folded.test("a".repeat(500)), false);
});
