/**
 * Shared helpers of the telemetry unit tests.
 *
 * @module
 */
import { join } from "node:path";
import { resolveSegment, type Segment } from "../../lib/segment/mod.ts";
import type { EnvReader } from "../../lib/telemetry/mod.ts";

/** A temporary segment; call `cleanup` when done. */
export interface TempSegment {
  /** The resolved segment. */
  segment: Segment;
  /** Its default telemetry directory. */
  telDir: string;
  /** Remove it. */
  cleanup: () => Promise<void>;
}

/** Create a temporary segment directory. */
export async function tempSegment(): Promise<TempSegment> {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-tel-" });
  const segment = await resolveSegment(dir);
  return {
    segment,
    telDir: join(segment.root, "_ctx", "telemetry"),
    cleanup: () => Deno.remove(dir, { recursive: true }),
  };
}

/** An environment with exactly these variables (nothing from the process). */
export function fakeEnv(vars: Record<string, string> = {}): EnvReader {
  return (name) => vars[name];
}

/** Parse every line of a JSONL file. */
export async function readJsonl(path: string): Promise<Record<string, unknown>[]> {
  const text = await Deno.readTextFile(path);
  return text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));
}

export { exists } from "../e2e/helpers.ts";
