import assert from "node:assert/strict";
import { Query } from "web-tree-sitter";
import { grammarForLanguage } from "../../lib/ast/parser.ts";
import cTypes from "tree-sitter-c/src/node-types.json" with { type: "json" };
import cppTypes from "tree-sitter-cpp/src/node-types.json" with { type: "json" };
import phpTypes from "tree-sitter-php/php/src/node-types.json" with { type: "json" };
import rubyTypes from "tree-sitter-ruby/src/node-types.json" with { type: "json" };
import tsTypes from "tree-sitter-typescript/typescript/src/node-types.json" with { type: "json" };
import tsxTypes from "tree-sitter-typescript/tsx/src/node-types.json" with { type: "json" };

// Some queries write a node as a wildcard with fields, `(_ scope: …)`, instead
// of its type, `(qualified_identifier scope: …)`: tree-sitter analyses every
// named node of a pattern that has children against the parse table when the
// query is built (milliseconds each in the big grammars), never a wildcard.
// That is the same query only while the grammar allows no other node type
// with those fields at that place: these tests check each such fact against
// the grammar's node-types.json, so a grammar update that breaks one fails
// here instead of changing skeletons.

/** One entry of a grammar's node-types.json (the parts read here). */
interface NodeType {
  type: string;
  named: boolean;
  fields?: Record<string, { types: { type: string; named: boolean }[] }>;
  children?: { types: { type: string; named: boolean }[] };
  subtypes?: { type: string; named: boolean }[];
}

/** A grammar's node types, with supertypes expanded to concrete types. */
class Grammar {
  readonly #byType = new Map<string, NodeType>();

  constructor(types: NodeType[]) {
    for (const t of types) if (t.named) this.#byType.set(t.type, t);
  }

  /** Concrete named types of a list (supertypes and hidden rules expanded). */
  expand(types: { type: string; named: boolean }[]): Set<string> {
    const out = new Set<string>();
    const todo = types.filter((t) => t.named).map((t) => t.type);
    const seen = new Set<string>();
    for (let t = todo.pop(); t !== undefined; t = todo.pop()) {
      if (seen.has(t)) continue;
      seen.add(t);
      const sub = this.#byType.get(t)?.subtypes;
      if (sub) todo.push(...sub.filter((s) => s.named).map((s) => s.type));
      else out.add(t);
    }
    return out;
  }

  /** Types a node can have at `field` of `parent` (`""`: its field-less children). */
  at(parent: string, field: string): Set<string> {
    const p = this.#byType.get(parent);
    assert.ok(p, `no node type ${parent}`);
    const list = field === "" ? p.children?.types : p.fields?.[field]?.types;
    assert.ok(list, `${parent} has no ${field || "children"}`);
    return this.expand(list);
  }

  /** Types with every one of `fields`; a field given a type must be able to hold it. */
  withFields(candidates: Set<string>, fields: Record<string, string | null>): string[] {
    return [...candidates].filter((t) => {
      const own = this.#byType.get(t)?.fields ?? {};
      return Object.entries(fields).every(([f, child]) => {
        const spec = own[f];
        return spec !== undefined && (child === null || this.expand(spec.types).has(child));
      });
    }).sort();
  }

