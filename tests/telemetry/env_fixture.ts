/**
 * Writes one event and reads the directory back, with whatever grants it is
 * run with: `deno run --allow-read --allow-write tests/telemetry/env_fixture.ts <segment>`.
 * Prints `done <events read>`.
 *
 * @module
 */
import { resolveSegment } from "../../lib/segment/mod.ts";
import { readTelemetry, Telemetry, telemetryDirFor } from "../../lib/telemetry/mod.ts";

const segment = await resolveSegment(Deno.args[0]);
const t = Telemetry.open(segment, { level: "lite" });
t.event("probe", { result: { status: "ok" }, timingMs: 1 });
await t.flush();
const data = await readTelemetry(telemetryDirFor(segment));
console.log(`done ${data.events.length}`);
