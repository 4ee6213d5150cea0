import { repoMap } from "../lib/nav/map.ts";
import { resolveSegment } from "../lib/segment/mod.ts";
const seg = await resolveSegment(Deno.args[0] ?? "/work/corpus/django");
const t0 = performance.now();
const m = await repoMap(seg, { focus: Deno.args.slice(1), budgetTokens: 1024 });
console.log(m.text);
console.log(performance.now() - t0, m.token_est, m.files_count, m.definitions_count, m.focus);
