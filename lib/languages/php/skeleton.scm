; trifecta skeleton query for PHP (tree-sitter-php 0.24, the `php` grammar:
; PHP inside HTML). Capture names are described in
; lib/languages/python/skeleton.scm and docs/ast.md. When two patterns
; capture the same node, the earlier wins.
;
; Definitions: `namespace X\Y;` (kind namespace, the statement's one line:
; the classes after it are not nested in it) and `namespace X\Y { … }` (the
; block, holding what it declares); both are named as written (`X\Y`). A
; nameless `namespace { … }` is no definition. `class`, `interface`,
; `trait`, `enum`; `function` (a function); a method of a class,
; interface, trait or enum, abstract and interface methods included (no
; body: the signature is the declaration without its `;`). Function,
; method, closure (`function () {}`) and arrow function (`fn () =>`)
; bodies hold nothing for the skeleton; neither do anonymous classes
; (`new class { … }`), whose methods are not listed.
; Attributes are decorators: the attribute list before a definition (its
; `#[…]` groups, one line each, as written) is one decorator; the
; docblock (`/** … */`) ending right above a definition (or its first
; attribute) is its doc. Imports: `use` declarations at the top level of a
; file or namespace, and `require`/`include` (`_once`) statements outside
; function bodies.
; prune: function_definition method_declaration anonymous_function arrow_function

(namespace_definition
  name: (namespace_name) @name
  body: (compound_statement) @body) @definition.namespace

(namespace_definition
  name: (namespace_name) @name
  !body) @definition.namespace

(class_declaration
  name: (name) @name
  body: (declaration_list) @body) @definition.class

(interface_declaration
  name: (name) @name
  body: (declaration_list) @body) @definition.interface

(trait_declaration
  name: (name) @name
  body: (declaration_list) @body) @definition.trait

(enum_declaration
  name: (name) @name
  body: (enum_declaration_list) @body) @definition.enum

(function_definition
  name: (name) @name
  body: (compound_statement) @body) @definition.function

; A method: in a class, interface or trait body (declaration_list) or an
; enum body. Anonymous classes have declaration_list bodies too; they are
; function scopes (below), so their methods are never listed.
(declaration_list
  (method_declaration
    name: (name) @name
    body: (compound_statement) @body) @definition.method)

(declaration_list
  (method_declaration
    name: (name) @name
    !body) @definition.method)

(enum_declaration_list
  (method_declaration
    name: (name) @name
    body: (compound_statement) @body) @definition.method)

(enum_declaration_list
  (method_declaration
    name: (name) @name
    !body) @definition.method)

(attribute_list) @decorator

((comment) @doc.leading
  (#match? @doc.leading "^/[*][*]"))

(namespace_use_declaration) @import

(expression_statement
  [(require_expression) (require_once_expression)
   (include_expression) (include_once_expression)]) @import

(anonymous_function) @scope.function
(arrow_function) @scope.function
(anonymous_class) @scope.function
