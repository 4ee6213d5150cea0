; trifecta reference (tag) query for Rust (tree-sitter-rust 0.24).
;
; Capture names (see docs/ast.md, "Ranked map" and python/refs.scm):
;   @reference.<kind>  the referencing node (kind: call, attribute, type,
;                      name, import)
;   @name              the identifier referenced
;   @module            for imports: the path the name comes from
;   @skip              an identifier that is no reference (a path's leading
;                      parts): later patterns do not capture it
; One identifier matched by several patterns keeps the first pattern's kind.
;
; skip-names: self Self super crate Some None Ok Err Box Vec String Option
; skip-names: Result Default Clone Copy Debug

; `use a::b::C;`, `use a::b::{C, D as E};`: the last part of each path.
(use_declaration
  argument: (scoped_identifier
    path: (_) @module
    name: (identifier) @name)) @reference.import

(scoped_use_list
  path: (_) @module
  list: (use_list (identifier) @name)) @reference.import

(scoped_use_list
  path: (_) @module
  list: (use_list (scoped_identifier name: (identifier) @name))) @reference.import

(use_as_clause
  path: (scoped_identifier
    path: (_) @module
    name: (identifier) @name)) @reference.import

(use_declaration argument: (identifier) @name) @reference.import

; `mod a;` (no body) imports the module file a.rs or a/mod.rs: the name is
; the module and the module path.
(mod_item
  !body
  name: (identifier) @name @module) @reference.import

(scoped_identifier path: (identifier) @skip)
(scoped_type_identifier path: (identifier) @skip)

(call_expression
  function: (identifier) @name) @reference.call

(call_expression
  function: (scoped_identifier name: (identifier) @name)) @reference.call

(call_expression
  function: (field_expression field: (field_identifier) @name)) @reference.call

(call_expression
  function: (generic_function function: (identifier) @name)) @reference.call

(macro_invocation
  macro: (identifier) @name) @reference.call

((type_identifier) @name @reference.type)

(field_expression
  field: (field_identifier) @name) @reference.attribute

((identifier) @name @reference.name)
