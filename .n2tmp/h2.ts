import { MAX_TAG_REFS, tagsOfFiles } from "../lib/ast/mod.ts";
import { resolveSegment } from "../lib/segment/mod.ts";
const dir = Deno.makeTempDirSync();
Deno.writeTextFileSync(`${dir}/many.py`, Array.from({ length: MAX_TAG_REFS + 5000 }, (_, i) => `f${i}()`).join("\n"));
Deno.writeTextFileSync(`${dir}/long.py`, `${"n".repeat(5000)}()\nx = "\\u202e"\n`);
Deno.env.set("TRIFECTA_PARSE_BUDGET_MS", "120000");
const r = await tagsOfFiles(await resolveSegment(dir), ["many.py", "long.py"], { onSkip: (a, b) => console.log(a, b) });
console.log(r.map((t) => [t.path, t.refs.length]));
