import assert from "node:assert/strict";
import { join } from "node:path";
import {
  checkInsideSync,
  contentSha256Hex,
  readInside,
  readInsideSync,
  resolveInside,
  resolveSegment,
  type Segment,
} from "../../lib/segment/mod.ts";
import { TrifectaError } from "../../lib/errors.ts";

const INSIDE = "INSIDE_MARKER_7d1f";
const OUTSIDE = "OUTSIDE_MARKER_93ac";
const KEY_BLOCK = "-----BEGIN RSA PRIVATE KEY-----\nMIIEow" + "A".repeat(40) +
  "\n-----END RSA PRIVATE KEY-----\n";

// Race tests run on tmpfs where there is one: on ext4, renaming fresh data
// over a file flushes it (milliseconds), which would slow the swapper down.
const RACE_BASE = await Deno.stat("/dev/shm").then((i) => (i.isDirectory ? "/dev/shm" : undefined))
  .catch(() => undefined);

interface Dirs {
  root: string;
  outside: string;
  seg: Segment;
}

async function withDirs(
  fn: (d: Dirs) => Promise<void>,
  base: string | undefined = undefined,
): Promise<void> {
  const make = (prefix: string) => Deno.makeTempDir({ prefix, dir: base });
  const root = await Deno.realPath(await make("trifecta-bnd-"));
  const outside = await Deno.realPath(await make("trifecta-bnd-out-"));
  try {
    await Deno.writeTextFile(join(outside, "secret.py"), `X = "${OUTSIDE}"\n`);
    await fn({ root, outside, seg: await resolveSegment(root) });
  } finally {
    await Deno.remove(root, { recursive: true });
    await Deno.remove(outside, { recursive: true });
  }
}

function codeOf(fn: () => unknown): { code: string; reason?: unknown } {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof TrifectaError, `expected TrifectaError, got ${err}`);
    assert.ok(!String(err.message).includes(OUTSIDE), "marker in the message");
    return { code: err.code, reason: err.details.reason };
  }
  assert.fail("expected an error");
}

