import { tagsOfFiles, MAX_TAG_REFS } from "../lib/ast/mod.ts";
import { resolveSegment } from "../lib/segment/mod.ts";
const dir = Deno.makeTempDirSync();
Deno.writeTextFileSync(`${dir}/many.py`, Array.from({ length: MAX_TAG_REFS + 5000 }, (_, i) => `f${i}()`).join("\n"));
const t0 = performance.now();
const r = await tagsOfFiles(await resolveSegment(dir), ["many.py"], { onSkip: (a, b) => console.log(a, b) });
console.log(performance.now() - t0, r[0]?.refs.length);
