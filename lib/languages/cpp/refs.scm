; trifecta reference (tag) query for C++ (tree-sitter-cpp 0.23).
;
; Capture names (see docs/ast.md, "Ranked map"):
;   @reference.<kind>  the referencing node (kind: call, attribute, type,
;                      name, import)
;   @name              the identifier referenced
;   @module            for imports: the header included
;   @skip              an identifier that is no reference (a namespace
;                      qualifier's parts)
; One identifier matched by several patterns keeps the first pattern's kind.
; An `#include "x.hpp"` names a file, not a symbol: its path is the @module
; and the @name.
; skip-names: std size_t nullptr this sizeof move forward make_unique
; skip-names: make_shared static_cast dynamic_cast reinterpret_cast
; skip-names: const_cast assert printf

(preproc_include
  path: (string_literal (string_content) @module @name)) @reference.import

; One pattern for the four forms of call: each pattern naming a
; call_expression costs a few ms more when the query is built.
(call_expression
  function: [
    (identifier) @name
    (qualified_identifier name: (identifier) @name)
    (field_expression field: (field_identifier) @name)
    (template_function name: (identifier) @name)
  ]) @reference.call

(namespace_identifier) @skip

((type_identifier) @name @reference.type)

(field_expression
  field: (field_identifier) @name) @reference.attribute

((identifier) @name @reference.name)
