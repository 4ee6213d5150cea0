import assert from "node:assert/strict";
import type { FileSkeleton, SkeletonSymbol } from "../../lib/ast/mod.ts";
import {
  allQualifiedNames,
  explainMiss,
  findSymbols,
  nearestNames,
} from "../../lib/symbols/mod.ts";

// Hand-built skeletons are legitimate input to the pure lookup; the e2e tests
// run the same lookups through the real extractor.
function sym(
  kind: SkeletonSymbol["kind"],
  qualified: string,
  lines: [number, number],
  children: SkeletonSymbol[] = [],
): SkeletonSymbol {
  return {
    kind,
    name: qualified.slice(qualified.lastIndexOf(".") + 1),
    qualified_name: qualified,
    start_line: lines[0],
    end_line: lines[1],
    signature: `${kind === "class" ? "class" : "def"} ${qualified.split(".").pop()}`,
    decorators: [],
    doc: "",
    children,
  };
}

const skeleton: FileSkeleton = {
  path: "pkg/mod.py",
  language: "python",
  sha256: "0".repeat(64),
  has_errors: false,
  bytes: 0,
  skeleton_bytes: 0,
  imports: [{ text: "from .models import Item", line: 1 }],
  symbols: [
    sym("class", "Inventory", [3, 20], [
      sym("class", "Inventory.Snapshot", [4, 8], [
        sym("method", "Inventory.Snapshot.quantity_of", [6, 8]),
      ]),
      sym("method", "Inventory.add", [10, 12]),
    ]),
    sym("function", "dump", [22, 23]),
    sym("function", "dump", [26, 27]),
  ],
};

Deno.test("select: finds top-level, member and nested member symbols", () => {
  assert.equal(findSymbols(skeleton, ["Inventory"])[0]?.start_line, 3);
  assert.equal(findSymbols(skeleton, ["Inventory", "add"])[0]?.qualified_name, "Inventory.add");
  const deep = findSymbols(skeleton, ["Inventory", "Snapshot", "quantity_of"]);
  assert.equal(deep.length, 1);
  assert.equal(deep[0]?.start_line, 6);
});

Deno.test("select: a name defined twice gives both definitions", () => {
  assert.deepEqual(findSymbols(skeleton, ["dump"]).map((s) => s.start_line), [22, 26]);
});

Deno.test("select: a member is looked up only under its container", () => {
  assert.deepEqual(findSymbols(skeleton, ["quantity_of"]), []);
  assert.deepEqual(findSymbols(skeleton, ["Inventory", "quantity_of"]), []);
  assert.deepEqual(findSymbols(skeleton, ["dump", "x"]), []);
});

Deno.test("select: explainMiss names the deepest container found and what it holds", () => {
  assert.deepEqual(explainMiss(skeleton, ["Inventory", "Snapshot", "nope"]), {
    matchedDepth: 2,
    container: "Inventory.Snapshot",
    available: ["quantity_of"],
  });
  assert.deepEqual(explainMiss(skeleton, ["Nope"]).available, ["Inventory", "dump"]);
});

Deno.test("select: near misses by case, by last name, and by edit distance; nothing for a far name", () => {
  const names = allQualifiedNames(skeleton);
  assert.deepEqual(names, [
    "Inventory",
    "Inventory.Snapshot",
    "Inventory.Snapshot.quantity_of",
    "Inventory.add",
    "dump",
  ]);
  assert.equal(nearestNames("inventory", names)[0], "Inventory"); // same name, other case: best
  assert.ok(!nearestNames("inventory", names).includes("dump"));
  assert.deepEqual(nearestNames("Snapshot", names), ["Inventory.Snapshot"]);
  assert.equal(nearestNames("Inventory.ad", names)[0], "Inventory.add");
  assert.deepEqual(nearestNames("zzzzzz", names), []);
});

Deno.test("select: a definition named after its owner but not nested in it is found by qualified name", () => {
  const sym = (name: string, qualified: string) => ({
    kind: "method" as const,
    name,
    qualified_name: qualified,
    start_line: 1,
    end_line: 2,
    signature: "",
    decorators: [],
    doc: "",
    children: [],
  });
  const skeleton = {
    path: "store/memory.go",
    language: "go",
    sha256: "",
    has_errors: false,
    bytes: 0,
    skeleton_bytes: 0,
    imports: [],
    symbols: [{ ...sym("Memory", "Memory"), kind: "struct" as const }, sym("Add", "Memory.Add")],
  };
  assert.deepEqual(findSymbols(skeleton, ["Memory", "Add"]).map((s) => s.qualified_name), [
    "Memory.Add",
  ]);
  assert.deepEqual(findSymbols(skeleton, ["Add"]), [], "a method is not a top-level name");
});
