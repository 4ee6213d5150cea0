; trifecta skeleton query for TypeScript, TSX and JavaScript
; (tree-sitter-typescript 0.23; JavaScript is parsed with the TSX grammar).
; Capture names are described in python/skeleton.scm and docs/ast.md.
; When two patterns capture the same node, the earlier pattern wins.
;
; What is left out: everything in the body of a function of any form
; (declarations, arrow functions, function and generator expressions,
; object-literal methods and accessors, class methods) and in class static
; blocks; the members of a class expression not bound to a variable
; (`foo(class { … })`, `export default class { … }`): it has no name to
; hold them.
;
; A variable declaration with one declarator is one definition whose
; signature keeps its `export`/`const`; with several (`const a = …, b = …`)
; each declarator is one, its signature starting at its name.
;
; Function bodies hold nothing for the skeleton, and the query never runs
; inside large ones (see python/skeleton.scm): besides saving time, this
; keeps classes nested in method bodies from costing tree-sitter's query
; time quadratic in the nesting depth. Safe because no pattern needs a node
; after such a body, except the several-declarator ones, which need the
; declarator across a pruned arrow body: tree-sitter still completes a
; match whose nodes lie on both sides of a cut (tests/ast/typescript_defects_test.ts
; checks declarators after a large arrow body; the skeletons of 900 real
; files are the same with and without pruning).
; prune: function_declaration generator_function_declaration method_definition arrow_function function_expression generator_function class_static_block
;
; Written for a short query compile: when a query is built, tree-sitter
; walks the parse table once for every named node of a pattern that has
; children (a method_definition costs ~7 ms, an arrow_function ~4 ms), but
; never for a wildcard `(_ …)`. So where the grammar allows only one node
; type (or the types wanted and no other), the node is a wildcard with
; fields only they have (tests/languages/query_compile_test.ts checks these
; facts against both grammars' node-types.json):
;   in a class_body, (_ name: … body: …)    a method_definition
;   in a class_body, (_ name: … value: …)   a public_field_definition
;   as a value, (_ parameter: … body: …)    an arrow function `x => …`
;   as a value, (_ parameters: … body: …)   any other arrow function, a
;                                           function or generator expression

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

; Namespaces (`namespace N`, `module N`) and ambient modules
; (`declare module "x"`, named by the string without its quotes): their
; members are named below them. `namespace A.B` is namespace `B` owned by
; `A` (qualified name `A.B`).
(internal_module
  name: (identifier) @name
  body: (statement_block) @body) @definition.namespace

(internal_module
  name: (nested_identifier object: (_) @owner property: (_) @name)
  body: (statement_block) @body) @definition.namespace

(module
  name: (identifier) @name
  body: (statement_block)? @body) @definition.namespace

(module
  name: (nested_identifier object: (_) @owner property: (_) @name)
  body: (statement_block)? @body) @definition.namespace

(module
  name: (string (string_fragment) @name)
  body: (statement_block)? @body) @definition.namespace

(function_declaration
  name: (_) @name
  body: (statement_block) @body) @definition.function

(generator_function_declaration
  name: (_) @name
  body: (statement_block) @body) @definition.function

; Overload signatures and `declare function`.
(function_signature
  name: (_) @name) @definition.function

; Members of classes: declared ones, and class expressions bound to a
; variable (`const X = class { … }`, the class `X`).
(class_declaration
  body: (class_body
    (_
      name: (_) @name
      body: (statement_block) @body) @definition.method))

(abstract_class_declaration
  body: (class_body
    (_
      name: (_) @name
      body: (statement_block) @body) @definition.method))

(variable_declarator
  value: (class
    body: (class_body
      (_
        name: (_) @name
        body: (statement_block) @body) @definition.method)))

(class_declaration
  body: (class_body
    (method_signature
      name: (_) @name) @definition.method))

(abstract_class_declaration
  body: (class_body
    (method_signature
      name: (_) @name) @definition.method))

(variable_declarator
  value: (class
    body: (class_body
      (method_signature
        name: (_) @name) @definition.method)))

(class_declaration
  body: (class_body
    (abstract_method_signature
      name: (_) @name) @definition.method))

(abstract_class_declaration
  body: (class_body
    (abstract_method_signature
      name: (_) @name) @definition.method))

(class_declaration
  body: (class_body
    (_
      name: (_) @name
      value: [(_ parameter: (_) body: (_) @body) (_ parameters: (_) body: (_) @body)]) @definition.method))

(abstract_class_declaration
  body: (class_body
    (_
      name: (_) @name
      value: [(_ parameter: (_) body: (_) @body) (_ parameters: (_) body: (_) @body)]) @definition.method))

(variable_declarator
  value: (class
    body: (class_body
      (_
        name: (_) @name
        value: [(_ parameter: (_) body: (_) @body) (_ parameters: (_) body: (_) @body)]) @definition.method)))

(interface_body
  (method_signature
    name: (_) @name) @definition.method)

; Function constants: arrow functions, function and generator expressions
; (`const f = () => …`, also not exported). One declarator (a trailing
; comment may sit inside the declaration), then each of several.
(lexical_declaration
  .
  (variable_declarator
    name: (identifier) @name
    value: [(_ parameter: (_) body: (_) @body) (_ parameters: (_) body: (_) @body)])
  .) @definition.function

(lexical_declaration
  .
  (variable_declarator
    name: (identifier) @name
    value: [(_ parameter: (_) body: (_) @body) (_ parameters: (_) body: (_) @body)])
  .
  (comment)
  .) @definition.function

(variable_declaration
  .
  (variable_declarator
    name: (identifier) @name
    value: [(_ parameter: (_) body: (_) @body) (_ parameters: (_) body: (_) @body)])
  .) @definition.function

(variable_declaration
  .
  (variable_declarator
    name: (identifier) @name
    value: [(_ parameter: (_) body: (_) @body) (_ parameters: (_) body: (_) @body)])
  .
  (comment)
  .) @definition.function

(lexical_declaration
  (variable_declarator
    name: (identifier) @name
    value: [(_ parameter: (_) body: (_) @body) (_ parameters: (_) body: (_) @body)]) @definition.function
  (variable_declarator))

(lexical_declaration
  (variable_declarator)
  (variable_declarator
    name: (identifier) @name
    value: [(_ parameter: (_) body: (_) @body) (_ parameters: (_) body: (_) @body)]) @definition.function)

(variable_declaration
  (variable_declarator
    name: (identifier) @name
    value: [(_ parameter: (_) body: (_) @body) (_ parameters: (_) body: (_) @body)]) @definition.function
  (variable_declarator))

(variable_declaration
  (variable_declarator)
  (variable_declarator
    name: (identifier) @name
    value: [(_ parameter: (_) body: (_) @body) (_ parameters: (_) body: (_) @body)]) @definition.function)

; Class expressions bound to a variable: the class of that name.
(lexical_declaration
  .
  (variable_declarator name: (identifier) @name value: (class body: (class_body) @body))
  .) @definition.class

(lexical_declaration
  .
  (variable_declarator name: (identifier) @name value: (class body: (class_body) @body))
  .
  (comment)
  .) @definition.class

(variable_declaration
  .
  (variable_declarator name: (identifier) @name value: (class body: (class_body) @body))
  .) @definition.class

(variable_declaration
  .
  (variable_declarator name: (identifier) @name value: (class body: (class_body) @body))
  .
  (comment)
  .) @definition.class

(lexical_declaration
  (variable_declarator name: (identifier) @name value: (class body: (class_body) @body)) @definition.class
  (variable_declarator))

(lexical_declaration
  (variable_declarator)
  (variable_declarator name: (identifier) @name value: (class body: (class_body) @body)) @definition.class)

(variable_declaration
  (variable_declarator name: (identifier) @name value: (class body: (class_body) @body)) @definition.class
  (variable_declarator))

(variable_declaration
  (variable_declarator)
  (variable_declarator name: (identifier) @name value: (class body: (class_body) @body)) @definition.class)

; Other exported constants and variables, also `export declare const`.
(export_statement
  declaration: (lexical_declaration
    .
    (variable_declarator name: (identifier) @name value: (_)? @body)
    .) @definition.variable)

(export_statement
  declaration: (lexical_declaration
    .
    (variable_declarator name: (identifier) @name value: (_)? @body)
    .
    (comment)
    .) @definition.variable)

(export_statement
  declaration: (variable_declaration
    .
    (variable_declarator name: (identifier) @name value: (_)? @body)
    .) @definition.variable)

(export_statement
  declaration: (variable_declaration
    .
    (variable_declarator name: (identifier) @name value: (_)? @body)
    .
    (comment)
    .) @definition.variable)

(export_statement
  declaration: (lexical_declaration
    (variable_declarator name: (identifier) @name value: (_)? @body) @definition.variable
    (variable_declarator)))

(export_statement
  declaration: (lexical_declaration
    (variable_declarator)
    (variable_declarator name: (identifier) @name value: (_)? @body) @definition.variable))

(export_statement
  declaration: (variable_declaration
    (variable_declarator name: (identifier) @name value: (_)? @body) @definition.variable
    (variable_declarator)))

(export_statement
  declaration: (variable_declaration
    (variable_declarator)
    (variable_declarator name: (identifier) @name value: (_)? @body) @definition.variable))

(export_statement
  declaration: (ambient_declaration
    [(lexical_declaration . (variable_declarator name: (identifier) @name) .)
     (variable_declaration . (variable_declarator name: (identifier) @name) .)]) @definition.variable)

(export_statement
  declaration: (ambient_declaration
    [(lexical_declaration
       (variable_declarator name: (identifier) @name) @definition.variable
       (variable_declarator))
     (lexical_declaration
       (variable_declarator)
       (variable_declarator name: (identifier) @name) @definition.variable)
     (variable_declaration
       (variable_declarator name: (identifier) @name) @definition.variable
       (variable_declarator))
     (variable_declaration
       (variable_declarator)
       (variable_declarator name: (identifier) @name) @definition.variable)]))

(decorator) @decorator

((comment) @doc.leading
  (#match? @doc.leading "^/[*][*]"))

(import_statement) @import

(export_statement !declaration) @export

; Bodies of functions that are no definition here: object-literal methods
; and accessors (a class method is both), function and class expressions'
; functions, and class static blocks.
(arrow_function) @scope.function
(function_expression) @scope.function
(generator_function) @scope.function
(method_definition) @scope.function
(class_static_block) @scope.function
