/**
 * The paging helper (lib/mcp/paging.ts, lib/mcp/json_page.ts) and the paged
 * outline and symbol answers (lib/mcp/budget.ts): every item exactly once
 * over random budgets, every page within its budget, bad cursors refused.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { collectSkeletonTargets, type FileSkeleton, skeletonOfFiles } from "../../lib/ast/mod.ts";
import { TrifectaError } from "../../lib/errors.ts";
import { budgetOutline, fitSymbolAnswer } from "../../lib/mcp/budget.ts";
import { fitJsonPage } from "../../lib/mcp/json_page.ts";
import {
  cursorOffset,
  decodeCursor,
  encodeCursor,
  MAX_CURSOR_CHARS,
  outputTokens,
  pageFields,
  takePage,
} from "../../lib/mcp/paging.ts";
import { resolveSegment } from "../../lib/segment/mod.ts";
import { symbolJson } from "../../lib/symbols/mod.ts";

/** A seeded linear congruential generator: the same cases on every run. */
function rng(seed: number): () => number {
  let x = seed;
  return () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
}

function randomWords(next: () => number, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `w${i} ${"x".repeat(Math.floor(next() * 120))}\n`);
}

function usageError(fn: () => unknown, re: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof TrifectaError, String(err));
    assert.equal(err.code, "USAGE_ERROR");
    assert.match(err.message, re);
    return true;
  });
}

Deno.test("takePage returns every item exactly once, in order, each page within its budget", () => {
  const next = rng(15);
  for (let round = 0; round < 40; round++) {
    const items = randomWords(next, Math.floor(next() * 60));
    const budget = 40 + Math.floor(next() * 400);
    const seen: string[] = [];
    let start = 0;
    for (let pages = 0; pages <= items.length + 1; pages++) {
      const page = takePage(items, {
        start,
        budgetTokens: budget,
        reserveTokens: 0,
        render: (w) => w,
      });
      if (page.items.length === 0 && page.next !== undefined) {
        // The first item alone does not fit: the caller would cut it; here it moves on.
        seen.push(items[page.next] ?? "");
        start = page.next + 1;
        continue;
      }
      assert.ok(outputTokens(page.items.join("")) <= budget, `round ${round}`);
      seen.push(...page.items);
      if (page.next === undefined) break;
      start = page.next;
    }
    assert.deepEqual(seen, items, `round ${round}: every item once, in order`);
  }
});

Deno.test("a cursor names its offset, and is refused when malformed or made for another query", () => {
  const args = { path: "src", budget_tokens: 100 };
  const cursor = encodeCursor("skeleton", args, 7);
  assert.ok(cursor.length <= MAX_CURSOR_CHARS);
  assert.match(cursor, /^[A-Za-z0-9_-]+$/, "base64url");
  assert.equal(cursorOffset("skeleton", { ...args, cursor }), 7);
  // The budget may change between pages: it is not part of the query.
  assert.equal(cursorOffset("skeleton", { ...args, budget_tokens: 5000, cursor }), 7);
  usageError(() => cursorOffset("skeleton", { path: "lib", cursor }), /another query/);
  usageError(() => cursorOffset("symbol", { ...args, cursor }), /another query/);
  usageError(() => cursorOffset("skeleton", { ...args, cursor: "!!!" }), /malformed/);
  usageError(() => cursorOffset("skeleton", { ...args, cursor: btoa("{}") }), /malformed/);
  const negative = btoa(JSON.stringify({ v: 1, o: -1, d: "0" })).replace(/=+$/, "");
  usageError(() => cursorOffset("skeleton", { ...args, cursor: negative }), /malformed/);
  usageError(() => decodeCursor("skeleton", args, "A".repeat(MAX_CURSOR_CHARS + 1)), /longer/);
  assert.equal(cursorOffset("skeleton", args), 0);
  assert.deepEqual(pageFields("skeleton", args, { total: 3, next: undefined }), { total: 3 });
});