/** Run a shell snippet (for names Deno cannot create: invalid UTF-8, deep paths). */
async function sh(script: string, cwd: string): Promise<void> {
  const out = await new Deno.Command("bash", { args: ["-c", script], cwd }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
}

Deno.test("boundary: reads a file inside, masked, with the raw-bytes hash only when asked", async () => {
  await withDirs(async ({ root, seg }) => {
    const source = `KEY = "AKIAIOSFODNN7EXAMPLE"\nY = "${INSIDE}"\n`;
    await Deno.writeTextFile(join(root, "settings.py"), source);
    const r = readInsideSync(seg, "settings.py");
    assert.equal(r.rel, "settings.py");
    assert.equal(r.abs, join(root, "settings.py"));
    assert.equal(r.bytes, new TextEncoder().encode(source).length);
    assert.equal(r.sha256, undefined);
    assert.ok(!r.text.includes("AKIAIOSFODNN7EXAMPLE"));
    assert.match(r.text, /<SECRET_REDACTED:aws-access-key-id>/);
    assert.ok(r.text.includes(INSIDE));
    assert.deepEqual(r.findings, [{ rule: "aws-access-key-id", line: 1 }]);
    assert.ok(!("raw" in r) && !("data" in r), "raw bytes are never returned");
    const hashed = await readInside(seg, join(root, "settings.py"), { hasher: contentSha256Hex });
    assert.equal(hashed.sha256, contentSha256Hex(new TextEncoder().encode(source)));
    assert.equal(hashed.text, r.text);
    // Only a local language server gets the text unmasked.
    const local = readInsideSync(seg, "settings.py", { unmaskedForLocalServer: true });
    assert.equal(local.text, source);
  });
});

Deno.test("boundary: ../ and absolute paths outside are PATH_OUTSIDE_SEGMENT", async () => {
  await withDirs(({ outside, seg }) => {
    assert.equal(codeOf(() => readInsideSync(seg, "../x.py")).code, "PATH_OUTSIDE_SEGMENT");
    assert.equal(
      codeOf(() => readInsideSync(seg, join(outside, "secret.py"))).code,
      "PATH_OUTSIDE_SEGMENT",
    );
    assert.equal(codeOf(() => readInsideSync(seg, "a/../../x.py")).code, "PATH_OUTSIDE_SEGMENT");
    return Promise.resolve();
  });
});

Deno.test("boundary: a symlink leaving the segment, as the file or a directory on the way, is refused", async () => {
  await withDirs(async ({ root, outside, seg }) => {
    await Deno.symlink(join(outside, "secret.py"), join(root, "link.py"));
    await Deno.symlink(outside, join(root, "linkdir"));
    await Deno.symlink("/etc/hostname", join(root, "AGENTS.md"));
    for (const p of ["link.py", "linkdir/secret.py", "AGENTS.md", join(root, "link.py")]) {
      assert.equal(codeOf(() => readInsideSync(seg, p)).code, "PATH_OUTSIDE_SEGMENT", p);
      assert.equal(codeOf(() => checkInsideSync(seg, p)).code, "PATH_OUTSIDE_SEGMENT", p);
    }
  });
});

Deno.test("boundary: a symlink landing on a denied file is PATH_DENIED denied_target, a denied name denied_name", async () => {
  await withDirs(async ({ root, seg }) => {
    await Deno.mkdir(join(root, ".git"));
    await Deno.writeTextFile(join(root, ".git", "config"), `url = https://${INSIDE}@host/r\n`);
    await Deno.writeTextFile(join(root, ".env"), `AWS=${INSIDE}\n`);
    await Deno.writeTextFile(join(root, ".env-prod.py"), `X = "${INSIDE}"\n`);
    await Deno.symlink(".env", join(root, "envlink.py"));
    await Deno.symlink(".git/config", join(root, "gitcfg.toml"));
    await Deno.symlink(".git", join(root, "gitdir"));
    for (const p of ["envlink.py", "gitcfg.toml", "gitdir/config"]) {
      assert.deepEqual(codeOf(() => readInsideSync(seg, p)), {
        code: "PATH_DENIED",
        reason: "denied_target",
      }, p);
      // resolveInside (path arguments) refuses them the same way.
      await assert.rejects(
        resolveInside(seg, p),
        (e: unknown) => e instanceof TrifectaError && e.code === "PATH_DENIED",
      );
    }
    for (const p of [".env", ".env-prod.py", ".git/config", "sub/../.env"]) {
      assert.deepEqual(codeOf(() => readInsideSync(seg, p)), {
        code: "PATH_DENIED",
        reason: "denied_name",
      }, p);
    }
  });
});

Deno.test("boundary: a file with more than one hard link is PATH_DENIED hard_link, whichever name", async () => {
  await withDirs(async ({ root, seg }) => {
    await Deno.writeTextFile(join(root, ".env"), `AWS=${INSIDE}\n`);
    await Deno.link(join(root, ".env"), join(root, "notes.py"));
    await Deno.writeTextFile(join(root, "a.py"), `A = 1\n`);
    await Deno.link(join(root, "a.py"), join(root, "b.py"));
    for (const p of ["notes.py", "a.py", "b.py"]) {
      assert.deepEqual(codeOf(() => readInsideSync(seg, p)), {
        code: "PATH_DENIED",
        reason: "hard_link",
      }, p);
      await assert.rejects(
        resolveInside(seg, p),
        (e: unknown) => e instanceof TrifectaError && e.details.reason === "hard_link",
      );
    }
    // Once the twin is gone, the file is an ordinary file again.
    await Deno.remove(join(root, "b.py"));
    assert.equal(readInsideSync(seg, "a.py").text, "A = 1\n");
  });
});

Deno.test("boundary: a symlink staying inside reads its target and names its real path", async () => {
  await withDirs(async ({ root, seg }) => {
    await Deno.writeTextFile(join(root, "real.py"), `Y = "${INSIDE}"\n`);
    await Deno.symlink("real.py", join(root, "alias.py"));
    const r = readInsideSync(seg, "alias.py");
    assert.equal(r.rel, "real.py");
    assert.ok(r.text.includes(INSIDE));
    const c = checkInsideSync(seg, "alias.py");
    assert.equal(c.namedRel, "alias.py");
    assert.equal(c.rel, "real.py");
    assert.equal(c.isFile, true);
  });
});

Deno.test("boundary: FIFOs (also through a symlink) and directories are NOT_A_REGULAR_FILE, without blocking", async () => {
  await withDirs(async ({ root, seg }) => {
    await sh("mkfifo pipe.py && ln -s pipe.py pipelink.py && mkdir adir", root);
    // Nothing ever writes to the FIFO: opening it for reading would block forever.
    for (const p of ["pipe.py", "pipelink.py", "adir"]) {
      assert.equal(codeOf(() => readInsideSync(seg, p)).code, "NOT_A_REGULAR_FILE", p);
    }
  });
});

/**
 * Bind a Unix socket file `sock.py` in `dir` (by python3: the test has no net
 * grant to bind one); the reason when that is impossible here.
 */
async function bindSocket(dir: string): Promise<string | undefined> {
  const script = "import socket; socket.socket(socket.AF_UNIX).bind('sock.py')";
  return await tryRun("python3", ["-c", script], dir);
}

/**
 * Create the character device `zero.py` (like /dev/zero, which never ends) in
 * `dir`; the reason when that is impossible here (it needs root).
 */
async function makeDevice(dir: string): Promise<string | undefined> {
  return await tryRun("mknod", [join(dir, "zero.py"), "c", "1", "5"], dir);
}

/** Run `cmd` in `cwd`: undefined when it succeeds, else why it could not. */
async function tryRun(cmd: string, args: string[], cwd: string): Promise<string | undefined> {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command(cmd, { args, cwd, stdout: "null", stderr: "piped" }).output();
  } catch (err) {
    // No such binary, or --allow-run does not cover it: the capability is missing.
    if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotCapable) {
      return `${cmd} not available (${err.message})`;
    }
    throw err;
  }
  if (out.success) return undefined;
  return new TextDecoder().decode(out.stderr).trim() || `${cmd} exited ${out.code}`;
}

