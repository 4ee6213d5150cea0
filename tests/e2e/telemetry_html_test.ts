/**
 * `telemetry report --html -o FILE` rendered in headless Chromium (Debian's
 * `chromium`, installed by .ci/run when CI runs as root): the page shows the
 * titles, one latency chart per user command and numbers equal to those of
 * `telemetry report --json`; hostile event names and warnings from the
 * telemetry files stay text (no element, no script); the page loads
 * nothing (a CSP that allows nothing, and no URL, `src` or `href` in it).
 * Without Chromium the test is skipped, and says so.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { runCli } from "./helpers.ts";
import { HTML_REPORT_CSP, HTML_REPORT_TITLE } from "../../lib/telemetry/report_html.ts";

const CHROMIUM = "/usr/bin/chromium";

function chromiumInstalled(): boolean {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch (err) {
    // Absent is the case the skip is for; anything else is a real error.
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

const HAS_CHROMIUM = chromiumInstalled();
if (!HAS_CHROMIUM) console.log("SKIPPED telemetry_html_test.ts: chromium not installed");

/** Hostile strings a repository's own `_ctx/telemetry` could carry (no `/`: that reads as a path and is redacted). */
const HOSTILE_CMD = `mcp.<img src=x onerror=alert(1)>"'`;
const HOSTILE_INTERNAL = `<script>alert(2)`;
const HOSTILE_WARNING = `"><svg onload=alert(3)><style>body{display:none}`;

function hostileLines(run: string): string {
  const line = (cmd: string, ms: number, sec: number) =>
    JSON.stringify({
      ts: new Date(Date.now() - 60_000 + sec * 1000).toISOString(),
      run_id: run,
      segment_id: "0123abcd",
      cmd,
      args: { q: HOSTILE_WARNING },
      result: { status: "ok", cache_status: "hit" },
      timing_ms: ms,
      warnings: [HOSTILE_WARNING],
    });
  return [
    line(HOSTILE_INTERNAL, 3, 1),
    line(HOSTILE_CMD, 40, 2),
    line(HOSTILE_CMD, 90, 3),
  ].join("\n") + "\n";
}

/** The DOM Chromium built from the page, serialized (`--dump-dom`). */
async function renderedDom(file: string, profile: string): Promise<string> {
  const out = await new Deno.Command(CHROMIUM, {
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      `--user-data-dir=${profile}`,
      "--dump-dom",
      pathToFileURL(file).href,
    ],
    stdout: "piped",
    stderr: "piped",
    // Bounds a hung browser only; nothing is asserted on time.
    signal: AbortSignal.timeout(120_000),
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout);
}

/** The names of every attribute of every tag (quoted values left out). */
function attributeNames(html: string): string[] {
  const names: string[] = [];
  for (const tag of html.matchAll(/<[a-zA-Z][^>]*>/g)) {
    const bare = tag[0].replace(/"[^"]*"/g, "").replace(/^<[a-zA-Z0-9-]+/, "");
    for (const m of bare.matchAll(/([^\s=>/]+)=/g)) names.push(m[1]!);
  }
  return names;
}

interface Row {
  cmd: string;
  count: number;
  p50_ms: number;
  p95_ms: number;
  max_ms: number;
}

function decodeEntities(s: string): string {
  return s.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'").replaceAll("&amp;", "&");
}

/** Each chart's command, run count and percentiles, as the page shows them. */
function chartsOf(dom: string): Row[] {
  const re =
    /<figure class="chart" data-cmd="([^"]*)"><figcaption><span class="cmd">([^<]*)<\/span>: <span class="count">(\d+)<\/span> runs, p50 <span class="p50">([\d.]+)<\/span> ms, p95 <span class="p95">([\d.]+)<\/span> ms, max <span class="max">([\d.]+)<\/span>/g;
  return [...dom.matchAll(re)].map((m) => {
    assert.equal(decodeEntities(m[1]!), decodeEntities(m[2]!), "data-cmd and caption agree");
    return {
      cmd: decodeEntities(m[2]!),
      count: Number(m[3]),
      p50_ms: Number(m[4]),
      p95_ms: Number(m[5]),
      max_ms: Number(m[6]),
    };
  });
}

