; trifecta reference (tag) query for Go (tree-sitter-go 0.25).
;
; Capture names (see docs/ast.md, "Ranked map" and python/refs.scm):
;   @reference.<kind>  the referencing node (kind: call, attribute, type,
;                      name, import)
;   @name              the identifier referenced
;   @module            for imports: the module the name comes from
;   @skip              an identifier that is no reference: later patterns
;                      do not capture it
; One identifier matched by several patterns keeps the first pattern's kind.
; An import names a package, not a symbol: its alias when it has one, else
; its path (`net/http`).
;
; skip-names: append cap clear close complex copy delete imag len make max
; skip-names: min new panic print println real recover nil true false iota
; skip-names: bool byte rune string error any int int8 int16 int32 int64
; skip-names: uint uint8 uint16 uint32 uint64 uintptr float32 float64
; skip-names: complex64 complex128 comparable

(import_spec
  name: (package_identifier) @name
  path: (interpreted_string_literal (interpreted_string_literal_content) @module)) @reference.import

(import_spec
  path: (interpreted_string_literal (interpreted_string_literal_content) @name @module)) @reference.import

(package_clause (package_identifier) @skip)

(call_expression
  function: (identifier) @name) @reference.call

(call_expression
  function: (selector_expression field: (field_identifier) @name)) @reference.call

(qualified_type
  name: (type_identifier) @name) @reference.type

((type_identifier) @name @reference.type)

(selector_expression
  field: (field_identifier) @name) @reference.attribute

((identifier) @name @reference.name)
