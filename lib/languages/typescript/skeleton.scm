; trifecta skeleton query for TypeScript, TSX and JavaScript
; (tree-sitter-typescript 0.23; JavaScript is parsed with the TSX grammar).
; Capture names are described in python.scm and docs/ast.md.
; When two patterns capture the same node, the earlier pattern wins.
;
; Function bodies hold nothing for the skeleton, and the query never runs
; inside large ones (see python.scm): besides saving time, this keeps
; classes nested in method bodies from costing tree-sitter's query time
; quadratic in the nesting depth.
; prune: function_declaration generator_function_declaration method_definition arrow_function function_expression generator_function

(class_declaration
  name: (_) @name
  body: (class_body) @body) @definition.class

(abstract_class_declaration
  name: (_) @name
  body: (class_body) @body) @definition.class

(interface_declaration
  name: (_) @name
  body: (interface_body) @body) @definition.interface

(enum_declaration
  name: (_) @name
  body: (enum_body) @body) @definition.enum

(type_alias_declaration
  name: (_) @name) @definition.type

(function_declaration
  name: (_) @name
  body: (statement_block) @body) @definition.function

(generator_function_declaration
  name: (_) @name
  body: (statement_block) @body) @definition.function

; Overload signatures and `declare function`.
(function_signature
  name: (_) @name) @definition.function

(class_body
  (method_definition
    name: (_) @name
    body: (statement_block) @body) @definition.method)

(class_body
  (method_signature
    name: (_) @name) @definition.method)

(class_body
  (abstract_method_signature
    name: (_) @name) @definition.method)

(class_body
  (public_field_definition
    name: (_) @name
    value: [(arrow_function body: (_) @body) (function_expression body: (_) @body)]) @definition.method)

(interface_body
  (method_signature
    name: (_) @name) @definition.method)

; Arrow-function and function-expression constants.
(lexical_declaration
  (variable_declarator
    name: (identifier) @name
    value: [(arrow_function body: (_) @body) (function_expression body: (_) @body)])) @definition.function

(variable_declaration
  (variable_declarator
    name: (identifier) @name
    value: [(arrow_function body: (_) @body) (function_expression body: (_) @body)])) @definition.function

; Other exported constants and variables.
(export_statement
  declaration: (lexical_declaration
    (variable_declarator
      name: (identifier) @name
      value: (_)? @body)) @definition.variable)

(export_statement
  declaration: (variable_declaration
    (variable_declarator
      name: (identifier) @name
      value: (_)? @body)) @definition.variable)

(decorator) @decorator

((comment) @doc.leading
  (#match? @doc.leading "^/[*][*]"))

(import_statement) @import

(export_statement !declaration) @export

(arrow_function) @scope.function
(function_expression) @scope.function
(generator_function) @scope.function
