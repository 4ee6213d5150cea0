import { repoMap } from "../lib/nav/map.ts";
import { resolveSegment } from "../lib/segment/mod.ts";
const seg = await resolveSegment(Deno.args[0] ?? "/work/corpus/django");
const m = await repoMap(seg, { focus: Deno.args.slice(1), budgetTokens: 1024 });
for (const e of m.entries.slice(0, 25)) console.log(e.score, e.path, e.qualified_name);
