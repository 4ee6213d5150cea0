; trifecta reference (tag) query for TypeScript, TSX and JavaScript (the
; TypeScript and TSX grammars share it).
;
; Capture names (see docs/ast.md, "Ranked map"):
;   @reference.<kind>  the referencing node (kind: call, attribute, type,
;                      name, import)
;   @name              the identifier referenced
;   @module            for imports: the module the name comes from
;   @skip              an identifier that is no reference: later patterns
;                      do not capture it
; One identifier matched by several patterns keeps the first pattern's kind.

(import_statement
  (import_clause (named_imports (import_specifier name: (identifier) @name)))
  source: (string (string_fragment) @module)) @reference.import

(import_statement
  (import_clause (identifier) @name)
  source: (string (string_fragment) @module)) @reference.import

(import_statement
  (import_clause (namespace_import (identifier) @name))
  source: (string (string_fragment) @module)) @reference.import

; `this.#dispatch(…)`: a private member is named with its `#`, as its
; symbol is (`Hono.#dispatch`). One pattern for the three forms of call: each
; pattern naming a call_expression or member_expression costs a few ms more
; when the query is built.
(call_expression
  function: [
    (identifier) @name
    (member_expression property: [(property_identifier) @name (private_property_identifier) @name])
  ]) @reference.call

(new_expression
  constructor: (identifier) @name) @reference.call

((type_identifier) @name @reference.type)

(member_expression
  property: [(property_identifier) @name (private_property_identifier) @name]) @reference.attribute

((identifier) @name @reference.name)
