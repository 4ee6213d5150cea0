/**
 * Value serialisation shared by the backends.
 *
 * @module
 */

export { utf8Length } from "../text.ts";

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
