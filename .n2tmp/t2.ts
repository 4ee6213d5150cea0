import { ParsePool } from "/work/w15/lib/ast/pool.ts";
import { resolveSegment } from "/work/w15/lib/segment/mod.ts";
const seg = await resolveSegment("/work/corpus/django");
const pool = new ParsePool({ size: 1 });
const o = await pool.tags({ segment: seg, rel: "django/apps/config.py", abs: seg.root + "/django/apps/config.py", language: "python" });
console.log(JSON.stringify(o).slice(0, 500));
pool.close();