  /** Every node type having `field`. */
  everyWith(field: string): string[] {
    return [...this.#byType.values()].filter((t) => t.fields?.[field]).map((t) => t.type).sort();
  }
}

/** One wildcard the queries use: at these places, these fields mean these types. */
interface Fact {
  /** What the query writes, for the failure message. */
  wildcard: string;
  /** `[parent, field]` places the wildcard stands at (`""`: field-less child). */
  at: [string, string][];
  /** Fields the wildcard has; a type names what the field must be able to hold. */
  fields: Record<string, string | null>;
  /** The node types it stands for. */
  is: string[];
}

const CPP_DECLARATOR_PLACES: [string, string][] = [
  ["function_definition", "declarator"],
  ["declaration", "declarator"],
  ["field_declaration", "declarator"],
  ["pointer_declarator", "declarator"],
  ["reference_declarator", ""],
  ["type_definition", "declarator"],
];

const CPP_FACTS: Fact[] = [
  {
    wildcard: "(_ declarator: … parameters: (_))",
    at: CPP_DECLARATOR_PLACES,
    fields: { declarator: null, parameters: null },
    is: ["function_declarator"],
  },
  {
    wildcard: "(_ name: (identifier) arguments: (_))",
    at: [["function_declarator", "declarator"], ["qualified_identifier", "name"]],
    fields: { name: "identifier", arguments: null },
    is: ["template_function"],
  },
  {
    wildcard: "(_ name: (type_identifier) …) as a scope",
    at: [["qualified_identifier", "scope"]],
    fields: { name: "type_identifier" },
    is: ["template_type"],
  },
  {
    wildcard: "(_ name: (type_identifier) arguments: (_))",
    at: [
      ["class_specifier", "name"],
      ["struct_specifier", "name"],
      ["union_specifier", "name"],
      ["enum_specifier", "name"],
      ["qualified_identifier", "name"],
    ],
    fields: { name: "type_identifier", arguments: null },
    is: ["template_type"],
  },
  {
    wildcard: "(_ name: (_ scope: …)) and (_ name: (_ name: (_ scope: …)))",
    at: [["function_declarator", "declarator"], ["qualified_identifier", "name"]],
    fields: { name: "qualified_identifier" },
    is: ["qualified_identifier"],
  },
];

const C_FACTS: Fact[] = [{
  wildcard: "(_ declarator: … parameters: (_))",
  at: [
    ["function_definition", "declarator"],
    ["declaration", "declarator"],
    ["type_definition", "declarator"],
    ["pointer_declarator", "declarator"],
    ["parenthesized_declarator", ""],
  ],
  fields: { declarator: null, parameters: null },
  is: ["function_declarator"],
}];

const TS_FACTS: Fact[] = [
  {
    wildcard: "(_ name: … body: (statement_block)) in a class body",
    at: [["class_body", ""]],
    fields: { name: null, body: "statement_block" },
    is: ["method_definition"],
  },
  {
    wildcard: "(_ name: … value: …) in a class body",
    at: [["class_body", ""]],
    fields: { name: null, value: null },
    is: ["public_field_definition"],
  },
  {
    wildcard: "(_ parameter: (_) body: (_)) as a value",
    at: [["variable_declarator", "value"], ["public_field_definition", "value"]],
    fields: { parameter: null, body: null },
    is: ["arrow_function"],
  },
  {
    wildcard: "(_ parameters: (_) body: (_)) as a value",
    at: [["variable_declarator", "value"], ["public_field_definition", "value"]],
    fields: { parameters: null, body: null },
    is: ["arrow_function", "function_expression", "generator_function"],
  },
];

const PHP_FACTS: Fact[] = [{
  wildcard: "(_ left: (name) right: …) in require/include",
  at: [
    ["require_expression", ""],
    ["require_once_expression", ""],
    ["include_expression", ""],
    ["include_once_expression", ""],
  ],
  fields: { left: "name", right: null },
  is: ["binary_expression"],
}];

const RUBY_FACTS: Fact[] = [{
  wildcard: "(_ scope: (_)? name: (_)) as a class or module name",
  at: [["class", "name"], ["module", "name"]],
  fields: { name: null },
  is: ["scope_resolution"],
}];

/** Every fact, checked at every place it is used. */
function checkFacts(label: string, grammar: Grammar, facts: Fact[]): void {
  for (const fact of facts) {
    for (const [parent, field] of fact.at) {
      const found = grammar.withFields(grammar.at(parent, field), fact.fields);
      assert.deepEqual(
        found,
        fact.is,
        `${label}: ${fact.wildcard} at ${parent}.${field || "children"} is ${found.join(", ")}`,
      );
    }
  }
}

Deno.test("query wildcards: C++ node types the skeleton's wildcards stand for are the only ones possible there", () => {
  const grammar = new Grammar(cppTypes as NodeType[]);
  // `(_ scope: …)` anywhere: only a qualified_identifier has a scope.
  assert.deepEqual(grammar.everyWith("scope"), ["qualified_identifier"]);
  checkFacts("cpp", grammar, CPP_FACTS);
});

Deno.test("query wildcards: C function declarators written as wildcards are the only ones possible there", () => {
  checkFacts("c", new Grammar(cTypes as NodeType[]), C_FACTS);
});

Deno.test("query wildcards: TypeScript and TSX members and function values written as wildcards", () => {
  checkFacts("typescript", new Grammar(tsTypes as NodeType[]), TS_FACTS);
  checkFacts("tsx", new Grammar(tsxTypes as NodeType[]), TS_FACTS);
});

Deno.test("query wildcards: PHP `__DIR__ . 'x'` in a require is the only binary node there", () => {
  checkFacts("php", new Grammar(phpTypes as NodeType[]), PHP_FACTS);
});

Deno.test("query wildcards: Ruby `A::B` class and module names written as a wildcard", () => {
  checkFacts("ruby", new Grammar(rubyTypes as NodeType[]), RUBY_FACTS);
});

Deno.test("query wildcards: a fact that does not hold is reported (the checker can fail)", () => {
  // Any node with a `name` in a C++ qualified name is more than a template_type.
  const grammar = new Grammar(cppTypes as NodeType[]);
  assert.throws(
    () =>
      checkFacts("cpp", grammar, [{
        wildcard: "(_ name: …)",
        at: [["qualified_identifier", "name"]],
        fields: { name: null },
        is: ["template_type"],
      }]),
    /qualified_identifier, template_function, template_method, template_type/,
  );
});

/** Captures the extractors read, per query: a rewrite must keep every one. */
const CAPTURES: [string, "skeleton" | "refs", string[]][] = [
  ["typescript", "skeleton", [
    "body",
    "decorator",
    "definition.class",
    "definition.method",
    "name",
  ]],
  ["javascript", "skeleton", ["body", "definition.function", "definition.variable", "owner"]],
  ["cpp", "skeleton", ["body", "definition.function", "definition.type", "name", "owner"]],
  ["c", "skeleton", [
    "body",
    "definition.function",
    "definition.struct",
    "definition.type",
    "name",
  ]],
  ["ruby", "skeleton", ["body", "definition.class", "definition.module", "name", "owner"]],
  ["php", "refs", ["module", "name", "reference.call", "reference.import", "reference.type"]],
  ["ruby", "refs", ["module", "name", "reference.call", "reference.type"]],
  ["cpp", "refs", ["module", "name", "reference.call", "reference.attribute", "skip"]],
  ["typescript", "refs", ["module", "name", "reference.attribute", "reference.call"]],
];

Deno.test("query wildcards: the rewritten queries compile in their grammars and keep their captures", async () => {
  for (const [language, which, wanted] of CAPTURES) {
    const g = await grammarForLanguage(language);
    const text = which === "skeleton" ? undefined : g.refs;
    const query = text === undefined ? g.query : new Query(g.language, text);
    try {
      for (const c of wanted) {
        assert.ok(query.captureNames.includes(c), `${language} ${which}: no @${c}`);
      }
    } finally {
      if (query !== g.query) query.delete();
    }
  }
});
