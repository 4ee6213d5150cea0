/**
 * Value serialisation shared by the backends.
 *
 * @module
 */

/** UTF-8 byte length of a string without allocating. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/**
 * Serialise a cache value to JSON.
 *
 * @throws {TypeError} when the value has no JSON form (`undefined`, a function).
 */
export function serializeValue(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError("AST cache values must be JSON-serialisable");
  return json;
}