Deno.test({
  name:
    "the HTML report renders in Chromium with one chart per command, the JSON's numbers, and no injection",
  ignore: !HAS_CHROMIUM,
  fn: async () => {
    const work = await Deno.realPath(await Deno.makeTempDir({ prefix: "trifecta-html-" }));
    try {
      const root = join(work, "seg");
      const tel = join(work, "tel");
      await Deno.mkdir(join(root, "src"), { recursive: true });
      await Deno.writeTextFile(
        join(root, "src", "a.py"),
        "def f():\n    return 1\n\nclass A:\n    pass\n",
      );
      await Deno.writeTextFile(join(root, "src", "b.py"), "def g(x):\n    return x\n");
      const env = { TRIFECTA_TELEMETRY_DIR: tel };
      for (const args of [["ast", "skeleton", "src"], ["ast", "skeleton", "src/a.py"], ["map"]]) {
        assert.equal((await runCli([...args, "-s", root], { env })).code, 0);
      }
      await Deno.writeTextFile(join(tel, "events.jsonl"), hostileLines("run_hostile"), {
        append: true,
      });
      // `--telemetry off`: neither report adds its own event, so both read the same data.
      const quiet = ["-s", root, "--telemetry", "off"];
      const json = await runCli(["telemetry", "report", ...quiet, "--json"], { env });
      assert.equal(json.code, 0, json.stderr);
      const report = JSON.parse(json.stdout);
      const page = join(work, "report.html");
      const made = await runCli(["telemetry", "report", ...quiet, "--html", "-o", page], { env });
      assert.equal(made.code, 0, made.stderr);
      const html = await Deno.readTextFile(page);

      // Nothing to load: the CSP allows nothing, and the file names nothing.
      assert.ok(
        html.includes(`<meta http-equiv="Content-Security-Policy" content="${HTML_REPORT_CSP}">`),
      );
      // Markup only: escaped text may read `img src=x`, which is not markup.
      const tags = [/<script/i, /<link/i, /<img/i, /<iframe/i, /<object/i, /<embed/i];
      for (const bad of [...tags, /https?:/i, /url\(/i, /@import/i]) assert.doesNotMatch(html, bad);
      assert.deepEqual(
        attributeNames(html).filter((a) => /^(src|href|xlink:href|on.*)$/i.test(a)),
        [],
      );

      const dom = await renderedDom(page, join(work, "profile"));
      assert.match(dom, new RegExp(`<title>${HTML_REPORT_TITLE}</title>`));
      assert.match(dom, new RegExp(`<h1>${HTML_REPORT_TITLE}</h1>`));
      for (
        const h of [
          "Summary",
          "Latency over time, per command",
          "Cache hit rates",
          "Writes and drops (cumulative)",
        ]
      ) {
        assert.ok(dom.includes(`<h2>${h}</h2>`), h);
      }
      // Hostile strings are text: no element, no handler, no style from them.
      assert.doesNotMatch(dom, /<img|<script|<svg onload|<style>body\{display/i);
      assert.ok(
        dom.includes("mcp.&lt;img src=x onerror=alert(1)&gt;"),
        "the hostile command shows as text",
      );
      assert.ok(dom.includes("&lt;svg onload=alert(3)&gt;"), "the hostile warning shows as text");

      const charts = chartsOf(dom);
      const expected: Row[] = report.user_commands.map((c: Row) => ({
        cmd: c.cmd,
        count: c.count,
        p50_ms: c.p50_ms,
        p95_ms: c.p95_ms,
        max_ms: c.max_ms,
      }));
      assert.deepEqual(charts, expected);
      assert.ok(charts.some((c) => c.cmd === "ast.skeleton" && c.count === 2));
      assert.ok(charts.some((c) => c.cmd.startsWith("mcp.<img") && c.count === 2));
      assert.equal((dom.match(/<svg class="latency"/g) ?? []).length, charts.length);
      assert.match(dom, new RegExp(`<dd data-key="events">${report.events}</dd>`));
      assert.match(dom, new RegExp(`<dd data-key="written">${report.drops.written}</dd>`));
      const hostileRow = report.cache.by_command.find((c: Row) => c.cmd.startsWith("mcp.<img"));
      assert.equal(hostileRow?.hits, 2);
    } finally {
      await Deno.remove(work, { recursive: true });
    }
  },
});
