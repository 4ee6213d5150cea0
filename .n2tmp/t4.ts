import { tagsOfJob } from "/work/w15/lib/ast/tags_job.ts";
import { resolveSegment } from "/work/w15/lib/segment/mod.ts";
const seg = await resolveSegment("/work/corpus/django");
try { const o = await tagsOfJob({ segment: seg, rel: "django/apps/config.py", abs: seg.root + "/django/apps/config.py", language: "python" }, 2<<20);
console.log(JSON.stringify(o).slice(0, 300)); } catch (e) { console.log(e); }
