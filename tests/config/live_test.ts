import { deepEqual, equal, notEqual, ok } from "node:assert/strict";
import { join } from "node:path";
import { configStamp, LiveConfig } from "../../lib/config/live.ts";
import { readInsideSync, resolveSegment } from "../../lib/segment/mod.ts";

const noEnv = (_: string) => undefined;

async function withSegment(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-live-" }));
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("live config: a deny glob added after open applies from the next check", async () => {
  await withSegment(async (dir) => {
    await Deno.writeTextFile(join(dir, "k.py"), "x = 1\n");
    const live = await LiveConfig.open(await resolveSegment(dir), { env: noEnv });
    equal(await live.check(), undefined);
    equal(readInsideSync(live.segment, "k.py").text, "x = 1\n");
    await Deno.writeTextFile(join(dir, "trifecta.jsonc"), '{ "deny": ["k.py"] }');
    ok(live.moved());
    const reload = await live.check();
    equal(reload?.globsChanged, true);
    deepEqual(live.segment.extraDeny, ["k.py"]);
    let code = "";
    try {
      readInsideSync(live.segment, "k.py");
    } catch (err) {
      code = (err as { code?: string }).code ?? "";
    }
    equal(code, "PATH_DENIED");
  });
});

Deno.test("live config: a same-size rewrite within the racy window is still seen", async () => {
  await withSegment(async (dir) => {
    const file = join(dir, "trifecta.jsonc");
    await Deno.writeTextFile(file, '{ "deny": ["a.py"] }');
    const live = await LiveConfig.open(await resolveSegment(dir), { env: noEnv });
    const stamp = configStamp(live.segment, noEnv);
    // Same size, and the same times restored: only the content differs.
    const before = await Deno.stat(file);
    await Deno.writeTextFile(file, '{ "deny": ["b.py"] }');
    await Deno.utime(file, before.atime ?? new Date(), before.mtime ?? new Date());
    equal(stamp.racy, true);
    const reload = await live.check();
    deepEqual(reload?.config.deny.value, ["b.py"]);
  });
});

Deno.test("live config: a file that stops loading keeps the last globs and is said once", async () => {
  await withSegment(async (dir) => {
    const file = join(dir, "trifecta.jsonc");
    await Deno.writeTextFile(file, '{ "deny": ["a.py"], "ignore": ["gen/"] }');
    const said: string[] = [];
    const live = await LiveConfig.open(await resolveSegment(dir), {
      env: noEnv,
      warn: (n) => said.push(n.code),
    });
    await Deno.writeTextFile(file, '{ "deny": [');
    equal(await live.check(), undefined);
    equal(await live.check(), undefined);
    deepEqual(live.segment.extraDeny, ["a.py"]);
    deepEqual(live.segment.extraIgnore, ["gen/"]);
    deepEqual(said, ["CONFIG_INVALID"]);
    await Deno.remove(file);
    const mk = await new Deno.Command("mkfifo", { args: [file] }).output();
    equal(mk.code, 0);
    equal(await live.check(), undefined); // a FIFO is never opened: no hang
    deepEqual(live.segment.extraDeny, ["a.py"]);
    deepEqual(said, ["CONFIG_INVALID", "CONFIG_INVALID"]);
  });
});

Deno.test("live config: removing the file re-allows (the built-in denylist stays)", async () => {
  await withSegment(async (dir) => {
    const file = join(dir, "trifecta.jsonc");
    await Deno.writeTextFile(file, '{ "deny": ["a.py"] }');
    const live = await LiveConfig.open(await resolveSegment(dir), { env: noEnv });
    await Deno.remove(file);
    const reload = await live.check();
    equal(reload?.globsChanged, true);
    equal(live.segment.extraDeny, undefined);
  });
});

Deno.test("live config: the stamp follows a symlink's target, never opening it", async () => {
  await withSegment(async (dir) => {
    const seg = await resolveSegment(dir);
    await Deno.writeTextFile(join(dir, "one.jsonc"), "{}");
    await Deno.writeTextFile(join(dir, "two.jsonc"), "{ }");
    await Deno.symlink(join(dir, "one.jsonc"), join(dir, "trifecta.jsonc"));
    const a = configStamp(seg, noEnv).key;
    await Deno.writeTextFile(join(dir, "one.jsonc"), "{  }");
    notEqual(configStamp(seg, noEnv).key, a);
  });
});