/** Why `make` cannot create its special file here, or undefined: probed once, at load. */
async function cannotMake(make: (dir: string) => Promise<string | undefined>) {
  const dir = await Deno.makeTempDir({ prefix: "trifecta-bnd-probe-" });
  try {
    return await make(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const SOCKET_TEST = "boundary: a Unix socket file is NOT_A_REGULAR_FILE";
const NO_SOCKET = await cannotMake(bindSocket);
if (NO_SOCKET !== undefined) console.log(`SKIPPED ${SOCKET_TEST}: ${NO_SOCKET}`);

Deno.test({
  name: SOCKET_TEST,
  ignore: NO_SOCKET !== undefined,
  fn: async () => {
    await withDirs(async ({ root, seg }) => {
      assert.equal(await bindSocket(root), undefined, "the socket binds (it did when probed)");
      assert.equal(codeOf(() => readInsideSync(seg, "sock.py")).code, "NOT_A_REGULAR_FILE");
    });
  },
});

const DEVICE_TEST = "boundary: a character device is NOT_A_REGULAR_FILE, without reading it";
const NO_DEVICE = await cannotMake(makeDevice);
if (NO_DEVICE !== undefined) console.log(`SKIPPED ${DEVICE_TEST}: ${NO_DEVICE}`);

Deno.test({
  name: DEVICE_TEST,
  ignore: NO_DEVICE !== undefined,
  fn: async () => {
    await withDirs(async ({ root, seg }) => {
      assert.equal(await makeDevice(root), undefined, "mknod works (it did when probed)");
      assert.equal(codeOf(() => readInsideSync(seg, "zero.py")).code, "NOT_A_REGULAR_FILE");
    });
  },
});

Deno.test("boundary: over-cap, binary and private-key files are refused whole", async () => {
  await withDirs(async ({ root, seg }) => {
    await Deno.writeTextFile(join(root, "big.py"), "x = 1\n".repeat(100));
    await Deno.writeFile(join(root, "bin.py"), new Uint8Array([120, 0, 1, 2]));
    await Deno.writeTextFile(join(root, "id.py"), `"""doc"""\nKEY = """\n${KEY_BLOCK}"""\n`);
    await Deno.writeTextFile(join(root, "id_rsa.txt"), KEY_BLOCK);
    assert.equal(
      codeOf(() => readInsideSync(seg, "big.py", { maxBytes: 100 })).code,
      "FILE_TOO_LARGE",
    );
    assert.equal(codeOf(() => readInsideSync(seg, "bin.py")).code, "BINARY_FILE");
    assert.deepEqual(codeOf(() => readInsideSync(seg, "id.py")), {
      code: "PATH_DENIED",
      reason: "private_key_content",
    });
    assert.deepEqual(codeOf(() => readInsideSync(seg, "id_rsa.txt")), {
      code: "PATH_DENIED",
      reason: "denied_name",
    });
  });
});

Deno.test("boundary: a file growing while read never yields more than the cap", async () => {
  await withDirs(async ({ root, seg }) => {
    const path = join(root, "grow.py");
    await Deno.writeTextFile(path, "#\n");
    const max = 64 * 1024;
    // Another process appends until it is killed.
    const writer = new Deno.Command(Deno.execPath(), {
      args: [
        "eval",
        `const f = Deno.openSync(${JSON.stringify(path)}, { append: true });
         const b = new TextEncoder().encode("#".repeat(4095) + "\\n");
         for (;;) { f.writeSync(b); if (Deno.statSync(${
          JSON.stringify(path)
        }).size > 4e6) Deno.truncateSync(${JSON.stringify(path)}, 2); }`,
      ],
      stdout: "null",
      stderr: "null",
    }).spawn();
    const seen = new Set<string>();
    try {
      for (let i = 0; i < 400; i++) {
        try {
          const r = readInsideSync(seg, "grow.py", { maxBytes: max });
          assert.ok(r.bytes <= max, `read ${r.bytes} bytes over the cap ${max}`);
          assert.ok(new TextEncoder().encode(r.text).length <= max);
          seen.add("ok");
        } catch (err) {
          assert.ok(err instanceof TrifectaError, String(err));
          assert.ok(
            ["FILE_TOO_LARGE", "FILE_CHANGED_DURING_READ"].includes(err.code),
            err.code,
          );
          seen.add(err.code);
        }
      }
    } finally {
      writer.kill();
      await writer.status;
    }
    assert.ok(seen.size > 0);
  });
});

Deno.test("boundary: invalid UTF-8 names are INVALID_FILE_NAME, ESC and newline names read normally", async () => {
  await withDirs(async ({ root, seg }) => {
    await sh(`printf 'x = 1\\n' > "$(printf 'bad\\377.py')"`, root);
    await Deno.writeTextFile(join(root, "esc\x1b[31m.py"), `E = "${INSIDE}"\n`);
    await Deno.writeTextFile(join(root, "new\nline.py"), `N = "${INSIDE}"\n`);
    assert.equal(codeOf(() => readInsideSync(seg, "bad\uFFFD.py")).code, "INVALID_FILE_NAME");
    assert.equal(codeOf(() => readInsideSync(seg, "nul\0.py")).code, "INVALID_FILE_NAME");
    assert.ok(readInsideSync(seg, "esc\x1b[31m.py").text.includes(INSIDE));
    assert.ok(readInsideSync(seg, "new\nline.py").text.includes(INSIDE));
  });
});

Deno.test("boundary: a path beyond PATH_MAX is PATH_TOO_LONG, never an internal error", async () => {
  await withDirs(async ({ root, seg }) => {
    // 20 levels of 250-character names: about 5,000 bytes, over Linux's 4,096.
    await sh(
      `d=$(printf 'd%.0s' $(seq 250)); for i in $(seq 20); do mkdir "$d" && cd "$d"; done; printf 'x = 1\\n' > deep.py`,
      root,
    );
    const name = "d".repeat(250);
    const rel = Array.from({ length: 20 }, () => name).join("/") + "/deep.py";
    assert.equal(codeOf(() => readInsideSync(seg, rel)).code, "PATH_TOO_LONG");
    assert.equal(codeOf(() => checkInsideSync(seg, rel)).code, "PATH_TOO_LONG");
    // A component over NAME_MAX is named the same way.
    assert.equal(codeOf(() => readInsideSync(seg, "n".repeat(300) + ".py")).code, "PATH_TOO_LONG");
  });
});

/**
 * Start a process that swaps `target` between a regular file (inside
 * content) and a symlink to the outside file, by atomic renames, until killed.
 */
function startFileSwapper(root: string, outsideFile: string): Deno.ChildProcess {
  const code = `
    const root = ${JSON.stringify(root)};
    const data = new TextEncoder().encode(${JSON.stringify(`Y = "${INSIDE}"\n`)});
    for (;;) {
      Deno.symlinkSync(${JSON.stringify(outsideFile)}, root + "/tmp_link");
      Deno.renameSync(root + "/tmp_link", root + "/target.py");
      Deno.writeFileSync(root + "/tmp_file", data);
      Deno.renameSync(root + "/tmp_file", root + "/target.py");
    }`;
  return new Deno.Command(Deno.execPath(), {
    args: ["eval", code],
    stdout: "null",
    stderr: "null",
  }).spawn();
}

/** Same, for a directory on the path: `d` is a real directory or a symlink out. */
function startDirSwapper(root: string, outside: string): Deno.ChildProcess {
  const code = `
    const root = ${JSON.stringify(root)};
    for (;;) {
      Deno.renameSync(root + "/d", root + "/d_real");
      Deno.symlinkSync(${JSON.stringify(outside)}, root + "/d");
      Deno.removeSync(root + "/d");
      Deno.renameSync(root + "/d_real", root + "/d");
    }`;
  return new Deno.Command(Deno.execPath(), {
    args: ["eval", code],
    stdout: "null",
    stderr: "null",
  }).spawn();
}

// Reads per race: without the re-check after the read, the outside content
// of a swapped directory came through within a few thousand reads.
const READS = 20_000;

async function raceReads(
  seg: Segment,
  path: string,
  swapper: Deno.ChildProcess,
  allowed: readonly string[],
): Promise<Record<string, number>> {
  const outcomes: Record<string, number> = {};
  try {
    // Let the swapper start before counting (it is a separate process).
    await new Promise((r) => setTimeout(r, 300));
    for (let i = 0; i < READS; i++) {
      let key: string;
      try {
        const r = readInsideSync(seg, path);
        assert.ok(!r.text.includes(OUTSIDE), "the outside file was read through a swap");
        assert.ok(r.text.includes(INSIDE), "a clean read returns the inside content");
        key = "ok";
      } catch (err) {
        assert.ok(err instanceof TrifectaError, String(err));
        assert.ok(!err.message.includes(OUTSIDE));
        assert.ok(
          allowed.includes(err.code),
          `unexpected outcome ${err.code}: ${err.message} ${err.cause}`,
        );
        key = err.code;
      }
      outcomes[key] = (outcomes[key] ?? 0) + 1;
      // Yield now and then so the test runner stays responsive.
      if (i % 1000 === 0) await new Promise((r) => setTimeout(r, 0));
    }
  } finally {
    swapper.kill();
    await swapper.status;
  }
  return outcomes;
}

Deno.test("boundary: a file swapped for a symlink out while reads run is never read through", async () => {
  await withDirs(async ({ root, outside, seg }) => {
    await Deno.writeTextFile(join(root, "target.py"), `Y = "${INSIDE}"\n`);
    const outcomes = await raceReads(
      seg,
      "target.py",
      startFileSwapper(root, join(outside, "secret.py")),
      // Refused before the open (the link was there), or after it (swap seen).
      ["FILE_CHANGED_DURING_READ", "PATH_OUTSIDE_SEGMENT"],
    );
    console.log("file swap outcomes:", JSON.stringify(outcomes));
  }, RACE_BASE);
});

Deno.test("boundary: a directory on the path swapped for a symlink out is never read through", async () => {
  await withDirs(async ({ root, outside, seg }) => {
    await Deno.mkdir(join(root, "d"));
    await Deno.writeTextFile(join(root, "d", "secret.py"), `Y = "${INSIDE}"\n`);
    const outcomes = await raceReads(
      seg,
      "d/secret.py",
      startDirSwapper(root, outside),
      // The directory is briefly missing between the renames: FILE_NOT_FOUND.
      ["FILE_CHANGED_DURING_READ", "PATH_OUTSIDE_SEGMENT", "FILE_NOT_FOUND"],
    );
    console.log("directory swap outcomes:", JSON.stringify(outcomes));
  }, RACE_BASE);
});

// Built at run time: no token literal in the repository.
const NAME_TOKEN = "ghp_" + "Zq8xW3nR5tY7".repeat(3);

Deno.test("boundary: a secret in a file, directory or symlink-target name is PATH_DENIED secret_in_name, shown masked", async () => {
  await withDirs(async ({ root, seg }) => {
    await Deno.mkdir(join(root, `d_${NAME_TOKEN}`));
    await Deno.writeTextFile(join(root, `d_${NAME_TOKEN}`, "mod.py"), "X = 1\n");
    await Deno.writeTextFile(join(root, `${NAME_TOKEN}.py`), "X = 1\n");
    await Deno.symlink(`${NAME_TOKEN}.py`, join(root, "plain.py"));
    for (
      const path of [
        `${NAME_TOKEN}.py`,
        `d_${NAME_TOKEN}/mod.py`,
        `d_${NAME_TOKEN}`,
        join(root, `${NAME_TOKEN}.py`),
        "plain.py",
        `missing_${NAME_TOKEN}.py`,
      ]
    ) {
      for (const call of [() => checkInsideSync(seg, path), () => readInsideSync(seg, path)]) {
        let err: unknown;
        try {
          call();
        } catch (e) {
          err = e;
        }
        assert.ok(err instanceof TrifectaError, `${path}: ${err}`);
        assert.equal(err.code, "PATH_DENIED", path);
        assert.equal(err.details.reason, "secret_in_name", path);
        assert.ok(!err.message.includes(NAME_TOKEN.slice(4, 20)), err.message);
        assert.ok(err.message.includes("<SECRET_REDACTED:github-token>"), err.message);
      }
    }
    await assert.rejects(() => resolveInside(seg, `${NAME_TOKEN}.py`), TrifectaError);
    // A path outside the segment is shown masked too.
    const out = codeOf(() => checkInsideSync(seg, `../${NAME_TOKEN}.py`));
    assert.equal(out.code, "PATH_OUTSIDE_SEGMENT");
    try {
      checkInsideSync(seg, `../${NAME_TOKEN}.py`);
    } catch (e) {
      assert.ok(!String((e as Error).message).includes(NAME_TOKEN.slice(4, 20)));
    }
  });
});

Deno.test("boundary: ordinary names with secret-like words stay readable", async () => {
  await withDirs(async ({ root, seg }) => {
    for (const name of ["password_reset.py", "tokens.py", "api_key_test.py", "secret-store.md"]) {
      await Deno.writeTextFile(join(root, name), "X = 1\n");
      assert.equal(readInsideSync(seg, name).text, "X = 1\n");
    }
  });
});
