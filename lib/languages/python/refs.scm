; trifecta reference (tag) query for Python (tree-sitter-python 0.25).
;
; Capture names (see docs/ast.md, "Ranked map"):
;   @reference.<kind>  the referencing node (kind: call, attribute, type,
;                      name, import)
;   @name              the identifier referenced
;   @module            for imports: the module the name comes from
;   @skip              an identifier that is no reference (a module path's
;                      parts): later patterns do not capture it
; One identifier matched by several patterns keeps the first pattern's kind.
;
; The directive below names identifiers that are never references (builtins:
; a call to `type()` or `super()` is no reference to a method of that name
; in the project). Kept out after the query, without a predicate per match.
; skip-names: abs all any bool bytes callable chr classmethod dict dir divmod
; skip-names: enumerate filter float format frozenset getattr globals hasattr
; skip-names: hash id input int isinstance issubclass iter len list locals map
; skip-names: max min next object open ord pow print property range repr
; skip-names: reversed round set setattr slice sorted staticmethod str sum
; skip-names: super tuple type vars zip self cls None True False

(import_from_statement
  module_name: (_) @module
  name: (dotted_name . (identifier) @name)) @reference.import

(import_from_statement
  module_name: (_) @module
  name: (aliased_import name: (dotted_name . (identifier) @name))) @reference.import

(import_statement
  name: (dotted_name) @name) @reference.import

(import_statement
  name: (aliased_import name: (dotted_name) @name)) @reference.import

(dotted_name (identifier) @skip)


(call
  function: (identifier) @name) @reference.call

(call
  function: (attribute attribute: (identifier) @name)) @reference.call

(type (identifier) @name) @reference.type

(type (attribute attribute: (identifier) @name)) @reference.type

(attribute
  attribute: (identifier) @name) @reference.attribute

((identifier) @name @reference.name)