Deno.test("fitJsonPage returns every item exactly once over random budgets, each page within it", () => {
  const next = rng(1515);
  for (let round = 0; round < 25; round++) {
    const items = Array.from({ length: 1 + Math.floor(next() * 80) }, (_, i) => ({
      id: `hit-${i}`,
      preview: "y ".repeat(Math.floor(next() * 150)),
    }));
    const budget = 256 + Math.floor(next() * 2000);
    const head = { status: "ok", query: "q", hits: [], total_hits: items.length };
    const seen: unknown[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages <= items.length; pages++) {
      const args = cursor === undefined ? { query: "q" } : { query: "q", cursor };
      const p = fitJsonPage(head, items, {
        tool: "search",
        args,
        budgetTokens: budget,
        listKey: "hits",
      });
      assert.ok(
        outputTokens(p.text) <= budget,
        `round ${round}: ${outputTokens(p.text)} > ${budget}`,
      );
      assert.equal(p.structured.total, items.length);
      assert.deepEqual(Object.keys(p.structured).slice(0, 3), ["status", "query", "hits"]);
      seen.push(...(p.structured.hits as unknown[]));
      if (p.next === undefined) {
        assert.equal(p.structured.next_cursor, undefined, "no cursor on the last page");
        break;
      }
      cursor = String(p.structured.next_cursor);
    }
    assert.deepEqual(seen, items, `round ${round}`);
  }
});

Deno.test("fitJsonPage refuses a cursor for another query and a budget that holds no item", () => {
  const items = [{ id: "a" }, { id: "b" }];
  const cursor = encodeCursor("search", { query: "other" }, 1);
  usageError(
    () =>
      fitJsonPage({}, items, {
        tool: "search",
        args: { query: "q", cursor },
        budgetTokens: 500,
        listKey: "hits",
      }),
    /another query/,
  );
  assert.throws(
    () =>
      fitJsonPage({ big: "z ".repeat(5000) }, items, {
        tool: "t",
        args: {},
        budgetTokens: 300,
        listKey: "hits",
      }),
    (err: unknown) => err instanceof TrifectaError && err.code === "BUDGET_EXCEEDED",
  );
});

let libParsed: Promise<FileSkeleton[]> | undefined;

/** Real skeletons: every source file of trifecta's own lib/ (parsed once). */
function libSkeletons(): Promise<FileSkeleton[]> {
  libParsed ??= (async () => {
    const segment = await resolveSegment(fileURLToPath(new URL("../..", import.meta.url)));
    const targets = await collectSkeletonTargets(segment, ["lib"]);
    const batch = await skeletonOfFiles(segment, targets.files, { workers: 2 });
    return batch.files.flatMap((o) => (o.skeleton ? [o.skeleton] : []));
  })();
  return libParsed;
}

Deno.test("a paged outline of lib/ shows every file on exactly one page, each page within budget", async () => {
  const skeletons = await libSkeletons();
  const next = rng(7);
  for (const budget of [64, 300, 2_000, 64 + Math.floor(next() * 5_000)]) {
    const seen: string[] = [];
    let start = 0;
    for (let pages = 0; pages <= skeletons.length; pages++) {
      const o = budgetOutline(skeletons.slice(start), {
        budgetTokens: budget,
        cursorFor: (n) => encodeCursor("skeleton", { path: "lib" }, start + n),
      });
      assert.ok(outputTokens(o.text) <= budget, `budget ${budget}: ~${outputTokens(o.text)}`);
      assert.ok(o.files.length > 0, "every page moves on");
      // Only the first file of a page may be cut.
      assert.ok(o.files.slice(1).every((f) => f.shown === "full"), `budget ${budget}`);
      seen.push(...o.files.map((f) => f.path));
      if (o.next === undefined) break;
      assert.match(o.text, /next page: cursor "[A-Za-z0-9_-]+"\]\n$/);
      start += o.next;
    }
    assert.deepEqual(seen, skeletons.map((s) => s.path), `budget ${budget}: each file once`);
  }
});

Deno.test("a paged symbol answer lists every symbol of a module exactly once, each page within budget", async () => {
  const skeletons = await libSkeletons();
  const big = [...skeletons].sort((a, b) => b.symbols.length - a.symbols.length).slice(0, 3);
  for (const sk of big) {
    const list = sk.symbols.map(symbolJson);
    const head = { status: "ok", uri: `sym://typescript/mod/${sk.path}`, file_rel: sk.path };
    for (const budget of [256, 900, 3_000]) {
      const names: unknown[] = [];
      let start = 0;
      for (let pages = 0; pages <= list.length; pages++) {
        let made: number | undefined;
        const r = fitSymbolAnswer(head, list, {
          budgetTokens: budget,
          start,
          cursorFor: (n) => {
            made = n;
            return encodeCursor("symbol", { uri: "u" }, n);
          },
        });
        assert.ok(outputTokens(r.text) <= budget, `${sk.path} at ${budget}`);
        const shown = r.structured.symbols as { name: string }[];
        names.push(...shown.map((s) => s.name));
        if (r.structured.next_cursor === undefined) break;
        assert.equal(made, start + shown.length);
        start += shown.length;
      }
      assert.deepEqual(names, list.map((s) => s.name), `${sk.path} at ${budget}`);
    }
  }
});
