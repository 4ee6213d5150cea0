; trifecta reference (tag) query for C (tree-sitter-c 0.24).
;
; Capture names (see docs/ast.md, "Ranked map"):
;   @reference.<kind>  the referencing node (kind: call, attribute, type,
;                      name, import)
;   @name              the identifier referenced
;   @module            for imports: the header included
; One identifier matched by several patterns keeps the first pattern's kind.
; An `#include "x.h"` names a file, not a symbol: its path is the @module
; and the @name.
; skip-names: NULL sizeof malloc calloc realloc free memcpy memset memcmp
; skip-names: strlen strcmp strncmp strcpy strncpy printf fprintf sprintf
; skip-names: snprintf assert abort exit

(preproc_include
  path: (string_literal (string_content) @module @name)) @reference.import

(call_expression
  function: (identifier) @name) @reference.call

(call_expression
  function: (field_expression field: (field_identifier) @name)) @reference.call

((type_identifier) @name @reference.type)

(field_expression
  field: (field_identifier) @name) @reference.attribute

((identifier) @name @reference.name)
