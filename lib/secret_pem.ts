/**
 * Private key blocks: a `-----BEGIN … PRIVATE KEY-----` header and its body,
 * masked in text, and the test that refuses a file holding one whole.
 *
 * @module
 */
import type { ContentSecretRule } from "./secret_rule.ts";

const PEM_HEADER = /-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----/g;
const PEM_END = /-----END[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----/y;
// What may stand between the header and the END line of one key: base64,
// PEM header lines (`Proc-Type: 4,ENCRYPTED`), whitespace, `\n` escapes, and
// the quotes, commas and `+` of a key written as several string literals.
// No brackets: code that builds a PEM (`'…-----\n' + b64(der) + '…'`) is
// not a key. Anything else is taken as one, even a short fake body.
const PEM_BETWEEN = /^(?:[A-Za-z0-9+/=:,;._\s"'`-]|\\[nrt])*$/;
// Without an END line: base64 runs of 16+ characters and PEM header lines,
// separated by the same glue.
const PEM_BODY =
  /(?:(?:[\s"'`,;+]|\\[nrt])*(?:[A-Za-z0-9+/=]{16,}|[A-Z][A-Za-z-]+:[ \t]*[A-Za-z0-9,-]*))*/y;
const PEM_MAX_BODY = 16 * 1024;

/**
 * End of the private key whose header ends at `end`: its END line when only
 * key material stands between (within 16 KiB), else the base64 that follows;
 * `end` itself when nothing follows (a header alone, as in code that checks
 * for one, is not a key).
 */
let endCache = { text: "", from: 0, at: -1 };

/** Next `-----END` at or after `from`; one scan per text for headers in order. */
function nextEnd(text: string, from: number): number {
  const c = endCache;
  if (c.text !== text || from < c.from || (c.at !== -1 && c.at < from)) {
    endCache = { text, from, at: text.indexOf("-----END", from) };
  }
  return endCache.at;
}

function pemExtend(text: string, end: number): number {
  const stop = nextEnd(text, end);
  if (stop !== -1 && stop - end <= PEM_MAX_BODY) {
    PEM_END.lastIndex = stop;
    if (PEM_END.test(text) && PEM_BETWEEN.test(text.slice(end, stop))) return PEM_END.lastIndex;
  }
  PEM_BODY.lastIndex = end;
  PEM_BODY.test(text);
  return PEM_BODY.lastIndex;
}

/** The private key rule: the header, extended over its body. */
export const PRIVATE_KEY_RULE: ContentSecretRule = {
  id: "private-key",
  title: "private key block (`-----BEGIN … PRIVATE KEY-----` and its body)",
  re: PEM_HEADER,
  needs: ["-----BEGIN"],
  extend: pemExtend,
};

/**
 * True when `text` starts a private key block: a `-----BEGIN … PRIVATE
 * KEY-----` line, whatever follows it (a fake or cut body is still refused:
 * the cost of refusing code that merely checks for such a header is small,
 * the cost of serving a key is not), or a PuTTY key file. Such a file is
 * refused whole.
 */
export function hasPrivateKeyBlock(text: string): boolean {
  if (
    text.includes("PuTTY-User-Key-File-") &&
    /PuTTY-User-Key-File-[0-9]+:.*\n[\s\S]*?Private-Lines:/.test(text)
  ) return true;
  if (!text.includes("-----BEGIN")) return false;
  return new RegExp(PEM_HEADER.source).test(text);
}
