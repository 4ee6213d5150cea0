; trifecta reference (tag) query for PHP (tree-sitter-php 0.24).
;
; Capture names (see docs/ast.md, "Ranked map"):
;   @reference.<kind>  the referencing node (kind: call, attribute, type,
;                      name, import)
;   @name              the identifier referenced
;   @module            for imports: the class (`A\B\C`) or the file path
;                      (`require __DIR__ . '/x.php'`) imported
;   @skip              an identifier that is no reference
; One identifier matched by several patterns keeps the first pattern's kind.
; skip-names: self static parent true false null array string int float bool
; skip-names: mixed void never object iterable callable isset unset empty

; `use A\B\C;`: the module is the whole class name (its file ends B/C.php).
(namespace_use_clause
  (qualified_name
    (name) @name) @module) @reference.import

(namespace_use_declaration
  (namespace_name) @module
  (namespace_use_group
    (namespace_use_clause . (name) @name))) @reference.import

(namespace_use_clause . (name) @name) @reference.import

; `require __DIR__ . '/x.php'` (and include, the `_once` forms): a path from
; the file's directory; a literal path that is not absolute, the same.
; `(_ left: (name) …)` is the binary_expression: no other node here has
; a `left` that can be a name (tests/languages/query_compile_test.ts checks
; it against node-types.json); as a wildcard it costs nothing when the query
; is built, a binary_expression some 15 ms each.
(require_expression
  (_
    left: (name) @_dir
    right: [(string (string_content) @module @name)
            (encapsed_string (string_content) @module @name)])
  (#eq? @_dir "__DIR__")) @reference.import

(require_expression
  [(string (string_content) @module @name)
   (encapsed_string (string_content) @module @name)]
  (#not-match? @module "^/")) @reference.import

(require_once_expression
  (_
    left: (name) @_dir
    right: [(string (string_content) @module @name)
            (encapsed_string (string_content) @module @name)])
  (#eq? @_dir "__DIR__")) @reference.import

(require_once_expression
  [(string (string_content) @module @name)
   (encapsed_string (string_content) @module @name)]
  (#not-match? @module "^/")) @reference.import

(include_expression
  (_
    left: (name) @_dir
    right: [(string (string_content) @module @name)
            (encapsed_string (string_content) @module @name)])
  (#eq? @_dir "__DIR__")) @reference.import

(include_expression
  [(string (string_content) @module @name)
   (encapsed_string (string_content) @module @name)]
  (#not-match? @module "^/")) @reference.import

(include_once_expression
  (_
    left: (name) @_dir
    right: [(string (string_content) @module @name)
            (encapsed_string (string_content) @module @name)])
  (#eq? @_dir "__DIR__")) @reference.import

(include_once_expression
  [(string (string_content) @module @name)
   (encapsed_string (string_content) @module @name)]
  (#not-match? @module "^/")) @reference.import

(function_call_expression
  function: [(name) @name (qualified_name (name) @name)]) @reference.call

(member_call_expression
  name: (name) @name) @reference.call

(nullsafe_member_call_expression
  name: (name) @name) @reference.call

(scoped_call_expression
  name: (name) @name) @reference.call

(object_creation_expression
  [(name) @name (qualified_name (name) @name)]) @reference.call

(member_access_expression
  name: (name) @name) @reference.attribute

(named_type [(name) @name (qualified_name (name) @name)]) @reference.type

(base_clause [(name) @name (qualified_name (name) @name)]) @reference.type

(class_interface_clause [(name) @name (qualified_name (name) @name)]) @reference.type

(class_constant_access_expression . [(name) @name (qualified_name (name) @name)]) @reference.type

(scoped_call_expression
  scope: [(name) @name (qualified_name (name) @name)]) @reference.type

((name) @name @reference.name)
